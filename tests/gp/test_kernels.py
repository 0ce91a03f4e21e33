from __future__ import annotations

import autograd
import numpy as np
import pytest
from scipy.optimize import check_grad

from syne_tune.gp.kernels import (
    matern52, matern52_diagonal, matern52_profile, matern52_profile_derivative, squared_difference_tensor,
    squared_distances,
)


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


@pytest.mark.parametrize("r2", [1e-6, 0.1, 1.0, 7.0])
def test_profile_derivative_matches_finite_differences(r2):
    f = lambda x: matern52_profile(x)[0]
    g = lambda x: autograd.grad(lambda y: matern52_profile(y)[0])(x)
    assert check_grad(f, g, np.array([r2]), epsilon=1e-8) < 1e-5


def test_gradient_in_inputs_and_bandwidths():
    rs = np.random.RandomState(2)
    X2 = rs.rand(6, 3)
    f = lambda v: np.sum(matern52(v[:3][None, :], X2, np.exp(v[3:]), 1.3))
    df = autograd.grad(f)
    v0 = np.concatenate([rs.rand(3), rs.randn(3) * 0.3])
    assert check_grad(f, df, v0) < 1e-5


def test_squared_distances_match_direct_formula_also_for_near_duplicates():
    rs = np.random.RandomState(3)
    X1 = rs.rand(7, 4)
    X2 = np.vstack([rs.rand(5, 4), X1[:2], X1[2:3] + 1e-9])    # exact and near duplicates
    inv_bw = np.array([0.3, 1.0, 20.0, 100.0])
    direct = (((X1[:, None, :] - X2[None, :, :]) * inv_bw) ** 2).sum(-1)
    r2 = squared_distances(X1, X2, inv_bw)
    np.testing.assert_allclose(r2, direct, rtol=1e-9, atol=1e-12)
    assert r2[0, 5] == 0.0 and r2[1, 6] == 0.0


@pytest.mark.parametrize("argnum", [0, 1, 2])
def test_squared_distances_vjp_matches_finite_differences(argnum):
    rs = np.random.RandomState(argnum)
    args = [rs.rand(4, 3), rs.rand(5, 3), np.exp(rs.randn(3))]
    weights = rs.randn(4, 5)                      # a generic cotangent

    def f(v):
        full = list(args)
        full[argnum] = v.reshape(args[argnum].shape)
        return np.sum(weights * squared_distances(*full))

    v0 = args[argnum].ravel()
    assert check_grad(f, autograd.grad(f), v0, epsilon=1e-7) < 1e-5 * max(1.0, np.linalg.norm(autograd.grad(f)(v0)))


def test_squared_difference_tensor_gives_squared_distances():
    rs = np.random.RandomState(4)
    X, inv_bw = rs.rand(6, 3), np.array([0.5, 2.0, 3.0])
    D = squared_difference_tensor(X)
    assert D.shape == (3, 6, 6)
    np.testing.assert_allclose(np.tensordot(inv_bw ** 2, D, axes=1), squared_distances(X, X, inv_bw), atol=1e-12)


@pytest.mark.parametrize("r2", [0.0, 1e-6, 0.1, 1.0, 7.0])
def test_profile_derivative_function_matches_finite_differences(r2):
    h = 1e-7
    numeric = (matern52_profile(np.array([r2 + h])) - matern52_profile(np.array([max(r2 - h, 0.0)])))[0] / \
        (r2 + h - max(r2 - h, 0.0))
    assert matern52_profile_derivative(np.array([r2]))[0] == pytest.approx(numeric, rel=1e-4, abs=1e-6)
