"""BoundingBox: tune in the smallest box holding the best configs of earlier tasks.

Perrone et al., "Learning search spaces for Bayesian optimization: Another view of
hyperparameter transfer learning", NeurIPS 2019.
"""
from __future__ import annotations

import logging
from typing import Callable

from syne_tune._validation import bad_argument, check_choice, check_int
from syne_tune.config_space import Categorical, Domain, Float, FiniteRange, Integer, config_space_size, restrict_domain
from syne_tune.optimizer.scheduler import TrialScheduler
from syne_tune.optimizer.schedulers.transfer_learning.task_evaluations import (
    TransferLearningTaskEvaluations, check_transfer_learning_evaluations,
)

logger = logging.getLogger(__name__)


def bounding_box_space(config_space: dict, top_configs: list[dict]) -> dict:
    """``config_space`` shrunk to ``top_configs``: a categorical (ordinals too) becomes
    ``choice(sorted(values seen))``; a float, integer or finite range is restricted to
    [min, max] of the values seen (a finite range keeps its grid points inside); other entries
    are unchanged."""
    space = {}
    for name, domain in config_space.items():
        values = [config[name] for config in top_configs] if isinstance(domain, Domain) else []
        if isinstance(domain, Categorical):
            space[name] = Categorical(sorted(set(values), key=_sort_key))
        elif isinstance(domain, (Float, Integer, FiniteRange)):
            space[name] = restrict_domain(domain, min(values), max(values))
        else:
            space[name] = domain
    return space


def _sort_key(value):
    return (str(type(value)), value)


def top_configs(evaluations: dict[str, TransferLearningTaskEvaluations], k: int, mode: str, metric: str) -> list[dict]:
    """Every task's ``k`` best configs, pooled (task order, best first)."""
    return [config for task in evaluations.values() for config in task.top_k_hyperparameter_configurations(k, mode, metric)]


class BoundingBox(TrialScheduler):
    """Builds the scheduler ``scheduler_fun(new_config_space, mode, metric)`` on the bounding box of
    the ``num_hyperparameters_per_task`` best configs of every earlier task, and forwards every
    call to it (:func:`bounding_box_space`).

    Args:
        scheduler_fun: ``(config_space, mode, metric) -> TrialScheduler``, e.g.
            ``lambda cs, mode, metric: RandomSearch(cs, metric=metric, mode=mode)``.
        transfer_learning_evaluations: task name -> :class:`TransferLearningTaskEvaluations`.
        mode: 'min' (default) or 'max'.
    """

    def __init__(self, scheduler_fun: Callable[[dict, str, str], TrialScheduler], config_space: dict, metric: str,
                 transfer_learning_evaluations: dict[str, TransferLearningTaskEvaluations], mode: str | None = None,
                 num_hyperparameters_per_task: int = 1):
        owner = type(self).__name__
        mode = "min" if mode is None else mode
        check_choice(owner, "mode", mode, ("min", "max"))
        check_int(owner, "num_hyperparameters_per_task", num_hyperparameters_per_task, minimum=1)
        if not callable(scheduler_fun):
            raise bad_argument(owner, "scheduler_fun", "a function (config_space, mode, metric) -> scheduler",
                               scheduler_fun)
        check_transfer_learning_evaluations(owner, config_space, transfer_learning_evaluations, [metric])
        best = top_configs(transfer_learning_evaluations, num_hyperparameters_per_task, mode, metric)
        new_space = bounding_box_space(config_space, best)
        logger.info("%s: the search space is now %s (%s configs).", owner, new_space,
                    config_space_size(new_space) or "infinitely many")
        super().__init__(new_space)
        self.scheduler = scheduler_fun(new_space, mode, metric)
        if not isinstance(self.scheduler, TrialScheduler):
            raise bad_argument(owner, "scheduler_fun", "a function returning a TrialScheduler", self.scheduler)

    def suggest(self, trial_id: int):
        return self.scheduler.suggest(trial_id)

    def on_trial_add(self, trial):
        self.scheduler.on_trial_add(trial)

    def on_trial_error(self, trial):
        self.scheduler.on_trial_error(trial)

    def on_trial_result(self, trial, result: dict) -> str:
        return self.scheduler.on_trial_result(trial, result)

    def on_trial_late_result(self, trial, result: dict, paused: bool) -> bool:
        return self.scheduler.on_trial_late_result(trial, result, paused)

    def on_trial_complete(self, trial, result: dict) -> None:
        self.scheduler.on_trial_complete(trial, result)

    def on_trial_remove(self, trial) -> None:
        self.scheduler.on_trial_remove(trial)

    def metric_names(self) -> list[str]:
        return self.scheduler.metric_names()

    def metric_mode(self) -> str:
        return self.scheduler.metric_mode()

    def required_attributes(self):
        return self.scheduler.required_attributes()

    def is_trial_done(self, trial) -> bool:
        return self.scheduler.is_trial_done(trial)

    def metadata(self) -> dict:
        return {**self.scheduler.metadata(), "transfer": "BoundingBox"}

    def __getattr__(self, name: str):
        # anything else the Tuner or a user asks for (resource_attr, metric_modes, searcher, ...) is the wrapped one's
        if name == "scheduler":
            raise AttributeError(name)
        return getattr(self.scheduler, name)
