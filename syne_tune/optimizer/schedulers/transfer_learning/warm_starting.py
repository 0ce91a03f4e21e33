"""Warm-starting a searcher from earlier observations of the same task (e.g. a study resumed
with a changed budget): the observations go through the searcher's public update path,
``on_trial_result(..., update=True)``, as if they were finished trials of this run."""
from __future__ import annotations

from syne_tune._validation import bad_argument
from syne_tune.config_space import Domain


def observations_from_experiment(experiment, metrics: list[str] | None = None) -> list[tuple[dict, dict]]:
    """(config, result) of each trial of an earlier experiment (an ``ExperimentResult`` or a name
    for ``load_experiment``): its last report of ``metrics`` (default: the experiment's)."""
    from syne_tune.optimizer.schedulers.transfer_learning.task_evaluations import evaluations_from_experiment

    task = evaluations_from_experiment(experiment, metrics)
    values = task.objectives_evaluations[:, 0, -1, :]
    return [(config, dict(zip(task.objectives_names, row.tolist())))
            for config, row in zip(task.hyperparameters.to_dict("records"), values)]


def warm_start(scheduler_or_searcher, observations) -> int:
    """Feeds ``observations`` (a list of (config, result) pairs, or an earlier experiment as for
    :func:`observations_from_experiment`) to the searcher of ``scheduler_or_searcher`` (a scheduler
    with a ``searcher``, or a searcher). Configs outside the searcher's space are skipped; the others
    count as evaluated (not proposed again). Call it before tuning. Returns how many were fed.

    A multi-fidelity searcher (MOBSTER) needs the resource in each result: pass (config, result)
    pairs that hold it; an experiment gives each trial's last report without it."""
    searcher = getattr(scheduler_or_searcher, "searcher", scheduler_or_searcher)
    if not hasattr(searcher, "on_trial_result"):
        raise bad_argument("warm_start", "scheduler_or_searcher", "a scheduler with a searcher, or a searcher",
                           scheduler_or_searcher)
    if not isinstance(observations, list):
        # what the searcher models: its metric(s) and, for constrained BO, the constraint values
        names = list(getattr(searcher, "metrics", [searcher.metric])) + list(getattr(searcher, "constraint_attrs", []))
        observations = observations_from_experiment(observations, names)
    space = searcher.config_space
    fed = 0
    for index, (config, result) in enumerate(observations):
        keys = [k for k, v in space.items() if isinstance(v, Domain)]
        if any(k not in config or not space[k].is_valid(config[k]) for k in keys):
            continue
        config = {k: space[k].cast(config[k]) for k in keys}
        searcher.on_trial_result(f"warm-start-{index}", config, dict(result), update=True)
        fed += 1
    return fed
