"""PopulationBasedTraining decisions on hand-made populations: who is stopped, who is cloned, explore."""
import math

import numpy as np
import pytest

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import choice, finrange, loguniform, randint
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers.pbt import PopulationBasedTraining, explore

SPACE = {"lr": loguniform(1e-4, 1e-1), "act": choice(["a", "b"]), "epochs": 20}
C, S = SchedulerDecision.CONTINUE, SchedulerDecision.STOP


def make(**kwargs):
    kwargs = {"mode": "max", "resource_attr": "epoch", "perturbation_interval": 2, "quantile_fraction": 0.25,
              "random_seed": 0, "points_to_evaluate": [], **kwargs}
    return PopulationBasedTraining(SPACE, metric="acc", **kwargs)


def start_population(scheduler, n):
    trials = {}
    for trial_id in range(n):
        trials[trial_id] = Trial(trial_id, scheduler.suggest(trial_id).config)
    return trials


@pytest.mark.parametrize("mode", ["max", "min"])
def test_bottom_quantile_is_replaced_by_a_clone_of_the_top(mode):
    scheduler = make(mode=mode)
    trials = start_population(scheduler, 8)
    sign = 1 if mode == "max" else -1
    scores = [0.5, 0.9, 0.1, 0.6, 0.7, 0.3, 0.8, 0.4]
    decisions = {}
    for epoch in (1, 2):  # nothing happens before the perturbation interval
        for trial_id, score in enumerate(scores):
            decisions[trial_id, epoch] = scheduler.on_trial_result(trials[trial_id],
                                                                   {"epoch": epoch, "acc": sign * score})
    assert all(d == C for (t, e), d in decisions.items() if e == 1)
    # at epoch 2 each trial is ranked among the scored running ones when it reports, k = min(ceil(n/4), n//2):
    # 2 (0.1) is the bottom one of 3 (top: 1); 5 (0.3) among the bottom two of 5 (top: 4, 1);
    # 7 (0.4) among the bottom two of 6 (0, 1, 3, 4, 6, 7; top: 6, 1). Stopped trials leave the ranking.
    stopped = sorted(t for (t, e), d in decisions.items() if d == S)
    assert stopped == [2, 5, 7]
    clone = scheduler.suggest(100)
    assert clone.spawn_new_trial_id and clone.checkpoint_trial_id == 1
    lineage = scheduler.lineage()
    assert [(e["trial_id"], e["parent_trial_id"], e["resource"]) for e in lineage] == \
        [(100, clone.checkpoint_trial_id, 2.0)]
    assert lineage[0]["config"] == {k: clone.config[k] for k in ("lr", "act")}
    assert scheduler.ancestry(100) == [100, clone.checkpoint_trial_id]
    # the clone continues from its parent's resource: no decision until 2 more epochs
    trials[100] = Trial(100, clone.config)
    assert scheduler.on_trial_result(trials[100], {"epoch": 3, "acc": sign * 0.0}) == C
    assert scheduler.suggest(101).checkpoint_trial_id in (4, 1)
    assert scheduler.suggest(102).checkpoint_trial_id in (6, 1)
    assert scheduler.suggest(103).checkpoint_trial_id is None  # no clone waiting: a random config


def test_non_finite_metric_is_the_worst():
    scheduler = make()
    trials = start_population(scheduler, 4)
    for trial_id, score in enumerate([0.5, 0.6, 0.7]):
        assert scheduler.on_trial_result(trials[trial_id], {"epoch": 2, "acc": score}) == C
    assert scheduler.on_trial_result(trials[3], {"epoch": 2, "acc": math.nan}) == S
    assert scheduler.suggest(10).checkpoint_trial_id == 2


def test_max_t_ends_and_unknown_trial_is_stopped():
    scheduler = make()
    trials = start_population(scheduler, 2)
    assert scheduler.on_trial_result(trials[0], {"epoch": 20, "acc": 0.1}) == C  # its script ends at max_t
    assert scheduler.on_trial_result(Trial(55, {}), {"epoch": 2, "acc": 0.1}) == S
    with pytest.raises(ValueError, match="'epoch'"):
        scheduler.on_trial_result(trials[1], {"acc": 0.3})


def test_explore_perturbs_and_resamples_within_the_domain():
    space = {"lr": loguniform(1e-4, 1e-1), "n": randint(1, 100), "f": finrange(0, 1, 5), "act": choice(["a", "b"])}
    config = {"lr": 1e-2, "n": 50, "f": 0.5, "act": "a"}
    rng = np.random.RandomState(0)
    new = [explore(config, space, 0.0, rng) for _ in range(50)]
    assert sorted({round(c["lr"], 9) for c in new}) == [0.008, 0.012]
    assert {c["n"] for c in new} == {40, 60}
    assert {c["f"] for c in new} == {0.25, 0.75}
    assert explore({"lr": 0.1, "n": 1, "f": 0.0, "act": "a"}, space, 0.0, np.random.RandomState(1))["lr"] <= 0.1
    resampled = [explore(config, space, 1.0, rng)["n"] for _ in range(20)]
    assert len(set(resampled)) > 5


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="quantile_fraction"):
        make(quantile_fraction=0.6)
    with pytest.raises(ValueError, match="searcher"):
        make(searcher="bayesopt")
    with pytest.raises(ValueError, match="perturbation_intervall"):
        PopulationBasedTraining(SPACE, metric="acc", perturbation_intervall=3)
    custom = make(custom_explore_fn=lambda c: {**c, "act": "b"})
    assert custom._explore({"lr": 0.01, "act": "a"}) == {"lr": 0.01, "act": "b"}
