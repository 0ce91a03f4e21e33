"""type='pasha': the maximum resource grows only while the top-two-rung ranking is unstable."""
import numpy as np
import pytest
from rung_system_contract import RungSystemContract
from scripted_tuner import make, play

from syne_tune.optimizer.schedulers.rung_systems import PashaRungSystem
from syne_tune.optimizer.schedulers.rung_systems.pasha import (
    rankings_disagree,
    soft_ranking_epsilon,
    swapped_pair_distances,
)

C, P, S = "CONTINUE", "PAUSE", "STOP"


class TestPashaContract(RungSystemContract):
    name = "pasha"


# levels 1, 3, 9, 27, 81; the maximum resource starts at 3; epsilon 0.05. Played by the Tuner, one worker.
TABLE = [
    ("new", 0), (0, 1, 0.5, P), ("new", 1), (1, 1, 0.7, P), ("new", 2), (2, 1, 0.6, P),
    ("resume", 0, 3), (0, 3, 0.4, P),   # 3 is the current maximum: pause there
    ("new", 3), (3, 1, 0.3, C),         # below the maximum, ASHA rules: go on at once
    (3, 3, 0.35, P),                    # rungs 1 and 3 rank {3, 0} alike: stable, pause
    ("new", 4), (4, 1, 0.2, C),
    (4, 3, 0.5, P),                     # rung 1 ranks 4, 3, 0; rung 3 ranks 3, 0, 4: unstable, max -> 9
    ("resume", 3, 9),                   # rung 3 may promote now: [.35 .4 .5] cutoff .383
    (3, 9, 0.3, P),                     # 9 is the new maximum
]


@pytest.mark.parametrize("mode", ["min", "max"])
def test_decision_table(mode):
    scheduler = make("pasha", mode=mode, rung_system_kwargs={"ranking_criterion": "soft_ranking", "epsilon": 0.05})
    run = play(scheduler, TABLE, mode=mode, probe=lambda s: s.rung_system().current_max_resource)
    assert run.probes[11] == 3  # after TABLE[:12], up to ("new", 4)
    assert run.probes[-1] == 9


def test_resource_grows_to_max_t_then_behaves_like_asha():
    system = PashaRungSystem([1, 3, 9], epsilon=0.0)
    assert system.current_max_resource == 3
    for t, (low, high) in enumerate([(0.1, 0.9), (0.2, 0.1)]):  # ranking flips between rungs 1 and 3
        system.add_trial(t, 3)
        system.rungs[0].record(t, low)
        system.on_report(t, 3, high)
    assert system.current_max_resource == 9
    system.add_trial(7, 9)
    assert system.on_report(7, 9, 0.5).next_milestone is None  # max_t: the trial ends


@pytest.mark.parametrize("lower, upper, epsilon, expected", [
    ([0.1, 0.2, 0.3], [0.5, 0.6, 0.7], 0.0, False),   # same order
    ([0.1, 0.2, 0.3], [0.6, 0.5, 0.7], 0.0, True),    # first two swap
    ([0.1, 0.2, 0.3], [0.6, 0.5, 0.7], 0.15, False),  # ... but they are tied within epsilon
    ([0.1, 0.5, 0.9], [0.7, 0.6, 0.5], 0.15, True),   # reversed, far apart
    ([0.1, 0.12], [0.3, 0.29], 0.05, False),          # tied in both rungs
])
def test_rankings_disagree(lower, upper, epsilon, expected):
    assert rankings_disagree(np.array(lower), np.array(upper), epsilon) is expected


def test_epsilon_criteria():
    losses = np.array([0.0, 1.0, 3.0])
    assert soft_ranking_epsilon(losses, "soft_ranking", 0.7, 2.0) == 0.7
    assert soft_ranking_epsilon(losses, "soft_ranking_std", 0.7, 2.0) == pytest.approx(2 * np.std(losses))
    assert soft_ranking_epsilon(losses, "soft_ranking_mean_dst", 0.7, 1.0) == pytest.approx(2.0)  # (1 + 3 + 2) / 3
    assert soft_ranking_epsilon(losses, "soft_ranking_median_dst", 0.7, 1.0) == pytest.approx(2.0)
    assert soft_ranking_epsilon(np.array([0.3]), "soft_ranking", 0.7, 1.0) == 0.0


