"""Every scheduler of issue 15 through suggest -> add -> result -> complete -> pickle, and a
non-finite metric is accepted (and counted as the worst) by each."""
import math

import dill
import pytest

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import choice, uniform
from syne_tune.optimizer.baselines import BOHB, KDE, MOASHA, PBT, SyncBOHB, SyncHyperband
from syne_tune.optimizer.scheduler import SchedulerDecision

SPACE = {"x": uniform(0, 1), "act": choice(["a", "b"]), "epochs": 9}
BUILD = {
    "SyncHyperband": lambda: SyncHyperband(SPACE, metric="loss", resource_attr="epoch", random_seed=0),
    "SyncBOHB": lambda: SyncBOHB(SPACE, metric="loss", resource_attr="epoch", random_seed=0),
    "BOHB": lambda: BOHB(SPACE, metric="loss", resource_attr="epoch", random_seed=0),
    "KDE": lambda: KDE(SPACE, metric="loss", random_seed=0),
    "PBT": lambda: PBT(SPACE, metric="loss", resource_attr="epoch", perturbation_interval=1, random_seed=0),
    "MOASHA": lambda: MOASHA(SPACE, metric=["loss", "size"], mode=["min", "max"], resource_attr="epoch",
                             random_seed=0),
}
DECISIONS = set(vars(SchedulerDecision).values())


@pytest.mark.parametrize("name", sorted(BUILD))
def test_scheduler_contract(name):
    scheduler = BUILD[name]()
    trials = []
    for trial_id in range(4):
        suggestion = scheduler.suggest(trial_id)
        assert suggestion.spawn_new_trial_id and set(SPACE) <= set(suggestion.config)
        trials.append(Trial(trial_id, suggestion.config))
        scheduler.on_trial_add(trials[-1])
    for epoch in (1, 2, 3):
        for trial in trials:
            loss = math.nan if trial.trial_id == 0 else trial.config["x"]
            result = {"epoch": epoch, "loss": loss, "size": 1.0}
            assert scheduler.on_trial_result(trial, result) in DECISIONS
    scheduler.on_trial_complete(trials[1], {"epoch": 3, "loss": 0.5, "size": 1.0})
    scheduler.on_trial_error(trials[2])
    clone = dill.loads(dill.dumps(scheduler))
    next_a, next_b = clone.suggest(10), scheduler.suggest(10)
    assert (next_a is None) == (next_b is None)
    if next_a is not None:
        assert next_a.config == next_b.config and next_a.checkpoint_trial_id == next_b.checkpoint_trial_id
    assert scheduler.metric_names()[0] == "loss" and scheduler.metric_mode() == "min"
