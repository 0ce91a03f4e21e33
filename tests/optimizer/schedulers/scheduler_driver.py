"""Test helpers: a searcher that records every call, and a table-driven scheduler driver."""
from __future__ import annotations

from syne_tune.backend.trial_status import Trial
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers import HyperbandScheduler
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher
from syne_tune.config_space import uniform

SPACE = {"x": uniform(0.0, 1.0), "epochs": 81}


class RecordingSearcher(BaseSearcher):
    """Random configs; records (call, trial_id, ...) tuples in ``calls``."""

    def __init__(self, config_space=SPACE, resource_attr="epoch", random_seed=0):
        super().__init__(config_space, metric="value", points_to_evaluate=[], random_seed=random_seed)
        self.resource_attr = resource_attr
        self.calls: list[tuple] = []

    def _next_config(self, **kwargs):
        return self.sample_random_config()

    def on_trial_result(self, trial_id, config, result, update):
        assert isinstance(trial_id, str) and "x" in config
        self.calls.append(("result", trial_id, result.get(self.resource_attr), update))

    def register_pending(self, trial_id, config=None, milestone=None):
        assert isinstance(trial_id, str) and "x" in config
        self.calls.append(("pending", trial_id, milestone))

    def remove_case(self, trial_id, **kwargs):
        self.calls.append(("remove", trial_id, kwargs))

    def cleanup_pending(self, trial_id):
        self.calls.append(("cleanup", trial_id))

    def evaluation_failed(self, trial_id):
        self.calls.append(("failed", trial_id))

    def take(self, kind=None):
        calls = [c for c in self.calls if kind is None or c[0] == kind]
        self.calls = []
        return calls


class Driver:
    """Plays the tuner: keeps Trial objects and calls on_trial_remove after STOP/PAUSE."""

    def __init__(self, scheduler: HyperbandScheduler, metric: str = "value", mode: str = "min"):
        self.scheduler, self.metric, self.mode = scheduler, metric, mode
        self.trials: dict[int, Trial] = {}

    def new(self, trial_id: int) -> Trial:
        suggestion = self.scheduler.suggest(trial_id)
        assert suggestion is not None and suggestion.spawn_new_trial_id, f"expected a new trial, got {suggestion}"
        self.trials[trial_id] = Trial(trial_id, suggestion.config)
        self.scheduler.on_trial_add(self.trials[trial_id])
        return self.trials[trial_id]

    def resume(self):
        suggestion = self.scheduler.suggest(10_000)
        assert suggestion is not None and not suggestion.spawn_new_trial_id, f"expected a resume, got {suggestion}"
        return suggestion

    def report(self, trial_id: int, epoch, loss: float, **extra) -> str:
        value = loss if self.mode == "min" else 1.0 - loss
        result = {"epoch": epoch, self.metric: value, **extra}
        decision = self.scheduler.on_trial_result(self.trials[trial_id], result)
        if decision != SchedulerDecision.CONTINUE:
            self.scheduler.on_trial_remove(self.trials[trial_id])
        return decision

    def run_table(self, rows) -> None:
        """rows: ("new", id) | ("resume", id, next_milestone) | (id, epoch, loss, decision)."""
        for step, row in enumerate(rows):
            if row[0] == "new":
                self.new(row[1])
            elif row[0] == "resume":
                suggestion = self.resume()
                pending = [c for c in self.scheduler.searcher.calls if c[0] == "pending"][-1]
                assert (suggestion.checkpoint_trial_id, pending[1:]) == (row[1], (str(row[1]), row[2])), \
                    f"row {step} {row}: got {suggestion}, {pending}"
                if suggestion.config is not None:
                    assert suggestion.config["epochs"] == row[2]
            else:
                trial_id, epoch, loss, expected = row
                got = self.report(trial_id, epoch, loss)
                assert got == expected, f"row {step} {row} in mode {self.mode}: got {got}"


def make(type="stopping", mode="min", searcher=None, **kwargs) -> HyperbandScheduler:
    metric = kwargs.pop("metric", "value")
    return HyperbandScheduler(kwargs.pop("config_space", SPACE), type=type, metric=metric, mode=mode,
                              searcher=searcher if searcher is not None else RecordingSearcher(),
                              random_seed=kwargs.pop("random_seed", 0), **kwargs)
