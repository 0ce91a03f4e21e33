"""MedianStoppingRule: stops a trial whose result is worse than the median of the others'.

The median stopping rule of Google Vizier (Golovin et al., 2017, "Google Vizier: A Service for
Black-Box Optimization", section 3.2.2), as the original library applied it: a wrapper around any
scheduler, which proposes the configs and decides for every trial the rule lets through.
"""
from __future__ import annotations

import bisect
from collections import defaultdict

from syne_tune._validation import check_bool, check_number, check_str
from syne_tune.backend.trial_status import Trial
from syne_tune.optimizer.scheduler import RequiredAttribute, SchedulerDecision, TrialScheduler, TrialSuggestion


class MedianStoppingRule(TrialScheduler):
    """Stops a trial at resource t when its value ranks above ``rank_cutoff`` among all values seen at t.

    The value of a report is the metric (negated for mode 'max'), or with ``running_average`` the
    mean of the trial's values so far. It is inserted among the values seen at exactly this ``t``;
    its rank is (number of strictly better values) / (number of values, itself included), so ties
    rank better. The wrapped scheduler decides when fewer than ``grace_population`` values were
    seen at t, when ``t < grace_time``, or when the rank is <= ``rank_cutoff``; otherwise STOP.

    Args:
        scheduler: the scheduler that proposes configs and decides within the rule (any TrialScheduler).
        resource_attr: result key holding the time step t (e.g. 'epoch').
        running_average: compare running averages (True) or the reported values.
        metric: the metric to compare; default: the wrapped scheduler's first metric.
        grace_time: no stopping below this t; None: no grace time.
        grace_population: no stopping with fewer values at t; None: no grace population.
        rank_cutoff: largest rank that continues, in [0, 1]; 0.5 is the median.

    A trial this rule stops is reported to the wrapped scheduler as completed with that last result
    (``on_trial_complete``), as Ray Tune does for early-stopped trials, so its searcher learns from it.
    """

    def __init__(self, scheduler: TrialScheduler, resource_attr: str, running_average: bool = True,
                 metric: str | None = None, grace_time: float | None = 1, grace_population: int | None = 5,
                 rank_cutoff: float = 0.5):
        owner = "MedianStoppingRule"
        if not isinstance(scheduler, TrialScheduler):
            raise TypeError(f"The 'scheduler' argument of {owner} must be a TrialScheduler such as FIFOScheduler. "
                            f"Got {type(scheduler).__name__}.")
        super().__init__(scheduler.config_space)
        self.scheduler = scheduler
        self.resource_attr = check_str(owner, "resource_attr", resource_attr)
        self.running_average = check_bool(owner, "running_average", running_average)
        self.metric = check_str(owner, "metric", metric, allow_none=True) or scheduler.metric_names()[0]
        self.grace_time = check_number(owner, "grace_time", grace_time, minimum=0, allow_none=True)
        if grace_population is not None and (isinstance(grace_population, bool) or not isinstance(grace_population, int)
                                             or grace_population < 1):
            raise ValueError(f"The 'grace_population' argument of {owner} must be an integer >= 1 or None. "
                             f"Got {grace_population!r}.")
        self.grace_population = grace_population
        self.rank_cutoff = check_number(owner, "rank_cutoff", rank_cutoff, minimum=0)
        if self.rank_cutoff > 1:
            raise ValueError(f"The 'rank_cutoff' argument of {owner} must be a number in [0, 1]. Got {rank_cutoff!r}.")
        self._sign = -1.0 if scheduler.metric_mode() == "max" else 1.0
        self._values_at: dict[float, list[float]] = defaultdict(list)    # t -> sorted values (lower is better)
        self._sums: dict[int, tuple[float, int]] = {}                      # trial_id -> (sum, count)
        self._stopped: set[int] = set()                                   # trials this rule stopped

    def _suggest(self, trial_id: int) -> TrialSuggestion | None:
        return self.scheduler.suggest(trial_id)

    def _value(self, trial: Trial, result: dict) -> tuple[float, float]:
        """(t, value to rank) of a report; records the report in the trial's running sum."""
        for name in (self.metric, self.resource_attr):
            if name not in result:
                raise ValueError(f"Trial {trial.trial_id} reported {result!r} without '{name}', which "
                                 "MedianStoppingRule needs. Include it in every reporter(...) call.")
        value = self._sign * float(result[self.metric])
        total, count = self._sums.get(trial.trial_id, (0.0, 0))
        self._sums[trial.trial_id] = (total + value, count + 1)
        if self.running_average:
            value = (total + value) / (count + 1)
        return float(result[self.resource_attr]), value

    def on_trial_result(self, trial: Trial, result: dict) -> str:
        t, value = self._value(trial, result)
        values = self._values_at[t]
        rank = bisect.bisect_left(values, value) / (len(values) + 1)
        bisect.insort_left(values, value)
        in_grace = (self.grace_population is not None and len(values) < self.grace_population) or \
                   (self.grace_time is not None and t < self.grace_time)
        if in_grace or rank <= self.rank_cutoff:
            return self.scheduler.on_trial_result(trial, result)
        self._stopped.add(trial.trial_id)
        self.scheduler.on_trial_complete(trial, result)
        return SchedulerDecision.STOP

    def on_trial_late_result(self, trial: Trial, result: dict, paused: bool) -> bool:
        return trial.trial_id not in self._stopped and self.scheduler.on_trial_late_result(trial, result, paused)

    def on_trial_add(self, trial: Trial) -> None:
        self.scheduler.on_trial_add(trial)

    def on_trial_complete(self, trial: Trial, result: dict) -> None:
        if trial.trial_id not in self._stopped:
            self.scheduler.on_trial_complete(trial, result)

    def on_trial_error(self, trial: Trial) -> None:
        if trial.trial_id not in self._stopped:
            self.scheduler.on_trial_error(trial)

    def on_trial_remove(self, trial: Trial) -> None:
        if trial.trial_id not in self._stopped:
            self.scheduler.on_trial_remove(trial)

    def metadata(self) -> dict:
        return self.scheduler.metadata()

    def metric_names(self) -> list[str]:
        return self.scheduler.metric_names()

    def required_attributes(self) -> list[RequiredAttribute]:
        """The wrapped scheduler's, and the metric and resource this rule compares."""
        required = self.scheduler.required_attributes()
        names = {attribute.name for attribute in required}
        return required + [RequiredAttribute(name, "MedianStoppingRule", argument)
                           for name, argument in ((self.metric, "metric"), (self.resource_attr, "resource_attr"))
                           if name not in names]

    def is_trial_done(self, trial: Trial) -> bool:
        """A trial this rule stopped stopped early; otherwise the wrapped scheduler knows."""
        return trial.trial_id not in self._stopped and self.scheduler.is_trial_done(trial)

    def metric_mode(self) -> str:
        return self.scheduler.metric_mode()
