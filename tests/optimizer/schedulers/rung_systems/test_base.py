import numpy as np
import pytest

from syne_tune.optimizer.schedulers.rung_systems.base import passes_rule, quantile_cutoff


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
