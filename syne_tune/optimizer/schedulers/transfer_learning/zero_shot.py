"""ZeroShotTransfer: evaluate first the configs that did well across earlier tasks.

Wistuba, Schilling & Schmidt-Thieme, "Sequential Model-Free Hyperparameter Tuning", ICDM 2015:
greedily pick the config of lowest mean rank over the tasks, where a task's rank of a config is
the rank of the best config picked so far, when that is better (a set's rank, not a config's).
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from syne_tune._validation import check_bool, check_choice
from syne_tune.config_space import Domain
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher
from syne_tune.optimizer.schedulers.transfer_learning.task_evaluations import (
    TransferLearningTaskEvaluations, check_transfer_learning_evaluations,
)

logger = logging.getLogger(__name__)


class ZeroShotTransfer(BaseSearcher):
    """Searcher proposing configs of the earlier tasks in the greedy order of the module docstring;
    ``None`` (tuning ends) once all are proposed. Results of the current task are not used.

    Args:
        transfer_learning_evaluations: task name -> :class:`TransferLearningTaskEvaluations`.
        sort_transfer_learning_evaluations: True: sort every task's rows by all columns, so that
            tasks listing the same configs in different orders line up; False: they are in the same order.
        use_surrogates: the tasks evaluated different configs: score ``5**d`` (at most 10000) random
            configs on every task by the nearest evaluated config of that task (1-NN in the GP encoding;
            the original fits XGBoost per task and draws new candidates per task).
        points_to_evaluate: ignored (the transferred configs come first), as in the original.
    """

    def __init__(self, config_space: dict, metric: str, transfer_learning_evaluations: dict[str,
                 TransferLearningTaskEvaluations], mode: str = "min", sort_transfer_learning_evaluations: bool = True,
                 use_surrogates: bool = False, random_seed: int | None = None, points_to_evaluate=None,
                 **search_options):
        owner = type(self).__name__
        check_choice(owner, "mode", mode, ("min", "max"))
        check_bool(owner, "sort_transfer_learning_evaluations", sort_transfer_learning_evaluations)
        check_bool(owner, "use_surrogates", use_surrogates)
        check_transfer_learning_evaluations(owner, config_space, transfer_learning_evaluations, [metric])
        super().__init__(config_space, metric, [], mode, random_seed,
                         allow_duplicates=bool(search_options.pop("allow_duplicates", False)))
        search_options.pop("debug_log", None)
        if search_options:
            raise ValueError(f"{owner} got unknown search options {sorted(search_options)}; it takes none.")
        tasks = list(transfer_learning_evaluations.values())
        if use_surrogates and len(tasks) > 1:
            hyperparameters, scores = self._surrogate_scores(tasks, metric, mode)
        else:
            hyperparameters, scores = _aligned_scores(tasks, metric, mode, sort_transfer_learning_evaluations,
                                                      self.hyperparameter_keys)
        self._hyperparameters = hyperparameters.reset_index(drop=True)
        self._scores = scores                        # (tasks, configs) lower is better
        self._alive = np.ones(scores.shape[1], dtype=bool)
        self._ranks = _ranks(scores)

    def _surrogate_scores(self, tasks, metric: str, mode: str) -> tuple[pd.DataFrame, np.ndarray]:
        from syne_tune.gp.encoding import ConfigEncoding

        space = {k: self.config_space[k] for k in self.hyperparameter_keys}
        encoding = ConfigEncoding(space)
        num = min(10000, 5 ** len(space))
        candidates = [{k: d.sample(random_state=self.random_state) for k, d in space.items()} for _ in range(num)]
        X = encoding.encode(candidates)
        scores = []
        for task in tasks:
            X_task = encoding.encode(task.hyperparameters[self.hyperparameter_keys].to_dict("records"))
            y_task = task.config_scores(metric, mode)
            nearest = np.argmin(((X[:, None, :] - X_task[None, :, :]) ** 2).sum(axis=2), axis=1)
            scores.append(y_task[nearest])
        return pd.DataFrame(candidates), np.array(scores)

    def _next_config(self, **kwargs) -> dict | None:
        while self._alive.any():
            mean_rank = np.where(self._alive, self._ranks.mean(axis=0), np.inf)
            pick = int(np.argmin(mean_rank))
            # each task's rank is now that of the best config picked so far (Wistuba et al., eq. 5)
            self._ranks = np.minimum(self._ranks, self._ranks[:, pick:pick + 1])
            self._alive[pick] = False
            alive = np.flatnonzero(self._alive)
            if alive.size and np.all(self._ranks[:, alive] == self._ranks[:, alive[:1]]):
                # every remaining config ties on every task: rank them afresh
                self._ranks[:, alive] = _ranks(self._scores[:, alive])
            config = {k: _builtin(v) for k, v in self._hyperparameters.iloc[pick].items()}
            config = {k: self.config_space[k].cast(v) for k, v in config.items()
                      if isinstance(self.config_space.get(k), Domain)}
            if not self.is_excluded(config):
                return config
        return None

    def space_exhausted(self) -> bool:
        return not self._alive.any() or super().space_exhausted()


def _builtin(value):
    return value.item() if hasattr(value, "item") else value


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Per task (row), the average rank of each config (column): 1 is best."""
    return np.vstack([rankdata(row) for row in scores]) if scores.size else scores


def _aligned_scores(tasks, metric: str, mode: str, sort: bool, keys: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The configs (of the last task) and the (tasks, configs) scores, rows aligned across tasks."""
    sizes = {len(task.hyperparameters) for task in tasks}
    if len(sizes) > 1:
        raise ValueError(f"ZeroShotTransfer needs every task to hold the same configs; the tasks hold {sorted(sizes)} "
                         "evaluations. Pass use_surrogates=True to compare tasks evaluated on different configs.")
    scores, hyperparameters = [], None
    for task in tasks:
        hyperparameters = task.hyperparameters[keys]
        order = np.arange(len(hyperparameters))
        if sort:
            hyperparameters = hyperparameters.sort_values(keys, kind="stable")
            order = hyperparameters.index.to_numpy()
        scores.append(task.config_scores(metric, mode)[order])
    if len(tasks) > 1:
        logger.info("ZeroShotTransfer assumes every task lists the same configs (after sorting: %s).", sort)
    return hyperparameters, np.array(scores)