def test_auto_epsilon_is_the_noise_of_earlier_swaps():
    lower = np.array([0.10, 0.11, 0.50, 0.90])
    assert swapped_pair_distances(lower, lower - 0.05, 1).size == 0
    # trials 0 and 1 swap; their distance in the lower rung is 0.01
    upper = np.array([0.06, 0.05, 0.45, 0.85])
    assert swapped_pair_distances(lower, upper, 1) == pytest.approx([0.01])
    assert swapped_pair_distances(lower, upper, 3).size == 0
    assert soft_ranking_epsilon(lower, "soft_ranking_auto", 0.7, 1.0, []) == 0.0
    history = [0.01] * 9 + [0.5]
    assert soft_ranking_epsilon(lower, "soft_ranking_auto", 0.7, 1.0, history) == pytest.approx(0.059)
    assert soft_ranking_epsilon(lower, "soft_ranking_auto", 0.7, 2.0, [0.01]) == pytest.approx(0.02)


def test_auto_epsilon_grows_at_the_first_swap_then_tolerates_swaps_within_the_noise():
    system = PashaRungSystem([1, 3, 9, 27])  # default: soft_ranking_auto
    for t, (low, high) in enumerate([(0.10, 0.50), (0.30, 0.45)]):  # 0 and 1 swap; 0.2 apart at rung 1
        system.add_trial(t, 3)
        system.rungs[0].record(t, low)
        system.on_report(t, 3, high)
    assert system.current_max_resource == 9
    for t, value in enumerate([0.30, 0.31]):  # swap back at rung 9; only 0.05 apart at rung 3
        system.add_trial(t, 9)
        system.on_report(t, 9, value)
    assert system.current_max_resource == 9


@pytest.mark.parametrize("kwargs, name", [
    ({"ranking_criterion": "hard"}, "ranking_criterion"),
    ({"epsilon": -1.0}, "epsilon"),
    ({"epsilon_scaling": "big"}, "epsilon_scaling"),
])
def test_bad_options(kwargs, name):
    with pytest.raises(ValueError, match=name):
        PashaRungSystem([1, 3, 9], **kwargs)


def test_scheduler_rejects_unknown_rung_system_kwargs():
    with pytest.raises(ValueError, match="rung_system_kwargs.*'epsilom'.*epsilon"):
        make("pasha", rung_system_kwargs={"epsilom": 0.1})


INF = float("inf")


def test_diverged_losses_neither_poison_epsilon_nor_count_as_swaps():
    lower = np.array([0.1, 0.2, INF, INF])
    upper = np.array([0.3, 0.25, INF, 0.4])
    assert swapped_pair_distances(lower, upper, 1) == pytest.approx([0.1])  # swap with 0; not with 2, 3 (inf)
    assert swapped_pair_distances(lower, upper, 2).size == 0                  # inf vs inf is a tie
    for criterion in ("soft_ranking_std", "soft_ranking_mean_dst", "soft_ranking_median_dst"):
        assert soft_ranking_epsilon(lower, criterion, 0.7, 1.0) == pytest.approx(0.05 if "std" in criterion else 0.1)
        assert soft_ranking_epsilon(np.array([0.1, INF, INF]), criterion, 0.7, 1.0) == 0.0
    assert rankings_disagree(np.array([0.1, INF, INF]), np.array([0.2, INF, INF]), 0.0) is False
    assert rankings_disagree(np.array([0.1, INF]), np.array([INF, 0.2]), 0.0) is True


@pytest.mark.parametrize("bad", [float("nan"), INF, -INF])
def test_maximum_resource_stays_sound_with_diverged_trials(bad):
    system = PashaRungSystem([1, 3, 9, 27])
    for t, (low, high) in enumerate([(0.1, bad), (0.3, 0.2), (bad, bad), (0.2, 0.5)]):
        system.add_trial(t, 3)
        system.rungs[0].record(t, low)
        system.on_report(t, 3, high)
    assert system.current_max_resource == 9  # trial 0 went from best to diverged: the ranking is unstable
    assert all(np.isfinite(system._noise_history))
