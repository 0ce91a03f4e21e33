from __future__ import annotations

import numpy as np
from syne_tune.gp.copula import gaussian_copula


def test_copula_keeps_order_and_is_robust_to_outliers():
    y = np.array([3.0, -1.0, 2.0, 1e9, 0.5])
    z = gaussian_copula(y)
    np.testing.assert_array_equal(np.argsort(z), np.argsort(y))
    assert np.all(np.isfinite(z)) and np.abs(z).max() < 3.0
    np.testing.assert_allclose(gaussian_copula(y * 7.0 + 2.0), z)      # invariant to affine maps


def test_copula_ties_and_small_inputs():
    z = gaussian_copula(np.array([1.0, 1.0, 2.0]))
    assert z[0] == z[1] < z[2]
    assert gaussian_copula(np.array([5.0])).tolist() == [0.0]
    assert gaussian_copula(np.zeros(0)).shape == (0,)


def test_copula_ranks_match_average_ranks():
    from scipy.stats import norm, rankdata

    y = np.random.RandomState(0).randint(0, 5, size=40).astype(float)
    n = y.size
    delta = 1.0 / (4.0 * n ** 0.25 * np.sqrt(np.pi * np.log(n)))
    np.testing.assert_allclose(gaussian_copula(y), norm.ppf(np.clip(rankdata(y) / n, delta, 1 - delta)))
