"""Earlier results of related tasks, in the original library's form, and where to get them.

:class:`TransferLearningTaskEvaluations` holds one task's evaluations: the configs
(``hyperparameters``, one row each) and ``objectives_evaluations: (num_evals, num_seeds,
num_fidelities, num_objectives)``. Build them from our own experiment folders
(:func:`evaluations_from_experiment`) or from a blackbox table (:func:`evaluations_from_blackbox`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from syne_tune._validation import bad_argument, check_choice, check_int
from syne_tune.config_space import Domain, non_constant_hyperparameter_keys

if TYPE_CHECKING:
    import pandas as pd


class TransferLearningTaskEvaluations:
    """Evaluations of one earlier task.

    Args:
        configuration_space: the search space the configs come from.
        hyperparameters: DataFrame, one config per row, columns are keys of ``configuration_space``.
        objectives_names: names of the objectives, in the order of the last axis below.
        objectives_evaluations: (num_evals, num_seeds, num_fidelities, num_objectives) values.
    """

    def __init__(self, configuration_space: dict, hyperparameters: pd.DataFrame, objectives_names: list[str],
                 objectives_evaluations: np.ndarray):
        owner = "TransferLearningTaskEvaluations"
        values = np.asarray(objectives_evaluations, dtype=float)
        if values.ndim != 4 or values.shape[0] != len(hyperparameters) or values.shape[3] != len(objectives_names):
            raise ValueError(
                f"The 'objectives_evaluations' argument of {owner} must have shape (num_evals={len(hyperparameters)}, "
                f"num_seeds, num_fidelities, num_objectives={len(objectives_names)}). Got shape {values.shape}.")
        unknown = [c for c in hyperparameters.columns if c not in configuration_space]
        if unknown:
            raise ValueError(f"The 'hyperparameters' argument of {owner} has columns {unknown} that are not keys of "
                             f"configuration_space ({sorted(configuration_space)}). Drop them or add them to the space.")
        self.configuration_space = configuration_space
        self.hyperparameters = hyperparameters.reset_index(drop=True)
        self.objectives_names = list(objectives_names)
        self.objectives_evaluations = values

    def __repr__(self) -> str:
        return (f"TransferLearningTaskEvaluations({len(self.hyperparameters)} evaluations of "
                f"{self.objectives_names}, shape {self.objectives_evaluations.shape})")

    def objective_index(self, objective_name: str) -> int:
        if objective_name not in self.objectives_names:
            raise ValueError(f"These evaluations have no objective {objective_name!r}; they have "
                             f"{self.objectives_names}.")
        return self.objectives_names.index(objective_name)

    def objective_values(self, objective_name: str) -> np.ndarray:
        """(num_evals, num_seeds, num_fidelities) values of one objective."""
        return self.objectives_evaluations[..., self.objective_index(objective_name)]

    def config_scores(self, objective: str, mode: str) -> np.ndarray:
        """(num_evals,) score of each config, lower is better: mean over seeds, best over
        fidelities, negated for mode 'max' (the original's task score)."""
        check_choice("config_scores", "mode", mode, ("min", "max"))
        mean = np.nanmean(self.objective_values(objective), axis=1)
        return -np.nanmax(mean, axis=1) if mode == "max" else np.nanmin(mean, axis=1)

    def top_k_hyperparameter_configurations(self, k: int, mode: str, objective: str) -> list[dict]:
        """The ``k`` best configs (see :meth:`config_scores`), best first, as dicts."""
        check_int("top_k_hyperparameter_configurations", "k", k, minimum=1)
        order = np.argsort(self.config_scores(objective, mode), kind="stable")[:k]
        return [_builtin_row(self.hyperparameters.iloc[i]) for i in order]


def _builtin_row(row) -> dict:
    return {k: v.item() if hasattr(v, "item") else v for k, v in row.items()}


class TransferLearningMixin:
    """Checks the transfer-learning evaluations against the space: every hyperparameter of
    ``config_space`` must be a column of every task, and every metric an objective."""

    def __init__(self, config_space: dict, transfer_learning_evaluations: dict[str, TransferLearningTaskEvaluations],
                 metric_names: list[str], **kwargs):
        check_transfer_learning_evaluations(type(self).__name__, config_space, transfer_learning_evaluations,
                                           metric_names)
        self._metric_names = list(metric_names)
        super().__init__(**kwargs)


def check_transfer_learning_evaluations(owner: str, config_space: dict, evaluations: dict,
                                        metric_names: list[str]) -> None:
    """Raises naming the task and the missing column or objective."""
    if not isinstance(evaluations, dict) or not evaluations:
        raise bad_argument(owner, "transfer_learning_evaluations",
                           "a non-empty dict from task name to TransferLearningTaskEvaluations", evaluations)
    keys = non_constant_hyperparameter_keys(config_space)
    for task, data in evaluations.items():
        if not isinstance(data, TransferLearningTaskEvaluations):
            raise bad_argument(owner, f"transfer_learning_evaluations[{task!r}]",
                               "a TransferLearningTaskEvaluations", data)
        missing = [k for k in keys if k not in data.hyperparameters.columns]
        if missing:
            raise ValueError(f"The evaluations of task {task!r} given to {owner} lack the hyperparameters {missing} "
                             "of config_space. Every hyperparameter must be a column of every task.")
        for metric in metric_names:
            data.objective_index(metric)


def evaluations_from_experiment(experiment, metrics: list[str] | None = None) -> TransferLearningTaskEvaluations:
    """One task's evaluations from an experiment of ours (an ``ExperimentResult`` or the name given
    to ``load_experiment``): each trial's last report of ``metrics`` (default: the experiment's),
    as one seed and one fidelity. Trials without a finite value of every metric are left out."""
    import pandas as pd

    from syne_tune.config_space import config_space_from_json_dict
    from syne_tune.experiments import ExperimentResult, load_experiment

    if not isinstance(experiment, ExperimentResult):
        experiment = load_experiment(experiment)
    if experiment.results is None or experiment.results.empty:
        raise ValueError(f"Experiment {experiment.name} has no results: it cannot serve as an earlier task.")
    metrics = list(metrics or experiment.metric_names())
    space = config_space_from_json_dict(experiment.metadata["config_space"])
    last = experiment.results.groupby("trial_id", sort=True).last()
    missing = [m for m in metrics if m not in last]
    if missing:
        raise ValueError(f"Experiment {experiment.name} never reported {missing}; it reported "
                         f"{[c for c in last.columns if not c.startswith(('config_', 'st_'))]}.")
    values = last[metrics].apply(pd.to_numeric, errors="coerce")
    last = last[np.isfinite(values.to_numpy(float)).all(axis=1)]
    keys = non_constant_hyperparameter_keys(space)
    hyperparameters = pd.DataFrame({k: last[f"config_{k}"].to_numpy() for k in keys})
    evaluations = last[metrics].to_numpy(float).reshape(len(last), 1, 1, len(metrics))
    return TransferLearningTaskEvaluations(space, hyperparameters, metrics, evaluations)


def evaluations_from_blackbox(blackbox, metrics: list[str] | None = None, configurations: list[dict] | None = None,
                              max_configs: int | None = None, random_seed: int = 0
                              ) -> TransferLearningTaskEvaluations:
    """One task's evaluations from a blackbox of the repository: ``configurations`` (default: every
    config of its table, ``all_configurations()`` or the product of a finite space), subsampled to
    ``max_configs`` with ``random_seed``, at every seed and fidelity, for ``metrics`` (default all)."""
    import pandas as pd

    space = blackbox.configuration_space
    metrics = list(metrics or blackbox.objectives_names)
    columns = [blackbox.objectives_names.index(m) for m in metrics]
    if configurations is None:
        configurations = all_configurations(blackbox)
    if max_configs is not None and len(configurations) > max_configs:
        rows = np.random.RandomState(random_seed).choice(len(configurations), size=max_configs, replace=False)
        configurations = [configurations[i] for i in np.sort(rows)]
    num_seeds = getattr(blackbox, "num_seeds", 1)
    fidelities = blackbox.fidelity_values
    constants = {k: v for k, v in space.items() if not isinstance(v, Domain)}
    rows = []
    for config in configurations:
        config = {**constants, **config}
        per_seed = []
        for seed in range(num_seeds):
            if fidelities is None:
                values = blackbox.objective_function(config, seed=seed)
                per_seed.append([[values[m] for m in metrics]])
            else:
                per_seed.append(np.asarray(blackbox.objective_function(config, fidelity=None, seed=seed))[:, columns])
        rows.append(per_seed)
    keys = non_constant_hyperparameter_keys(space)
    hyperparameters = pd.DataFrame([{k: c[k] for k in keys} for c in configurations])
    return TransferLearningTaskEvaluations(space, hyperparameters, metrics, np.asarray(rows, dtype=float))


def all_configurations(blackbox) -> list[dict]:
    """Every config of ``blackbox``: its table's, or the product of its finite domains."""
    import itertools

    if hasattr(blackbox, "all_configurations"):
        return blackbox.all_configurations()
    space = blackbox.configuration_space
    keys = non_constant_hyperparameter_keys(space)
    grids = []
    for key in keys:
        domain = space[key]
        values = getattr(domain, "categories", None) or getattr(domain, "values", None)
        if values is None:
            raise ValueError(f"The blackbox's hyperparameter '{key}' ({domain!r}) is not finite: pass the "
                             "'configurations' to evaluate to evaluations_from_blackbox.")
        grids.append(list(values))
    constants = {k: v for k, v in space.items() if not isinstance(v, Domain)}
    return [dict(zip(keys, combo), **constants) for combo in itertools.product(*grids)]
