"""Trials and their statuses, as exchanged between backend, tuner and scheduler."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class Status:
    completed = "Completed"
    in_progress = "InProgress"
    failed = "Failed"
    paused = "Paused"
    stopped = "Stopped"
    stopping = "Stopping"


@dataclass
class Trial:
    """One evaluation of a configuration; ``trial_id`` is 0, 1, 2, ... per experiment."""

    trial_id: int
    config: dict
    creation_time: datetime = field(default_factory=datetime.now)

    def add_results(self, metrics: list[dict], status: str, training_end_time: datetime | None) -> "TrialResult":
        return TrialResult(trial_id=self.trial_id, config=self.config, creation_time=self.creation_time,
                           metrics=metrics, status=status, training_end_time=training_end_time)


@dataclass
class TrialResult(Trial):
    """A trial together with all metrics it reported and its current status."""

    metrics: list[dict] = field(default_factory=list)
    status: str = Status.in_progress
    training_end_time: datetime | None = None

    @property
    def seconds(self) -> float:
        end = self.training_end_time or datetime.now()
        return (end - self.creation_time).total_seconds()

    def metrics_df(self):
        import pandas as pd

        return pd.DataFrame(self.metrics)
