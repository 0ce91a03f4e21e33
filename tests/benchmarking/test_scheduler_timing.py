"""time_scheduler_calls: the scheduler's own time and decisions, through a real (simulated) Tuner run."""
from __future__ import annotations

import pickle

from benchmarking.scheduler_timing import time_scheduler_calls
from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend.simulator_backend import SimulatorConfig
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.synthetic import synthetic_multifidelity
from syne_tune.optimizer.baselines import ASHA


def test_counts_every_decision_and_keeps_the_scheduler_picklable():
    box = synthetic_multifidelity(max_t=9)
    scheduler = ASHA(box.configuration_space_with_max_resource_attr("epochs"), metric="loss", mode="min",
                     resource_attr="epoch", max_resource_attr="epochs", random_seed=0)
    record = time_scheduler_calls(scheduler)
    backend = UserBlackboxBackend(box, "elapsed_time", max_resource_attr="epochs",
                                  simulator_config=SimulatorConfig(0.0, 0.0, 0.0))
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_num_evaluations=300), n_workers=4, progress="off")
    tuner.run()
    assert type(tuner.scheduler).__name__ == "ASHA"  # the scheduler stays itself (metadata, tuner.dill)
    assert record.decisions == tuner.tuning_status.overall_metric_statistics.count >= 300
    assert 0 < record.seconds_per_decision < 0.05
    clone = pickle.loads(pickle.dumps(scheduler))  # the wrappers pickle with the standard library
    assert clone.suggest(10_000) is not None


def test_a_call_inside_a_timed_call_counts_once_and_each_suggestion_is_kept():
    class Scheduler:
        def suggest(self, trial_id):
            return self.on_trial_add(trial_id)  # a timed method calling another one

        def on_trial_add(self, trial_id):
            return trial_id

        on_trial_result = on_trial_complete = on_trial_remove = on_trial_error = on_trial_add

    scheduler = Scheduler()  # the clock advances 1 per reading: only the outer call reads it (twice)
    ticks = iter(range(100))
    record = time_scheduler_calls(scheduler, clock=lambda: float(next(ticks)))
    assert [scheduler.suggest(t) for t in range(3)] == [0, 1, 2]
    assert record.suggest_seconds == [1.0, 1.0, 1.0] and record.seconds == 3.0 and record.depth == 0
