"""MedianStoppingRule decisions on hand-made curves, in min and max mode, played by the real Tuner."""
from __future__ import annotations

import pickle

import pytest
from scripted_tuner import play

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import uniform
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialScheduler
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler, MedianStoppingRule

C, P, S = SchedulerDecision.CONTINUE, SchedulerDecision.PAUSE, SchedulerDecision.STOP
SPACE = {"x": uniform(0, 1), "epochs": 5}


def _rule(mode="min", **kwargs) -> MedianStoppingRule:
    inner = FIFOScheduler(SPACE, metric="loss", mode=mode, random_seed=0)
    return MedianStoppingRule(inner, resource_attr="epoch", **kwargs)


def _started(n: int) -> list[tuple]:
    """The Tuner with ``n`` workers starts trials 0..n-1 at once (and another after each STOP)."""
    return [("new", i) for i in range(n)]


def test_the_original_observation_grace_population_three():
    # metrics 0..5 at t=1: the first two continue on grace, later ones rank >= 2/3 and stop
    table = _started(6) + [(0, 1, 0.0, C), (1, 1, 1.0, C)]
    for i in range(2, 6):
        table += [(i, 1, float(i), S), ("new", 4 + i)]
    play(_rule(grace_population=3, grace_time=None), table, n_workers=6)


@pytest.mark.parametrize("mode", ["min", "max"])
def test_rank_against_values_at_the_same_time_step(mode):
    # losses at t=1 in arrival order: .5, .1, .3, .2, .4 (grace_population 2); in mode max the
    # reports are 1 - loss. Ranks: -, 0/2, 1/3, 1/4, 3/5 -> the last exceeds 0.5
    table = _started(5) + [(0, 1, 0.5, C), (1, 1, 0.1, C), (2, 1, 0.3, C), (3, 1, 0.2, C), (4, 1, 0.4, S),
                           ("new", 5)]
    play(_rule(mode, grace_population=2, grace_time=None), table, mode=mode, n_workers=5)


def test_ties_rank_better():
    play(_rule(grace_population=1, grace_time=None, rank_cutoff=0.0),
         _started(3) + [(0, 1, 1.0, C), (1, 1, 1.0, C), (2, 1, 1.0, C)], n_workers=3)


def test_running_average_versus_last_value():
    # trials 0: 1, 1; 2: 2, 2; 1: 10 then 0.5 -> at t=2 its running average 5.25 ranks 2/3, its value 0.5 first
    table = _started(3) + [(0, 1, 1.0, C), (1, 1, 10.0, C), (2, 1, 2.0, C), (0, 2, 1.0, C), (2, 2, 2.0, C)]
    play(_rule(grace_population=1, grace_time=None), table + [(1, 2, 0.5, S), ("new", 3)], n_workers=3)
    play(_rule(grace_population=1, grace_time=None, running_average=False), table + [(1, 2, 0.5, C)], n_workers=3)


def test_grace_time_protects_early_steps():
    # two trials: the worse one ranks 1/2, above a cutoff of 0.4; grace time 2 protects it at t=1 only
    play(_rule(grace_population=1, grace_time=2, rank_cutoff=0.4),
         _started(2) + [(0, 1, 1.0, C), (1, 1, 9.0, C), (0, 2, 1.0, C), (1, 2, 9.0, S), ("new", 2)], n_workers=2)
    play(_rule(grace_population=1, grace_time=None, rank_cutoff=0.4),
         _started(2) + [(0, 1, 1.0, C), (1, 1, 9.0, S), ("new", 2), (0, 2, 1.0, C)], n_workers=2)


def test_no_grace_population_and_only_exact_time_steps_are_compared():
    play(_rule(grace_population=None, grace_time=None, rank_cutoff=0.4),
         _started(3) + [(0, 1, 1.0, C), (1, 2, 9.0, C), (2, 1, 5.0, S), ("new", 3)], n_workers=3)


