"""Every scheduler of issue 15 run by the real Tuner (suggest -> add -> result -> complete/error) on a
scripted simulated backend, then pickled; a non-finite metric is accepted by each."""
import math

import dill
import pytest
from scripted_tuner import play

from syne_tune.config_space import choice, uniform
from syne_tune.optimizer.baselines import ASHABORE, BOHB, BORE, DEHB, KDE, MOASHA, PBT, SyncBOHB, SyncHyperband
from syne_tune.optimizer.scheduler import SchedulerDecision

SPACE = {"x": uniform(0, 1), "act": choice(["a", "b"]), "epochs": 9}
BUILD = {
    "SyncHyperband": lambda: SyncHyperband(SPACE, metric="loss", resource_attr="epoch", random_seed=0),
    "SyncBOHB": lambda: SyncBOHB(SPACE, metric="loss", resource_attr="epoch", random_seed=0),
    "BOHB": lambda: BOHB(SPACE, metric="loss", resource_attr="epoch", random_seed=0),
    "KDE": lambda: KDE(SPACE, metric="loss", random_seed=0),
    "DEHB": lambda: DEHB(SPACE, metric="loss", resource_attr="epoch", random_seed=0),
    "BORE": lambda: BORE(SPACE, metric="loss", random_seed=0, search_options={"feval_acq": 50}),
    "ASHABORE": lambda: ASHABORE(SPACE, metric="loss", resource_attr="epoch", random_seed=0,
                                 search_options={"feval_acq": 50}),
    "PBT": lambda: PBT(SPACE, metric="loss", resource_attr="epoch", perturbation_interval=1, random_seed=0),
    "MOASHA": lambda: MOASHA(SPACE, metric=["loss", "size"], mode=["min", "max"], resource_attr="epoch",
                             random_seed=0),
}
DECISIONS = set(vars(SchedulerDecision).values())


def _reports(trial_id, config):
    """One report per epoch, one simulated second apart: trial 0 reports NaN; trial 1, the best,
    ends by itself after epoch 2 (between rung levels, so that it completes with every scheduler)."""
    loss = math.nan if trial_id == 0 else 0.0 if trial_id == 1 else config["x"]
    last = 2 if trial_id == 1 else 9
    return [(float(epoch), {"epoch": epoch, "loss": loss, "size": 1.0}) for epoch in range(1, last + 1)]


@pytest.mark.parametrize("name", sorted(BUILD))
def test_scheduler_contract(name):
    scheduler = BUILD[name]()
    # 4 workers; every trial's script ends (it completes unless stopped first), trial 2 fails at its start.
    run = play(scheduler, [], n_workers=4, script=_reports, keep_running=lambda t: False, fail=[2], check=False,
               until=lambda log: len(log) >= 60)
    assert run.log[:4] == [("new", 0), ("new", 1), ("new", 2), ("new", 3)]
    started = {row[1] for row in run.log if row[0] == "new"}
    assert all(set(SPACE) <= set(run.trial(t).config) for t in started)
    reports = [row for row in run.log if isinstance(row[0], int)]
    assert len(reports) > 20 and {row[3] for row in reports} <= DECISIONS
    assert any(row[0] == 0 for row in reports)  # the NaN reports reached the scheduler
    _, epoch, _, decision = [row for row in reports if row[0] == 1][-1]
    assert (epoch, decision) == (2, SchedulerDecision.CONTINUE)  # its script ended there: it completed
    status = run.tuner.tuning_status  # trial 1 completed (on_trial_complete), trial 2 failed (on_trial_error)
    assert status.num_trials_failed == 1 and status.num_trials_completed >= 1
    # Pickled and unpickled (as tuner.dill does), the scheduler suggests as the original does.
    clone = dill.loads(dill.dumps(scheduler))
    next_a, next_b = clone.suggest(1000), scheduler.suggest(1000)
    assert (next_a is None) == (next_b is None)
    if next_a is not None:
        assert next_a.config == next_b.config and next_a.checkpoint_trial_id == next_b.checkpoint_trial_id
    assert scheduler.metric_names()[0] == "loss" and scheduler.metric_mode() == "min"
