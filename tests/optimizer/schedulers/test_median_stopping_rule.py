"""MedianStoppingRule decisions on hand-made curves, in min and max mode."""
from __future__ import annotations

import pickle

import pytest

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import uniform
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialScheduler
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler, MedianStoppingRule

C, S = SchedulerDecision.CONTINUE, SchedulerDecision.STOP
SPACE = {"x": uniform(0, 1), "epochs": 5}


def _rule(mode="min", **kwargs) -> MedianStoppingRule:
    inner = FIFOScheduler(SPACE, metric="loss", mode=mode, random_seed=0)
    return MedianStoppingRule(inner, resource_attr="epoch", **kwargs)


def _run(rule, reports) -> list[str]:
    """reports: (trial_id, epoch, loss) in arrival order -> decisions."""
    trials = {}
    decisions = []
    for trial_id, epoch, loss in reports:
        if trial_id not in trials:
            trials[trial_id] = Trial(trial_id, rule.suggest(trial_id).config)
            rule.on_trial_add(trials[trial_id])
        decisions.append(rule.on_trial_result(trials[trial_id], {"loss": loss, "epoch": epoch}))
    return decisions


def test_the_original_observation_grace_population_three():
    # metrics 0..5 at t=1: the first two continue on grace, later ones rank >= 2/3 and stop
    reports = [(i, 1, float(i)) for i in range(6)]
    assert _run(_rule(grace_population=3, grace_time=None), reports) == [C, C, S, S, S, S]


@pytest.mark.parametrize("mode, sign", [("min", 1.0), ("max", -1.0)])
def test_rank_against_values_at_the_same_time_step(mode, sign):
    # values at t=1 in arrival order: 5, 1, 3, 2, 4 (grace_population 2)
    # ranks: -, 0/2, 1/3, 1/4, 3/5 -> the last exceeds 0.5
    reports = [(i, 1, sign * v) for i, v in enumerate([5.0, 1.0, 3.0, 2.0, 4.0])]
    assert _run(_rule(mode, grace_population=2, grace_time=None), reports) == [C, C, C, C, S]


def test_ties_rank_better():
    reports = [(0, 1, 1.0), (1, 1, 1.0), (2, 1, 1.0)]
    assert _run(_rule(grace_population=1, grace_time=None, rank_cutoff=0.0), reports) == [C, C, C]


def test_running_average_versus_last_value():
    # trials 0: 1, 1; 2: 2, 2; 1: 10 then 0.5 -> at t=2 its running average 5.25 ranks 2/3, its value 0.5 first
    reports = [(0, 1, 1.0), (1, 1, 10.0), (2, 1, 2.0), (0, 2, 1.0), (2, 2, 2.0), (1, 2, 0.5)]
    assert _run(_rule(grace_population=1, grace_time=None), reports)[-1] == S
    assert _run(_rule(grace_population=1, grace_time=None, running_average=False), reports)[-1] == C


def test_grace_time_protects_early_steps():
    reports = [(0, 1, 1.0), (1, 1, 9.0), (0, 2, 1.0), (1, 2, 9.0)]
    # two trials: the worse one ranks 1/2, above a cutoff of 0.4
    assert _run(_rule(grace_population=1, grace_time=2, rank_cutoff=0.4), reports) == [C, C, C, S]
    assert _run(_rule(grace_population=1, grace_time=None, rank_cutoff=0.4), reports) == [C, S, C, S]


def test_no_grace_population_and_only_exact_time_steps_are_compared():
    reports = [(0, 1, 1.0), (1, 2, 9.0), (2, 1, 5.0)]
    assert _run(_rule(grace_population=None, grace_time=None, rank_cutoff=0.4), reports) == [C, C, S]


def test_stopped_trials_complete_in_the_wrapped_scheduler_and_the_rest_is_forwarded():
    calls = []

    class Recording(FIFOScheduler):
        def on_trial_complete(self, trial, result):
            calls.append(("complete", trial.trial_id, result["loss"]))

        def on_trial_remove(self, trial):
            calls.append(("remove", trial.trial_id))

        def on_trial_result(self, trial, result):
            calls.append(("result", trial.trial_id))
            return SchedulerDecision.PAUSE if result["loss"] < 0 else C

    rule = MedianStoppingRule(Recording(SPACE, metric="loss", random_seed=0), resource_attr="epoch",
                              grace_population=1, grace_time=None, rank_cutoff=0.4)
    assert _run(rule, [(0, 1, 1.0), (1, 1, 5.0), (2, 1, -1.0)]) == [C, S, SchedulerDecision.PAUSE]
    rule.on_trial_remove(Trial(1, {}))          # the Tuner's call after STOP: already completed
    rule.on_trial_complete(Trial(1, {}), {"loss": 5.0})
    rule.on_trial_remove(Trial(2, {}))
    assert calls == [("result", 0), ("complete", 1, 5.0), ("result", 2), ("remove", 2)]


def test_wraps_hyperband_and_bayesopt_and_pickles():
    inner = HyperbandScheduler(SPACE, metric="acc", mode="max", resource_attr="epoch", max_t=5, random_seed=0)
    rule = MedianStoppingRule(inner, resource_attr="epoch", grace_population=2, grace_time=None)
    assert rule.metric == "acc" and rule.metric_mode() == "max" and rule.metric_names() == ["acc"]
    decisions = []
    for i in range(4):
        trial = Trial(i, rule.suggest(i).config)
        rule.on_trial_add(trial)
        decisions.append(rule.on_trial_result(trial, {"acc": float(10 - i), "epoch": 1}))
    assert decisions[-1] == S
    assert pickle.loads(pickle.dumps(rule)).metric == "acc"
    bo = FIFOScheduler(SPACE, searcher="bayesopt", metric="loss", random_seed=0,
                       search_options={"num_init_random": 2, "debug_log": False})
    rule = MedianStoppingRule(bo, resource_attr="epoch", grace_population=1, grace_time=None, rank_cutoff=0.4)
    _run(rule, [(0, 1, 1.0), (1, 1, 5.0), (2, 1, 0.5)])
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
    trial = Trial(0, rule.suggest(0).config)
    with pytest.raises(ValueError, match="'epoch'"):
        rule.on_trial_result(trial, {"loss": 1.0})
    assert isinstance(rule, TrialScheduler)
