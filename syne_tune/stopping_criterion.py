"""StoppingCriterion: when a tuning experiment ends. Every set field is checked; any one suffices."""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from syne_tune.tuning_status import TuningStatus


@dataclass
class StoppingCriterion:
    """Stops once any set limit is exceeded (all comparisons are strict).

    The Tuner checks it before each trial start as well as after each round of reports, so a
    limit is exceeded by no more than the strict comparison allows: ``max_num_trials_started=12``
    starts at most 13 trials. It tells its backend ``max_wallclock_time``: a simulated backend
    delivers no report past it, so stored results never go beyond the budget.

    Args:
        max_wallclock_time: seconds since the tuning started.
        max_num_evaluations: number of reports received, over all trials.
        max_num_trials_started / _completed / _finished: trial counts; finished means
            completed, stopped or failed.
        max_cost: summed ``st_worker_cost`` of all trials.
        min_metric_value / max_metric_value: {metric: bound}; stop once some report went
            below (above) the bound.
    """

    max_wallclock_time: float | None = None
    max_num_evaluations: int | None = None
    max_num_trials_started: int | None = None
    max_num_trials_completed: int | None = None
    max_cost: float | None = None
    max_num_trials_finished: int | None = None
    min_metric_value: dict[str, float] | None = None
    max_metric_value: dict[str, float] | None = None

    def __post_init__(self):
        for name in ("max_wallclock_time", "max_num_evaluations", "max_num_trials_started",
                     "max_num_trials_completed", "max_cost", "max_num_trials_finished"):
            value = getattr(self, name)
            if value is not None and not (_is_finite_number(value) and value >= 0):
                raise ValueError(f"The '{name}' argument of StoppingCriterion must be a finite number >= 0 "
                                 f"(or None for no limit). Got {value!r}.")
        for name in ("min_metric_value", "max_metric_value"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, dict) and all(
                    isinstance(k, str) and _is_finite_number(v) for k, v in value.items())):
                raise ValueError(f"The '{name}' argument of StoppingCriterion must be a dict "
                                 f"{{metric name: finite number}}. Got {value!r}.")

    def __call__(self, status: TuningStatus) -> bool:
        # Only the limits that are set are computed: some counts take time linear in the trials.
        limits = (
            (self.max_wallclock_time, lambda: status.wallclock_time),
            (self.max_num_trials_started, lambda: status.num_trials_started),
            (self.max_num_trials_completed, lambda: status.num_trials_completed),
            (self.max_num_trials_finished, lambda: status.num_trials_finished),
            (self.max_cost, lambda: status.cost),
            (self.max_num_evaluations, lambda: status.overall_metric_statistics.count),
        )
        if any(limit is not None and value() > limit for limit, value in limits):
            return True
        stats = status.overall_metric_statistics
        for metric, bound in (self.max_metric_value or {}).items():
            if metric in stats.max_metrics and stats.max_metrics[metric] > bound:
                return True
        for metric, bound in (self.min_metric_value or {}).items():
            if metric in stats.min_metrics and stats.min_metrics[metric] < bound:
                return True
        return False


def _is_finite_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
