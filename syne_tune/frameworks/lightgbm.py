"""ReportCallback for LightGBM: reports each boosting round to the tuner and checkpoints for resume.

In a training script::

    report = ReportCallback(checkpoint_dir=args.st_checkpoint_dir)
    booster = lightgbm.train(params, train_set, num_boost_round=args.rounds, valid_sets=[valid_set],
                             valid_names=["valid"], callbacks=[report], init_model=report.resume_from)

After each boosting round the callback reports ``round`` (1, 2, ..., counting the rounds of a
model it resumed from) and every validation result as ``<valid name>_<metric>`` (e.g.
``valid_l2``), after saving the model to ``<checkpoint_dir>/model.txt`` every
``checkpoint_every`` rounds (if ``checkpoint_dir`` is given). A paused trial that is resumed,
or a PBT trial started from another's checkpoint, continues from that model: pass
``init_model=report.resume_from`` and the rounds still to do (:meth:`rounds_left`).
Needs ``pip install 'syne-tune[lightgbm]'``.
"""
from __future__ import annotations

from syne_tune.optional_dependency import require

require("lightgbm", "lightgbm", "syne_tune.frameworks.lightgbm")

from syne_tune.frameworks.checkpoint_file import CheckpointFile  # noqa: E402
from syne_tune.report import Reporter  # noqa: E402


class ReportCallback:
    """A LightGBM callback reporting every boosting round (see the module docstring).

    Args:
        metrics: the reported names to keep (e.g. ``["valid_l2"]``); default all.
        resource_attr: the key of the round number (1-based) in each report.
        checkpoint_dir: the trial's ``st_checkpoint_dir``; None: no checkpoint.
        checkpoint_every: rounds between checkpoints (1: every round, so a resume repeats none).
        reporter: the :class:`~syne_tune.Reporter` to call; default a new one.
    """

    order = 30  # after LightGBM's own callbacks (early stopping is 30 too; record_evaluation 20)

    def __init__(self, metrics: list[str] | None = None, resource_attr: str = "round",
                 checkpoint_dir: str | None = None, checkpoint_every: int = 1, reporter: Reporter | None = None):
        if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int) or checkpoint_every < 1:
            raise ValueError(f"The 'checkpoint_every' argument of ReportCallback must be an int >= 1. "
                             f"Got {checkpoint_every!r}.")
        self.metrics = None if metrics is None else list(metrics)
        self.resource_attr = resource_attr
        self.checkpoint_every = checkpoint_every
        self.checkpoint = CheckpointFile(checkpoint_dir, "model.txt")
        self.reporter = reporter if reporter is not None else Reporter()

    @property
    def resume_from(self) -> str | None:
        """The model to pass as ``lightgbm.train(..., init_model=...)``: None for a fresh start."""
        return self.checkpoint.existing()

    def rounds_left(self, num_boost_round: int) -> int:
        """Rounds still to train towards ``num_boost_round`` in total, given the model resumed from."""
        path = self.resume_from
        if path is None:
            return num_boost_round
        import lightgbm

        return max(0, num_boost_round - lightgbm.Booster(model_file=path).current_iteration())

    def __call__(self, env) -> None:
        done = env.iteration + 1  # counts the rounds of the init_model, as LightGBM does
        values = {f"{data}_{metric}": float(value) for data, metric, value, *_ in env.evaluation_result_list or []}
        if self.metrics is not None:
            missing = [name for name in self.metrics if name not in values]
            if missing:
                raise ValueError(f"ReportCallback(metrics=...) names {missing}, which LightGBM did not compute "
                                 f"(computed: {sorted(values)}). Pass valid_sets and valid_names to lightgbm.train.")
            values = {name: values[name] for name in self.metrics}
        if done % self.checkpoint_every == 0 or done == env.end_iteration:
            self.checkpoint.save(env.model.save_model)
        self.reporter(**{self.resource_attr: done, **values})
