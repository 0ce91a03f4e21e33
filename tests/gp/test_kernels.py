from __future__ import annotations

import autograd.numpy as anp  # traced values: autograd's numpy (plain numpy's sum fails on them before numpy 2)
import numpy as np
import pytest

from autograd import grad

from syne_tune.gp.kernels import matern52, matern52_diagonal, matern52_profile, squared_distances
from finite_differences import numeric_gradient as _numeric  # tests/gp/finite_differences.py


def _reference_matern52(X1, X2, inv_bw, c):
    r2 = (((X1[:, None, :] - X2[None, :, :]) * inv_bw) ** 2).sum(-1)
    B = np.sqrt(5 * r2 + 1e-9)
    return c * (1 + B + 5 / 3 * r2) * np.exp(-B)


def test_matches_formula_and_is_symmetric_psd():
    rs = np.random.RandomState(0)
    X = rs.rand(20, 3)
    inv_bw = np.array([0.5, 2.0, 4.0])
    K = matern52(X, X, inv_bw, 1.7)
    np.testing.assert_allclose(K, _reference_matern52(X, X, inv_bw, 1.7), rtol=1e-10)
    np.testing.assert_allclose(K, K.T)
    assert np.linalg.eigvalsh(K).min() > -1e-8
    np.testing.assert_allclose(np.diag(K), matern52_diagonal(X, 1.7))


def test_squared_distances_nonnegative_and_zero_on_diagonal():
    X = np.random.RandomState(1).rand(5, 2)
    D = squared_distances(X, X, np.ones(2))
    assert np.all(D >= 0) and np.allclose(np.diag(D), 0)


def test_squared_distances_match_direct_formula_also_for_near_duplicates():
    rs = np.random.RandomState(3)
    X1 = rs.rand(7, 4)
    X2 = np.vstack([rs.rand(5, 4), X1[:2], X1[2:3] + 1e-9])    # exact and near duplicates
    inv_bw = np.array([0.3, 1.0, 20.0, 100.0])
    direct = (((X1[:, None, :] - X2[None, :, :]) * inv_bw) ** 2).sum(-1)
    r2 = squared_distances(X1, X2, inv_bw)
    np.testing.assert_allclose(r2, direct, rtol=1e-9, atol=1e-12)
    assert r2[0, 5] == 0.0 and r2[1, 6] == 0.0


@pytest.mark.parametrize("r2", [0.0, 1e-6, 0.1, 1.0, 7.0])
def test_profile_derivative_matches_finite_differences(r2):
    h = 1e-7
    numeric = (matern52_profile(np.array([r2 + h])) - matern52_profile(np.array([max(r2 - h, 0.0)])))[0] / \
        (r2 + h - max(r2 - h, 0.0))
    assert grad(lambda x: matern52_profile(x)[0])(np.array([r2]))[0] == pytest.approx(numeric, rel=1e-4, abs=1e-6)


def test_gradients_of_squared_distances_match_finite_differences_also_for_near_duplicates():
    rs = np.random.RandomState(6)
    X1 = rs.rand(5, 3)
    X2 = np.vstack([rs.rand(3, 3), X1[1:2] + 1e-9])
    inv_bw, G = np.exp(rs.randn(3)), rs.randn(5, 4)
    f = lambda b: anp.sum(G * squared_distances(X1, X2, b))
    np.testing.assert_allclose(grad(f)(inv_bw), _numeric(f, inv_bw), rtol=1e-6)
    f = lambda Z: anp.sum(G * squared_distances(Z, X2, inv_bw))
    np.testing.assert_allclose(grad(f)(X1), _numeric(f, X1), rtol=1e-6, atol=1e-8)


def test_squared_distances_of_a_set_with_itself_fix_near_duplicates_off_the_diagonal():
    rs = np.random.RandomState(4)
    X = np.vstack([rs.rand(6, 3), rs.rand(1, 3)])
    X[6] = X[2] + 1e-9                                               # near duplicate of row 2
    inv_bw = np.array([0.5, 3.0, 50.0])
    direct = (((X[:, None, :] - X[None, :, :]) * inv_bw) ** 2).sum(-1)
    r2 = squared_distances(X, X, inv_bw)
    np.testing.assert_allclose(r2, direct, rtol=1e-9, atol=1e-15)
    assert np.all(np.diag(r2) == 0.0) and r2[2, 6] > 0.0
