"""PopulationBasedTraining decisions on hand-made populations, played by the real Tuner: who is
stopped, who is cloned from whose checkpoint, explore."""
import math

import numpy as np
import pytest
from scripted_tuner import play

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


def _started(n):
    return [("new", i) for i in range(n)]


# Rows (trial, epoch, loss, decision); the reported acc is 1 - loss in mode max and the loss in mode
# min, so lower is better in both. The Tuner runs 8 workers: a STOP frees one and the clone waiting
# in PBT starts at once, from its parent's checkpoint: ("new", clone, parent, the checkpoint's epoch).
LOSSES = [0.5, 0.1, 0.9, 0.4, 0.3, 0.7, 0.2, 0.6]
POPULATION = _started(8) + [(t, 1, loss, C) for t, loss in enumerate(LOSSES)] + [
    # nothing happens before the perturbation interval; at epoch 2 each trial is ranked among the
    # scored running ones when it reports, k = min(ceil(n/4), n//2):
    (0, 2, 0.5, C), (1, 2, 0.1, C),
    (2, 2, 0.9, S), ("new", 8, 1, 2),     # the bottom one of 3 (top: 1)
    (3, 2, 0.4, C), (4, 2, 0.3, C),
    (5, 2, 0.7, S), ("new", 9, 1, 2),     # among the bottom two of 5 (top: 4, 1; the seed draws 1)
    (6, 2, 0.2, C),
    (7, 2, 0.6, S), ("new", 10, 1, 2),    # among the bottom two of 6 (0, 1, 3, 4, 6, 7; top: 6, 1; draws 1)
    (8, 3, 1.0, C),                       # the clone counts on from its parent's epoch: no decision before 4
    (0, 3, 0.5, C),                       # the last report of trial 0: it completes,
    ("new", 11),                          # and with no clone waiting the next trial has a random config
]


@pytest.mark.parametrize("mode", ["min", "max"])
def test_bottom_quantile_is_replaced_by_a_clone_of_the_top(mode):
    scheduler = make(mode=mode)
    run = play(scheduler, POPULATION, mode=mode, n_workers=8, keep_running=lambda t: t != 0)
    lineage = scheduler.lineage()
    assert [(e["trial_id"], e["parent_trial_id"], e["resource"]) for e in lineage] == \
        [(8, 1, 2.0), (9, 1, 2.0), (10, 1, 2.0)]
    for entry in lineage:  # each clone runs the explored config of its lineage entry
        assert entry["config"] == {k: run.trial(entry["trial_id"]).config[k] for k in ("lr", "act")}
        assert entry["parent_config"] == {k: run.trial(entry["parent_trial_id"]).config[k] for k in ("lr", "act")}
    assert scheduler.ancestry(8) == [8, 1]
    assert scheduler.ancestry(11) == [11]


def test_non_finite_metric_is_the_worst():
    # acc .5, .6, .7, then NaN: the NaN trial is the bottom one and 2 (the best) is cloned
    play(make(), _started(4) + [(0, 2, 0.5, C), (1, 2, 0.4, C), (2, 2, 0.3, C), (3, 2, math.nan, S),
                                ("new", 4, 2, 2)], mode="max", n_workers=4)


def test_max_t_ends_and_unknown_trial_is_stopped():
    scheduler = make()
    # max_t is 20 (config_space 'epochs'): trial 0's script ends there and the Tuner starts another
    play(scheduler, _started(2) + [(0, 20, 0.9, C), ("new", 2)], mode="max", n_workers=2,
         keep_running=lambda t: t != 0)
    # A trial PBT never suggested: the Tuner never reports one, a direct call
    assert scheduler.on_trial_result(Trial(55, {}), {"epoch": 2, "acc": 0.1}) == S
    with pytest.raises(ValueError, match="'epoch'"):  # the error reaches the user out of Tuner.run
        play(make(), [], script={0: [(1.0, {"acc": 0.3})]}, check=False, until=lambda log: False)


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
