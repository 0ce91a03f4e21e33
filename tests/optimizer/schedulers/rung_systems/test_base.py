import numpy as np
import pytest

from syne_tune.optimizer.schedulers.rung_systems.base import Rung, passes_rule, quantile_cutoff, worst_if_not_finite


def test_quantile_cutoff_matches_numpy():
    rng = np.random.RandomState(0)
    for n in range(1, 12):
        values = sorted(rng.randn(n))
        for q in (0.0, 1 / 3, 0.5, 27 / 56, 1.0):
            assert quantile_cutoff(values, q) == pytest.approx(np.quantile(values, q))


@pytest.mark.parametrize("losses, loss, reduction, expected", [
    ([0.5], 0.5, 3, None),                     # fewer than reduction_factor values: no decision
    ([0.5, 0.7], 0.5, 3, None),
    ([0.5, 0.6, 0.7], 0.5, 3, True),           # cutoff 0.5667
    ([0.5, 0.6, 0.7], 0.6, 3, False),
    ([0.4, 0.5, 0.5, 0.6, 0.7], 0.5, 3, True),  # a tie with the cutoff passes
    ([0.1, 0.2], 0.2, 2, False),               # reduction 2: cutoff is the median 0.15
    ([0.1, 0.2], 0.1, 2, True),
])
def test_passes_rule(losses, loss, reduction, expected):
    assert passes_rule(losses, loss, reduction) is expected


def test_passes_rule_with_non_integer_reduction_needs_ceil_values():
    # levels 27 -> 56: reduction 56/27 = 2.07, so a decision needs 3 values
    assert passes_rule([0.1, 0.2], 0.1, 56 / 27) is None
    assert passes_rule([0.1, 0.2, 0.3], 0.3, 56 / 27) is False


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_non_finite_loss_is_recorded_as_the_worst(bad):
    assert worst_if_not_finite(bad) == INF
    assert worst_if_not_finite(-3.0) == -3.0
    rung = Rung(1, 3)
    for t, loss in enumerate([0.5, bad, 0.1, bad, 0.3]):
        rung.record(t, loss)
    assert rung.sorted_losses == [0.1, 0.3, 0.5, INF, INF]
    assert rung.losses[1] == INF


def test_recording_again_replaces_the_loss():
    rung = Rung(1, 3)
    rung.record(0, 0.5)
    rung.record(1, 0.7)
    rung.record(0, 0.9)
    assert rung.sorted_losses == [0.7, 0.9] and rung.losses == {0: 0.9, 1: 0.7}


@pytest.mark.parametrize("losses, q, expected", [
    ([INF, INF, INF], 1 / 3, INF),       # inf - inf would make it NaN
    ([0.5, INF, INF], 1 / 3, INF),       # between a finite value and inf: inf
    ([0.5, 0.6, INF], 1 / 3, 0.5 + 0.1 * 2 / 3),
    ([0.5, INF], 0.0, 0.5),
    ([0.2, 0.5, INF, INF, INF], 1 / 2, INF),
    ([0.2, 0.5, 0.7, INF], 1 / 3, 0.5),  # exactly at an index: no interpolation with inf
])
def test_quantile_cutoff_with_infinite_losses(losses, q, expected):
    assert quantile_cutoff(losses, q) == pytest.approx(expected)


@pytest.mark.parametrize("losses, loss, expected", [
    ([INF], INF, False),                   # too few values, but a diverged trial never passes
    ([INF, INF, INF], INF, False),
    ([0.5, INF, INF], 0.5, True),          # the best of three
    ([0.5, INF, INF, INF], 0.5, True),
    ([0.1, 0.5, INF, INF, INF, INF], 0.5, True),  # second of six with reduction 3
    ([0.1, 0.2, 0.5, INF, INF, INF], 0.5, False),
])
def test_passes_rule_with_infinite_losses(losses, loss, expected):
    assert passes_rule(losses, loss, 3) is expected
