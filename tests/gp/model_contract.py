"""The contract every GP model meets, as a test class to inherit (tests/gp/test_model.py for the
built-in models, tests/gp/test_user_kernel.py for a kernel defined in a test file).

A subclass defines the fixture ``model`` (a GPModel over ``DIM`` inputs whose last column may be a
resource level). The gradients autograd gives (in the parameters θ, and in the query inputs) must
equal central differences of the model's values.
"""
from __future__ import annotations

import autograd.numpy as anp  # traced values: autograd's numpy (plain numpy's sum fails on them before numpy 2)
import numpy as np
import pytest
import scipy.optimize
from autograd import grad

from syne_tune.gp.acquisition import log_expected_improvement
from syne_tune.gp.fit import map_objective, pack, theta_bounds, unpack
from syne_tune.gp.likelihood import neg_log_posterior
from syne_tune.gp.posterior import compute_posterior, predict_mean_std
from finite_differences import numeric_gradient  # tests/gp/finite_differences.py

DIM = 3  # two config dims + the resource (for resource kernels)


def inputs(rs, n, max_t=27):
    r = rs.randint(1, max_t + 1, size=n)
    return np.hstack([rs.rand(n, DIM - 1), ((r - 0.5) / max_t)[:, None]])


def random_params(model, rs):
    """Parameters drawn inside the box (log-uniform for positive ones, within [−2, 2] otherwise)."""
    theta = []
    for lo, hi in theta_bounds(model):
        lo_, hi_ = max(-2.0 if lo is None else lo, -3.0), min(2.0 if hi is None else hi, 3.0)
        theta.append(rs.uniform(lo_, hi_))
    return np.array(theta)


class ModelContract:
    """Inherit and define the ``model`` fixture."""

    @pytest.mark.parametrize("seed", [0, 1])
    def test_parameter_gradients_equal_central_differences(self, model, seed):
        rs = np.random.RandomState(seed)
        X, theta = inputs(rs, 12), random_params(model, rs)
        W, a = rs.randn(12, 12), rs.randn(12)

        def f(t):
            params = unpack(model, t)
            return anp.sum(W * model.covariance(params, X, X)) + anp.dot(a, model.mean(params, X))

        np.testing.assert_allclose(grad(f)(theta), numeric_gradient(f, theta), rtol=1e-5, atol=1e-6)

    @pytest.mark.filterwarnings("ignore:Output seems independent of input")   # stationary diagonal, constant mean
    def test_input_gradients_equal_central_differences(self, model):
        rs = np.random.RandomState(2)
        X1, X2, params = inputs(rs, 5), inputs(rs, 9), unpack(model, random_params(model, rs))
        G, g = rs.randn(5, 9), rs.randn(5)
        for which, f in (("covariance", lambda Z: anp.sum(G * model.covariance(params, Z, X2))),
                         ("diagonal", lambda Z: anp.dot(g, model.diagonal(params, Z))),
                         ("mean", lambda Z: anp.dot(g, model.mean(params, Z)))):
            np.testing.assert_allclose(grad(f)(X1), numeric_gradient(f, X1), rtol=1e-5, atol=1e-6, err_msg=which)

    def test_gram_matrices_are_positive_definite_and_match_the_diagonal(self, model):
        rs = np.random.RandomState(1)
        for _ in range(5):
            params, X = unpack(model, random_params(model, rs)), inputs(rs, 30)
            K = model.covariance(params, X, X)
            np.testing.assert_allclose(K, K.T, atol=1e-10)
            np.testing.assert_allclose(np.diag(K), model.diagonal(params, X), rtol=1e-7, atol=1e-10)
            eigenvalues = np.linalg.eigvalsh(K)
            assert eigenvalues.min() > -1e-8 * max(1.0, eigenvalues.max()), f"eigenvalue {eigenvalues.min()}"

    def test_map_objective_gradient_equals_central_differences(self, model):
        rs = np.random.RandomState(4)
        X, Y = inputs(rs, 20), rs.randn(20, 2)
        params = unpack(model, random_params(model, rs))
        params["noise_variance"] = np.array([0.1])      # keeps K well conditioned for finite differences
        theta = pack(model, params)
        objective = map_objective(model, X, Y)
        value, gradient = objective(theta)
        assert value == pytest.approx(float(neg_log_posterior(params, model, X, Y)), rel=1e-10)
        numeric = scipy.optimize.approx_fprime(theta, lambda t: objective(t)[0], 1e-6)
        np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(gradient).max()))

    def test_acquisition_gradient_in_the_inputs_equals_central_differences(self, model):
        rs = np.random.RandomState(6)
        X, Y = inputs(rs, 15), rs.randn(15, 3)
        params = unpack(model, random_params(model, rs))
        params["noise_variance"] = np.array([0.1])
        state = compute_posterior(model, params, X, Y, y_shift=0.2, y_scale=1.5)
        best = np.array([-1.0, -0.5, 0.0])
        Xq = inputs(rs, 4)

        def f(Z):
            return anp.sum(log_expected_improvement(*predict_mean_std(state, Z), best, 0.01))

        np.testing.assert_allclose(grad(f)(Xq), numeric_gradient(f, Xq), rtol=1e-5, atol=1e-6)
