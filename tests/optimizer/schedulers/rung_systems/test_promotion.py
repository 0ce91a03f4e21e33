"""type='promotion' (ASHA): decision tables in min and max mode, plus the shared contract."""
import pytest
from rung_system_contract import RungSystemContract
from scripted_tuner import make, play

from syne_tune.optimizer.schedulers.rung_systems import Promotion, PromotionRungSystem

C, P, S = "CONTINUE", "PAUSE", "STOP"


class TestPromotionContract(RungSystemContract):
    name = "promotion"


# levels 1, 3, 9, 27, 81. Played by the Tuner with one worker: after each PAUSE it asks for the next
# trial; "resume" rows say which paused trial it resumes and the milestone it runs to. A trial
# passing the rule on arrival goes on at once (tutorial).
TABLE = [
    ("new", 0), (0, 1, 0.5, P),       # fewer than 3 values: pause
    ("new", 1), (1, 1, 0.7, P),
    ("new", 2), (2, 1, 0.6, P),       # [.5 .6 .7]: cutoff .567, .6 fails
    ("resume", 0, 3),                 # trial 0 (.5) passes now
    (0, 2, 0.45, C), (0, 3, 0.4, P),
    ("new", 3), (3, 1, 0.3, C),       # [.3 .5 .6 .7]: cutoff .5, goes on at once
    (3, 2, 0.3, C), (3, 3, 0.35, P),
    ("new", 4), (4, 1, 0.9, P),
    (4, 2, 0.01, P),                  # late report of a paused trial (printed before it was paused)
    ("new", 5), (5, 1, 0.55, P),      # cutoff .533
    ("new", 6), (6, 1, 0.2, C),       # cutoff .5
    (6, 3, 0.1, C),                   # rung 3: [.1 .35 .4]: cutoff .267
    (6, 9, 0.05, P),                  # rung 9: 1 value
    ("new", 7),                       # nothing promotable: .35, .4 > .267 at rung 3, .55 > .5 at rung 1
    (7, 1, 0.1, C), (7, 3, 0.8, P),   # rung 3: [.1 .35 .4 .8]: cutoff .35
    ("resume", 3, 9),                 # trial 3 (.35) at rung 3 is promotable
    (3, 9, 0.3, P),                   # rung 9: 2 values
    ("new", 8),                       # nothing promotable: .4 > .35 at rung 3, .55 > .367 at rung 1
    (8, 1, 0.05, C),
]


@pytest.mark.parametrize("mode", ["min", "max"])
def test_decision_table(mode):
    run = play(make("promotion", mode=mode), TABLE, mode=mode)
    assert run.scheduler.trial_status(4) == "paused"
    assert run.scheduler.trial_status(8) == "running"


@pytest.mark.parametrize("mode", ["min", "max"])
def test_max_t_stops(mode):
    play(make("promotion", mode=mode, max_t=3), [
        ("new", 0), (0, 1, 0.5, P), ("new", 1), (1, 1, 0.6, P), ("new", 2),
        (2, 1, 0.4, C), (2, 2, 0.3, C), (2, 3, 0.2, S), ("new", 3)], mode=mode)


@pytest.mark.parametrize("mode", ["min", "max"])
def test_with_max_resource_attr_trials_always_pause(mode):
    """The script ends at each milestone (config['epochs']), so even a passing trial pauses and is resumed."""
    run = play(make("promotion", mode=mode, max_t=9, max_resource_attr="epochs"), [
        ("new", 0), (0, 1, 0.5, P), ("new", 1), (1, 1, 0.6, P), ("new", 2),
        (2, 1, 0.4, P),        # passes ([.4 .5 .6]: cutoff .467) but pauses
        ("resume", 2, 3),      # ... and is resumed first, with epochs=3
        (2, 2, 0.3, C), (2, 3, 0.2, P), ("new", 3)], mode=mode)
    assert [run.trial(t).config["epochs"] for t in (0, 2, 3)] == [1, 3, 1]


def test_scan_starts_at_highest_rung():
    system = PromotionRungSystem([1, 3, 9])
    for t, loss in enumerate([0.5, 0.6, 0.7]):  # all three pause at rung 1
        system.add_trial(t, 1)
        system.on_report(t, 1, loss)
    assert system.promotable() == Promotion(0, 1, 3)
    assert system.promote(0) == 3
    system.on_report(0, 3, 0.2)
    for t in (10, 11):
        system.add_trial(t, 3)  # bracket 1 trials start at rung 3
        system.on_report(t, 3, 0.3 + t / 100)
    # rung 3: [.2 .4 .41], cutoff .333: trial 0 promotable; rung 1 has none (cutoff .567, best .6)
    assert system.promotable() == Promotion(0, 3, 9)
    system.add_trial(5, 1)
    assert system.on_report(5, 1, 0.1).continues is True  # [.1 .5 .6 .7]: cutoff .5
    system.add_trial(6, 1)
    system.on_report(6, 1, 0.95)  # [.1 .5 .6 .7 .95]: cutoff .533 -> no
    system.add_trial(7, 1)
    system.on_report(7, 1, 0.9)   # cutoff .567: still no, the best paused is .6
    system.add_trial(8, 1)
    system.on_report(8, 1, 0.99)  # 7 values: cutoff .6, so trial 1 (.6) passes at rung 1
    assert system.promotable() == Promotion(0, 3, 9)  # higher rung first
    system.promote(0)
    assert system.promotable() == Promotion(1, 1, 3)


def test_discarded_trial_is_never_promoted():
    system = PromotionRungSystem([1, 3])
    for t, loss in enumerate([0.5, 0.6, 0.7]):
        system.add_trial(t, 1)
        system.on_report(t, 1, loss)
    system.discard(0)
    assert system.promotable() is None  # trial 1 (.6) does not pass the cutoff .567


def test_error_of_paused_trial_makes_it_unpromotable():
    run = play(make("promotion"), [("new", 0), (0, 1, 0.5, P), ("new", 1), (1, 1, 0.7, P), ("new", 2), (2, 1, 0.6, P)])
    # Direct call: the Tuner never reports an error of a paused trial (it runs no process), e.g. a lost checkpoint.
    run.scheduler.on_trial_error(run.trial(0))
    assert run.scheduler.suggest(3).spawn_new_trial_id
    assert run.scheduler.trial_status(0) == "done"
