"""MOASHA: asynchronous successive halving ranking trials by non-dominated sorting.

Schmucker et al. (2021), "Multi-objective Asynchronous Successive Halving". As ASHA with
``type='stopping'``: at each rung level a trial continues if it ranks within the best
``1 / reduction_factor`` of the loss vectors recorded there; the rank is the position in
:func:`~.non_dominated.nondominated_order` (Pareto front by front, spread within a front).
"""
from __future__ import annotations

import bisect
import itertools

import numpy as np

from syne_tune._validation import check_int, check_number, check_str
from syne_tune.backend.trial_status import Trial
from syne_tune.optimizer.scheduler import RequiredAttribute, SchedulerDecision, TrialSuggestion
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler
from syne_tune.optimizer.schedulers.multiobjective import priority as priorities
from syne_tune.optimizer.schedulers.multiobjective.non_dominated import rank_of_last, to_losses
from syne_tune.optimizer.schedulers.rung_levels import (
    bracket_probabilities, compute_rung_levels, reported_resource,
)

_OWNER = "MOASHA"
DEFAULT_MAX_T = 100  # the original's default, used when neither max_t nor config_space gives one


class MOASHA(FIFOScheduler):
    """Multi-objective ASHA; accepts all FIFOScheduler arguments (``metric`` and ``mode`` lists,
    ``searcher='random'``).

    Args:
        resource_attr: the resource in each report (positive integer, e.g. epochs done);
            default "epoch". The original's name ``time_attr`` is accepted too.
        grace_period, reduction_factor, brackets: as for HyperbandScheduler.
        metrics: the original's name for ``metric`` (a list of names).
        multiobjective_priority: how loss vectors are ranked at a rung, a
            :class:`~.priority.MOPriority` (``LinearScalarizationPriority``,
            ``FixedObjectivePriority``, ``NonDominatedPriority``); None: non-dominated sorting.

    ``max_t``: given, else a constant of ``config_space`` (``max_resource_attr``, ``epochs``,
    ``max_t``, ``max_epochs``), else 100 as in the original. The original's spelling
    ``MOASHA(config_space, metrics=[...], mode=[...], time_attr="epoch", max_t=...)`` works, and
    so does its positional ``MOASHA(config_space, ["err", "latency"], ...)``.
    """

    def __init__(self, config_space: dict, resource_attr: str | None = None, grace_period: int = 1,
                 reduction_factor: float = 3, brackets: int = 1, *, metrics: list[str] | None = None,
                 time_attr: str | None = None, multiobjective_priority: priorities.MOPriority | None = None,
                 **kwargs):
        if isinstance(resource_attr, (list, tuple)):  # the original's second positional argument: metrics
            resource_attr, metrics = None, _one_spelling("metrics", metrics, "a positional list of metrics", resource_attr)
        if metrics is not None:
            kwargs["metric"] = _one_spelling("metric", kwargs.get("metric"), "metrics", metrics)
        resource_attr = _one_spelling("resource_attr", resource_attr, "time_attr", time_attr) or "epoch"
        if kwargs.get("searcher", "random") != "random":
            raise ValueError(f"The 'searcher' argument of {_OWNER} must be 'random'. Got {kwargs['searcher']!r}.")
        super().__init__(config_space, **kwargs)
        self.resource_attr = check_str(_OWNER, "resource_attr", resource_attr)
        grace_period = check_int(_OWNER, "grace_period", grace_period, minimum=1)
        self.reduction_factor = check_number(_OWNER, "reduction_factor", reduction_factor, minimum=2, finite=True)
        brackets = check_int(_OWNER, "brackets", brackets, minimum=1)
        if multiobjective_priority is not None and not isinstance(multiobjective_priority, priorities.MOPriority):
            raise ValueError(f"The 'multiobjective_priority' argument of {_OWNER} must be an MOPriority such as "
                             f"NonDominatedPriority() or None. Got {multiobjective_priority!r}.")
        self.multiobjective_priority = multiobjective_priority
        if self.max_t is None:
            self.max_t = DEFAULT_MAX_T
        self.rung_levels = compute_rung_levels(grace_period, self.reduction_factor, self.max_t)
        self._bracket_cdf = list(itertools.accumulate(bracket_probabilities(self.rung_levels, brackets)))
        self._bracket_random_state = np.random.RandomState(self._next_seed())
        self._rungs: dict[int, dict[int, np.ndarray]] = {level: {} for level in self.rung_levels[:-1]}
        self._milestones: dict[int, int | None] = {}  # running trial -> next rung level (None: done)
        self._reached_max_t: set[int] = set()

    def _suggest(self, trial_id: int) -> TrialSuggestion | None:
        suggestion = super()._suggest(trial_id)
        if suggestion is not None:
            bracket = min(bisect.bisect_right(self._bracket_cdf, self._bracket_random_state.uniform()),
                          len(self._bracket_cdf) - 1)
            self._milestones[trial_id] = self.rung_levels[bracket]
            if self.max_resource_attr:
                suggestion.config = {**suggestion.config, self.max_resource_attr: self.max_t}
        return suggestion

    def on_trial_result(self, trial: Trial, result: dict) -> str:
        """CONTINUE, or STOP at a rung where the trial is not among the best 1/reduction_factor
        by non-dominated sorting, or at max_t. Non-finite metric values are the worst."""
        super().on_trial_result(trial, result)
        milestone = self._milestones.get(trial.trial_id)
        if milestone is None:
            return SchedulerDecision.STOP
        resource = self._resource(result)
        if resource is None or resource < milestone:
            return SchedulerDecision.CONTINUE
        if resource >= self.max_t:
            self._milestones[trial.trial_id] = None
            self._reached_max_t.add(trial.trial_id)
            return SchedulerDecision.STOP
        level = max(r for r in self.rung_levels[:-1] if r <= resource)
        continues = self._decide(trial.trial_id, level, to_losses([result[m] for m in self.metrics], self.modes))
        self._milestones[trial.trial_id] = self.rung_levels[self.rung_levels.index(level) + 1] if continues else None
        return SchedulerDecision.CONTINUE if continues else SchedulerDecision.STOP

    def _decide(self, trial_id: int, level: int, losses: np.ndarray) -> bool:
        """Records ``losses`` at ``level``; continue if its rank among the n recorded is <= (n-1)/rf
        (ASHA's quantile rule on ranks), or while fewer than rf vectors are recorded."""
        rung = self._rungs[level]
        rung.pop(trial_id, None)
        rung[trial_id] = losses
        n = len(rung)
        if not np.all(np.isfinite(losses)):
            return False
        if n < self.reduction_factor:
            return True
        Y = np.array(list(rung.values()))
        rank = rank_of_last(Y) if self.multiobjective_priority is None else priorities.rank_of_last(
            self.multiobjective_priority, Y)
        return rank <= (n - 1) / self.reduction_factor

    def _resource(self, result: dict) -> int | None:
        return reported_resource(result, self.resource_attr)

    def required_attributes(self) -> list[RequiredAttribute]:
        return super().required_attributes() + [RequiredAttribute(self.resource_attr, _OWNER, "resource_attr")]

    def is_trial_done(self, trial: Trial) -> bool:
        """True once the trial reported max_t: the STOP there means done."""
        return trial.trial_id in self._reached_max_t

    def on_trial_complete(self, trial: Trial, result: dict) -> None:
        self._milestones.pop(trial.trial_id, None)

    def on_trial_error(self, trial: Trial) -> None:
        super().on_trial_error(trial)
        self._milestones.pop(trial.trial_id, None)

    def rung_losses(self, level: int) -> dict[int, list[float]]:
        """Loss vectors recorded at rung ``level`` by trial (metrics negated in 'max' mode); for tests."""
        return {t: v.tolist() for t, v in self._rungs[level].items()}


def _one_spelling(name: str, value, other_name: str, other_value):
    """The value given under ``name`` or under the original's ``other_name``; both is an error."""
    if value is not None and other_value is not None:
        raise ValueError(f"{_OWNER} got both '{name}' and '{other_name}', two spellings of one argument. "
                         f"Pass only one of them.")
    return other_value if value is None else value
