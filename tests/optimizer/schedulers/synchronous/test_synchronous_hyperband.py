"""SynchronousHyperbandScheduler on hand-made scenarios played by the Tuner (see scripted_tuner.py):
pauses at rung levels, promotes the best once a rung is complete, resumes promoted trials, serves
other brackets meanwhile."""
import math

import pytest
from scripted_tuner import RecordingSearcher, play

from syne_tune.config_space import choice, uniform
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers.synchronous import SynchronousHyperbandScheduler

SPACE = {"x": uniform(0.0, 1.0), "epochs": 9}
C, P = SchedulerDecision.CONTINUE, SchedulerDecision.PAUSE


def make(**kwargs):
    kwargs = {"metric": "loss", "resource_attr": "epoch", "max_resource_attr": "epochs", "random_seed": 1,
              "points_to_evaluate": [], **kwargs}
    return SynchronousHyperbandScheduler(SPACE, **kwargs)


def _at_once(losses: dict[int, float], when: float = 1.0) -> dict:
    """Script: each trial reports its loss at epoch 1, all at the same simulated time (one Tuner round)."""
    return {t: [(when, {"epoch": 1, "loss": loss})] for t, loss in losses.items()}


@pytest.mark.parametrize("mode", ["min", "max"])
def test_successive_halving_round(mode):
    scheduler = make(brackets=1, mode=mode)
    assert scheduler.bracket_rungs == [[(9, 1), (3, 3), (1, 9)]]
    losses = [0.5, 0.1, math.nan, 0.7, 0.3, 0.9, 0.2, 0.8, 0.6]
    value = (lambda loss: loss) if mode == "min" else (lambda loss: loss if math.isnan(loss) else 1.0 - loss)
    script = _at_once({t: value(loss) for t, loss in enumerate(losses)})
    for t, steps in [(1, [(2.0, 2, 0.1), (3.0, 3, 0.05)]), (6, [(4.0, 3, 0.01), (6.0, 9, 0.0)]), (4, [(5.0, 3, 0.5)])]:
        script[t] += [(when, {"epoch": epoch, "loss": value(loss)}) for when, epoch, loss in steps]
    # 9 workers; the 9 reports at epoch 1 arrive in one round, so 9 workers are free at once
    run = play(scheduler, [("new", t) for t in range(9)] + [(t, 1, loss, P) for t, loss in enumerate(losses)] + [
        ("resume", 1, 3), ("resume", 6, 3), ("resume", 4, 3),  # the best three, in order of their loss
        *[("new", t) for t in range(9, 15)],  # the other workers start the next bracket's trials (no idling)
        (1, 2, 0.1, C), (1, 3, 0.05, P),
        ("new", 15),                          # rung 3 is not complete yet: the next bracket again
        (6, 3, 0.01, P), ("new", 16), (4, 3, 0.5, P),
        ("resume", 6, 9),
        (6, 9, 0.0, C),                       # max_t: the script ends by itself ...
        ("new", 17),                          # ... its trial completes and frees its worker
    ], mode=mode, n_workers=9, script=script, keep_running=lambda t: t != 6)
    assert [run.trial(t).config["epochs"] for t in (9, 15, 16, 17)] == [1, 1, 1, 1]


def test_hyperband_brackets_are_served_in_turn():
    scheduler = make()
    assert [r[0] for r in scheduler.bracket_rungs] == [(9, 1), (5, 3), (3, 9)]
    run = play(scheduler, [("new", t) for t in range(9 + 5 + 3 + 1)], n_workers=18)
    levels = [run.trial(t).config["epochs"] for t in range(18)]
    assert levels == [1] * 9 + [3] * 5 + [9] * 3 + [1]


def test_failed_and_errored_trials_count_as_worst_and_free_their_slot():
    scheduler = make(brackets=1)
    script = _at_once({t: 1.0 - t / 10 for t in range(1, 8)})
    script[8] = [(1.0, {"epoch": 1, "loss": math.inf})]
    # trial 0 fails at its start: its worker starts the next bracket's trial; the others report in one round
    play(scheduler, [("new", t) for t in range(9)] + [("new", 9)] +
         [(t, 1, 1.0 - t / 10, P) for t in range(1, 8)] + [(8, 1, math.inf, P)] +
         [("resume", 7, 3), ("resume", 6, 3), ("resume", 5, 3)] + [("new", t) for t in range(10, 15)],
         n_workers=9, script=script, fail=[0])


def test_a_promoted_trial_that_ended_by_itself_is_not_resumed():
    scheduler = make(brackets=1)
    script = _at_once({t: t / 10 for t in range(9)})
    script[0] += [(2.0, {"epoch": 2, "loss": 0.0})]  # then its script ends, below its level 3
    script[1] += [(3.0, {"epoch": 3, "loss": 0.1})]
    script[2] += [(4.0, {"epoch": 3, "loss": 0.2})]
    play(scheduler, [("new", t) for t in range(9)] + [(t, 1, t / 10, P) for t in range(9)] + [
        ("resume", 0, 3), ("resume", 1, 3), ("resume", 2, 3), *[("new", t) for t in range(9, 15)],
        (0, 2, 0.0, C),    # trial 0 completes: its last result fills its slot, and it is the best of rung 3
        ("new", 15), (1, 3, 0.1, P), ("new", 16),
        (2, 3, 0.2, P),    # rung 3 is complete: trial 0 would be promoted, but it cannot be resumed;
        ("new", 17),       # its slot at level 9 counts as the worst and the next bracket goes on
    ], n_workers=9, script=script, keep_running=lambda t: t != 0)


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
    searcher = RecordingSearcher(config_space=SPACE)
    play(make(brackets=1, searcher=searcher, points_to_evaluate=None), [
        ("new", 0), (0, 1, 0.3, P),
        (0, 1, 0.3, P),  # a late report after the pause: not relayed
        ("new", 1)])
    assert [c for c in searcher.calls if c[1] == "0" and c[0] in ("pending", "result")] == [
        ("pending", "0", 1), ("result", "0", 1, True)]
