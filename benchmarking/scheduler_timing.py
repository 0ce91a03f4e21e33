"""The time a scheduler spends in its own calls, for the benchmark scripts' per-decision figures.

``time_scheduler_calls(scheduler)`` wraps the scheduler's methods that the Tuner calls (on the
instance, so any TrialScheduler works and its class and metadata stay its own) and returns a
``SchedulerTime`` that adds up their time, outermost calls only (a method that calls another
one counts once). The wrappers are small picklable objects, so the Tuner's ``tuner.dill``
snapshots still use the standard library's pickler. Standard library only: the side-by-side
benchmark with the original library times both libraries with this file.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

TIMED_CALLS = ("suggest", "on_trial_add", "on_trial_result", "on_trial_complete", "on_trial_remove",
               "on_trial_error")


@dataclass
class SchedulerTime:
    """Seconds spent in the scheduler's calls, and how many decisions (``on_trial_result`` calls) it made."""

    seconds: float = 0.0
    decisions: int = 0
    suggest_seconds: list[float] = field(default_factory=list)  # of each suggestion, in order
    depth: int = 0  # calls under way: only the outermost one is timed

    @property
    def seconds_per_decision(self) -> float:
        """All the scheduler's time (suggestions included) per decision; 0 before the first one."""
        return self.seconds / self.decisions if self.decisions else 0.0


class _TimedCall:
    """One scheduler method that adds its duration to a ``SchedulerTime``."""

    def __init__(self, call: Callable, name: str, record: SchedulerTime, clock: Callable[[], float]):
        self.call, self.record, self.clock = call, record, clock
        self.decision = name == "on_trial_result"
        self.suggestion = name == "suggest"

    def __call__(self, *args, **kwargs):
        record = self.record
        record.depth += 1
        start = self.clock() if record.depth == 1 else 0.0
        try:
            return self.call(*args, **kwargs)
        finally:
            record.depth -= 1
            if record.depth == 0:
                elapsed = self.clock() - start
                record.seconds += elapsed
                if self.suggestion:
                    record.suggest_seconds.append(elapsed)
            record.decisions += self.decision


def time_scheduler_calls(scheduler, clock: Callable[[], float] = time.process_time) -> SchedulerTime:
    """Makes ``scheduler`` add the ``clock`` time (default: CPU time of the process) of each call the
    Tuner makes into the returned record."""
    record = SchedulerTime()
    for name in TIMED_CALLS:
        setattr(scheduler, name, _TimedCall(getattr(scheduler, name), name, record, clock))
    return record
