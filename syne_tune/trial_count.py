"""The one trial count, in every view: a trial counts from the moment it started.

A trial that started and never reported (it failed at once, or the budget ran out before its
first report) is a trial like any other. The tuner's summary (``TuningStatus.trial_count``),
``ExperimentResult.trials()`` and ``trial_count()``, ``syne-tune list``/``show`` and the
comparison runner count this way, and say what they count with ``str(TrialCount)``:
"41 trials (38 with reports)".
"""
from __future__ import annotations

from typing import NamedTuple


class TrialCount(NamedTuple):
    """Trials started, and how many of them reported at least once."""

    started: int
    with_reports: int

    def __str__(self) -> str:
        return f"{self.started} trial{'' if self.started == 1 else 's'} ({self.with_reports} with reports)"
