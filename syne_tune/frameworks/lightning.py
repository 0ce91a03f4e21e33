"""ReportCallback for PyTorch Lightning: reports each epoch to the tuner and checkpoints for resume.

In a training script::

    report = ReportCallback(metrics=["val_loss"], checkpoint_dir=args.st_checkpoint_dir)
    trainer = lightning.pytorch.Trainer(max_epochs=args.epochs, callbacks=[report])
    trainer.fit(model, train_loader, val_loader, ckpt_path=report.resume_from)

At the end of every epoch (``on="epoch_end"``, the default: after its training and its
validation, so both the train and the validation metrics are there) or after every validation
run (``on="validation_end"``), the callback saves the trainer's checkpoint to ``<checkpoint_dir>/last.ckpt``
(if ``checkpoint_dir`` is given), then reports ``epoch`` (1, 2, ...) and the metrics the
LightningModule logged with ``self.log``. A paused trial that is resumed, or a PBT trial started
from another's checkpoint, continues from that checkpoint: pass ``ckpt_path=report.resume_from``.
Needs ``pip install 'syne-tune[lightning]'``.
"""
from __future__ import annotations

from syne_tune.optional_dependency import require

require("lightning", "lightning", "syne_tune.frameworks.lightning")

from lightning.pytorch import Callback  # noqa: E402

from syne_tune.frameworks.checkpoint_file import CheckpointFile  # noqa: E402
from syne_tune.report import Reporter  # noqa: E402


class ReportCallback(Callback):
    """Reports Lightning's logged metrics to the tuner once per epoch (see the module docstring).

    Args:
        metrics: the logged names to report (``trainer.callback_metrics``); a dict maps a
            reported name to a logged one. Default: every logged scalar.
        resource_attr: the key of the epoch number (1-based) in each report.
        checkpoint_dir: the trial's ``st_checkpoint_dir``; None: no checkpoint.
        on: ``"epoch_end"`` (after each epoch's training and validation) or ``"validation_end"`` (after
            each validation run: with ``val_check_interval`` several times per epoch).
        reporter: the :class:`~syne_tune.Reporter` to call; default a new one.
    """

    def __init__(self, metrics: list[str] | dict[str, str] | None = None, resource_attr: str = "epoch",
                 checkpoint_dir: str | None = None, on: str = "epoch_end", reporter: Reporter | None = None):
        if on not in ("epoch_end", "validation_end"):
            raise ValueError(f"The 'on' argument of ReportCallback must be 'epoch_end' or 'validation_end'. "
                             f"Got {on!r}.")
        if metrics is not None and not isinstance(metrics, dict):
            metrics = {name: name for name in metrics}
        self.metrics = metrics
        self.resource_attr = resource_attr
        self.on = on
        self.checkpoint = CheckpointFile(checkpoint_dir, "last.ckpt")
        self.reporter = reporter if reporter is not None else Reporter()

    @property
    def resume_from(self) -> str | None:
        """The checkpoint to pass as ``trainer.fit(..., ckpt_path=...)``: None for a fresh start."""
        return self.checkpoint.existing()

    def on_validation_end(self, trainer, pl_module) -> None:
        if self.on == "validation_end" and not trainer.sanity_checking:
            self._report(trainer)

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        if self.on == "epoch_end":
            self._report(trainer)

    def _report(self, trainer) -> None:
        logged = trainer.callback_metrics
        if self.metrics is None:
            values = {name: float(value) for name, value in logged.items() if getattr(value, "numel", lambda: 1)() == 1}
        else:
            missing = [name for name in self.metrics.values() if name not in logged]
            if missing:
                raise ValueError(f"ReportCallback(metrics=...) names {missing}, which the LightningModule did not log "
                                 f"this epoch (logged: {sorted(logged)}). Log them with self.log(name, value) (with "
                                 f"on='validation_end', metrics of training_step arrive only at the epoch's end).")
            values = {reported: float(logged[name]) for reported, name in self.metrics.items()}
        if trainer.is_global_zero:
            self.checkpoint.save(trainer.save_checkpoint)
            self.reporter(**{self.resource_attr: trainer.current_epoch + 1, **values})
