"""SynchronousHyperbandScheduler on hand-made scenarios: pauses at rung levels, promotes the best
once a rung is complete, resumes promoted trials, serves other brackets meanwhile."""
import math

import pytest

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import choice, uniform
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers.synchronous import SynchronousHyperbandScheduler

SPACE = {"x": uniform(0.0, 1.0), "epochs": 9}
C, P = SchedulerDecision.CONTINUE, SchedulerDecision.PAUSE


def make(**kwargs):
    kwargs = {"metric": "loss", "resource_attr": "epoch", "max_resource_attr": "epochs", "random_seed": 1,
              "points_to_evaluate": [], **kwargs}
    return SynchronousHyperbandScheduler(SPACE, **kwargs)


def start(scheduler, trials, trial_id):
    suggestion = scheduler.suggest(trial_id)
    assert suggestion.spawn_new_trial_id
    trials[trial_id] = Trial(trial_id, suggestion.config)
    return suggestion.config


def report(scheduler, trials, trial_id, epoch, loss):
    decision = scheduler.on_trial_result(trials[trial_id], {"epoch": epoch, "loss": loss})
    if decision != C:
        scheduler.on_trial_remove(trials[trial_id])
    return decision


@pytest.mark.parametrize("mode", ["min", "max"])
def test_successive_halving_round(mode):
    scheduler = make(brackets=1, mode=mode)
    assert scheduler.bracket_rungs == [[(9, 1), (3, 3), (1, 9)]]
    sign = 1 if mode == "min" else -1
    trials = {}
    for trial_id in range(9):
        assert start(scheduler, trials, trial_id)["epochs"] == 1
    losses = [0.5, 0.1, math.nan, 0.7, 0.3, 0.9, 0.2, 0.8, 0.6]
    for trial_id, loss in enumerate(losses):
        assert report(scheduler, trials, trial_id, 1, sign * loss) == P
    # the best three (1, 6, 4) are resumed to epoch 3, in order of their loss
    resumed = [scheduler.suggest(100 + i) for i in range(3)]
    assert [(s.spawn_new_trial_id, s.checkpoint_trial_id, s.config["epochs"]) for s in resumed] == \
        [(False, 1, 3), (False, 6, 3), (False, 4, 3)]
    assert report(scheduler, trials, 1, 2, sign * 0.1) == C
    assert report(scheduler, trials, 1, 3, sign * 0.05) == P
    # while rung 1 is being filled a free worker starts the next bracket's trial (no idling)
    suggestion = scheduler.suggest(9)
    assert suggestion.spawn_new_trial_id and suggestion.config["epochs"] == 1
    assert report(scheduler, trials, 6, 3, sign * 0.01) == P
    assert report(scheduler, trials, 4, 3, sign * 0.5) == P
    last = scheduler.suggest(101)
    assert (last.checkpoint_trial_id, last.config["epochs"]) == (6, 9)
    assert report(scheduler, trials, 6, 9, sign * 0.0) == C  # max_t: the script ends by itself
    scheduler.on_trial_complete(trials[6], {"epoch": 9, "loss": sign * 0.0})


def test_hyperband_brackets_are_served_in_turn():
    scheduler = make()
    assert [r[0] for r in scheduler.bracket_rungs] == [(9, 1), (5, 3), (3, 9)]
    trials = {}
    levels = [start(scheduler, trials, t)["epochs"] for t in range(9 + 5 + 3 + 1)]
    assert levels == [1] * 9 + [3] * 5 + [9] * 3 + [1]


def test_failed_and_errored_trials_count_as_worst_and_free_their_slot():
    scheduler = make(brackets=1)
    trials = {}
    for trial_id in range(9):
        start(scheduler, trials, trial_id)
    scheduler.on_trial_error(trials[0])
    for trial_id in range(1, 8):
        report(scheduler, trials, trial_id, 1, 1.0 - trial_id / 10)
    # trial 8 completes without a report handled before: its final result fills the slot
    scheduler.on_trial_complete(trials[8], {"epoch": 1, "loss": math.inf})
    promoted = [scheduler.suggest(100 + i).checkpoint_trial_id for i in range(3)]
    assert promoted == [7, 6, 5]


def test_searcher_returning_none_ends_tuning():
    scheduler = SynchronousHyperbandScheduler({"x": choice([0, 1]), "epochs": 9}, metric="loss", brackets=1,
                                              resource_attr="epoch", random_seed=0)
    assert scheduler.suggest(0) is not None and scheduler.suggest(1) is not None
    assert scheduler.suggest(2) is None


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="grace_perid"):
        make(grace_perid=2)
    with pytest.raises(ValueError, match="reduction_factor"):
        make(reduction_factor=1)
    with pytest.raises(ValueError, match="max_t"):
        SynchronousHyperbandScheduler({"x": uniform(0, 1)}, metric="loss")


def test_searcher_learns_at_rung_levels_once():
    from scheduler_driver import RecordingSearcher

    searcher = RecordingSearcher(config_space=SPACE)
    scheduler = make(brackets=1, searcher=searcher, points_to_evaluate=None)
    trials = {}
    start(scheduler, trials, 0)
    assert searcher.take("pending") == [("pending", "0", 1)]
    assert report(scheduler, trials, 0, 1, 0.3) == P
    assert report(scheduler, trials, 0, 1, 0.3) == P  # a late report after the pause: not relayed
    assert searcher.take("result") == [("result", "0", 1, True)]