def test_stopped_trials_complete_in_the_wrapped_scheduler_and_the_rest_is_forwarded():
    calls = []

    class Recording(FIFOScheduler):
        def on_trial_complete(self, trial, result):
            calls.append(("complete", trial.trial_id, result["loss"]))

        def on_trial_remove(self, trial):
            calls.append(("remove", trial.trial_id))

        def on_trial_result(self, trial, result):
            calls.append(("result", trial.trial_id))
            return P if result["loss"] < 0 else C

    rule = MedianStoppingRule(Recording(SPACE, metric="loss", random_seed=0), resource_attr="epoch",
                              grace_population=1, grace_time=None, rank_cutoff=0.4)
    # The Tuner calls on_trial_remove after the STOP of 1 (not forwarded: the rule completed it) and
    # after the PAUSE of 2 (forwarded); FIFO resumes nothing, so new trials take the free workers.
    play(rule, _started(3) + [(0, 1, 1.0, C), (1, 1, 5.0, S), ("new", 3), (2, 1, -1.0, P), ("new", 4)], n_workers=3)
    assert calls == [("result", 0), ("complete", 1, 5.0), ("result", 2), ("remove", 2)]
    # The Tuner calls on_trial_complete for a trial the rule stopped only when it replays a journal
    # (Tuner.load) in which that trial ended Completed: a direct call, not forwarded a second time.
    rule.on_trial_complete(Trial(1, {}), {"loss": 5.0})
    assert calls[-1] == ("remove", 2)


def test_wraps_hyperband_and_bayesopt_and_pickles():
    inner = HyperbandScheduler(SPACE, metric="acc", mode="max", resource_attr="epoch", max_t=5, random_seed=0)
    rule = MedianStoppingRule(inner, resource_attr="epoch", grace_population=2, grace_time=None)
    assert rule.metric == "acc" and rule.metric_mode() == "max" and rule.metric_names() == ["acc"]
    # acc 1 - loss = .9, .8, .7, .6 at t=1: ranks 0, 1/2 (Hyperband decides), then 2/3 and 3/4 stop
    play(rule, _started(4) + [(0, 1, 0.1, C), (1, 1, 0.2, C), (2, 1, 0.3, S), ("new", 4), (3, 1, 0.4, S), ("new", 5)],
         mode="max", n_workers=4)
    assert pickle.loads(pickle.dumps(rule)).metric == "acc"  # plain pickle too, not only the Tuner's dill
    bo = FIFOScheduler(SPACE, searcher="bayesopt", metric="loss", random_seed=0,
                       search_options={"num_init_random": 2, "debug_log": False})
    rule = MedianStoppingRule(bo, resource_attr="epoch", grace_population=1, grace_time=None, rank_cutoff=0.4)
    play(rule, _started(3) + [(0, 1, 1.0, C), (1, 1, 5.0, S), ("new", 3), (2, 1, 0.5, C)], n_workers=3)
    assert bo.searcher.dataset_size() == 1          # the stopped trial 1 reached the GP as an observation


@pytest.mark.parametrize("kwargs, name", [
    ({"rank_cutoff": 1.5}, "rank_cutoff"),
    ({"grace_population": 0}, "grace_population"),
    ({"grace_time": -1}, "grace_time"),
    ({"resource_attr": ""}, "resource_attr"),
    ({"running_average": "yes"}, "running_average"),
])
def test_bad_arguments_are_named(kwargs, name):
    arguments = {"resource_attr": "epoch", **kwargs}
    with pytest.raises(ValueError, match=name):
        MedianStoppingRule(FIFOScheduler(SPACE, metric="loss"), **arguments)


def test_scheduler_must_be_a_trial_scheduler_and_reports_need_the_resource():
    with pytest.raises(TypeError, match="'scheduler'"):
        MedianStoppingRule("fifo", resource_attr="epoch")
    rule = _rule()
    with pytest.raises(ValueError, match="'epoch'"):  # the error reaches the user out of Tuner.run
        play(rule, [], script={0: [(1.0, {"loss": 1.0})]}, check=False, until=lambda log: False)
    assert isinstance(rule, TrialScheduler)


def test_metadata_is_the_wrapped_schedulers():
    rule = _rule()
    assert rule.metadata() == rule.scheduler.metadata() and rule.metadata()["searcher"] == "RandomSearcher"
