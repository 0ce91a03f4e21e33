"""type='stopping': decision tables in min and max mode, plus the shared rung-system contract."""
import pytest
from rung_system_contract import RungSystemContract
from scripted_tuner import make, play

from syne_tune.optimizer.schedulers.rung_systems import RungDecision, StoppingRungSystem

C, S = "CONTINUE", "STOP"


class TestStoppingContract(RungSystemContract):
    name = "stopping"


# levels 1, 3, 9, 27, 81; keep the best third at each rung once 3 values exist there. Played by the
# Tuner with 5 workers: a new trial starts whenever one is stopped.
TABLE = [
    ("new", 0), ("new", 1), ("new", 2), ("new", 3), ("new", 4),
    (0, 1, 0.5, C),   # 1 value
    (1, 1, 0.7, C),   # 2 values: still fewer than reduction_factor
    (2, 1, 0.6, S),   # [.5 .6 .7]: cutoff .567
    (2, 2, 0.01, S),  # late report of a stopped trial (printed before it was stopped)
    ("new", 5),
    (3, 1, 0.4, C),   # [.4 .5 .6 .7]: cutoff .5
    (4, 1, 0.5, C),   # cutoff .5, a tie continues
    (5, 1, 0.9, S), ("new", 6),
    (0, 2, 0.45, C),  # between rungs
    (0, 3, 0.4, C),   # rung 3: 1 value
    (3, 3, 0.3, C),
    (4, 3, 0.6, S),   # [.3 .4 .6]: cutoff .367
    ("new", 7),
    (1, 3, 0.35, C),  # [.3 .35 .4 .6]: cutoff .35
    (3, 9, 0.3, C),
]


@pytest.mark.parametrize("mode", ["min", "max"])
def test_decision_table(mode):
    run = play(make("stopping", mode=mode), TABLE, mode=mode, n_workers=5)
    assert run.scheduler.rung_system().rungs[1].losses == pytest.approx(
        {0: 0.4, 3: 0.3, 4: 0.6, 1: 0.35} if mode == "min" else {0: -0.6, 3: -0.7, 4: -0.4, 1: -0.65})


@pytest.mark.parametrize("mode", ["min", "max"])
def test_max_t_stops(mode):
    play(make("stopping", mode=mode, max_t=3), [("new", 0), (0, 1, 0.5, C), (0, 2, 0.4, C), (0, 3, 0.3, S),
                                                ("new", 1), (1, 1, 0.9, C), (1, 7, 0.9, S), ("new", 2)], mode=mode)


def test_uneven_last_rung_uses_ratio_of_levels():
    system = StoppingRungSystem([9, 27, 56])
    for t, loss in enumerate([0.3, 0.1]):
        system.add_trial(t, 27)
        assert system.on_report(t, 27, loss).continues  # 56/27 = 2.07: 3 values needed
    system.add_trial(2, 27)
    # [.1 .2 .3], q = 27/56: cutoff .1 + 0.964 * .1 = .196
    assert system.on_report(2, 27, 0.2) == RungDecision(False, True, None)
