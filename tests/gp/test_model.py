"""Contract tests shared by every GP model: each function's gradients against finite differences."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize

from syne_tune.gp.fit import map_objective, pack, theta_bounds, unpack
from syne_tune.gp.likelihood import neg_log_posterior
from syne_tune.gp.model import matern52_model
from syne_tune.gp.resource_kernels import RESOURCE_KERNELS, resource_kernel_model
from finite_differences import numeric_gradient as _numeric  # tests/gp/finite_differences.py

DIM = 3  # two config dims + the resource (for resource kernels)
MODELS = ["plain-matern52", "grouped-matern52", *sorted(RESOURCE_KERNELS)]


def _model(name):
    if name == "grouped-matern52":      # columns 0 and 1 share a length scale (as one-hot columns do)
        return matern52_model(DIM, groups=[0, 0, 1])
    return matern52_model(DIM) if name == "plain-matern52" else resource_kernel_model(name, DIM)


def _inputs(rs, n, max_t=27):
    r = rs.randint(1, max_t + 1, size=n)
    return np.hstack([rs.rand(n, DIM - 1), ((r - 0.5) / max_t)[:, None]])


def _params(model, rs):
    """Parameters drawn inside the box (log-uniform for positive ones, within [−2, 2] otherwise)."""
    theta = []
    for lo, hi in theta_bounds(model):
        lo_, hi_ = max(-2.0 if lo is None else lo, -3.0), min(2.0 if hi is None else hi, 3.0)
        theta.append(rs.uniform(lo_, hi_))
    return unpack(model, np.array(theta))


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("seed", [0, 1])
def test_parameter_gradients_match_finite_differences(name, seed):
    rs = np.random.RandomState(seed)
    model = _model(name)
    X, params = _inputs(rs, 12), _params(model, rs)
    W = rs.randn(12, 12)
    W = W + W.T
    a = rs.randn(12)
    grads = model.parameter_gradients(params, X, W, a)
    assert set(grads) == {p.name for p in model.parameters} - {"noise_variance"}
    for p in model.parameters:
        if p.name == "noise_variance":
            continue

        def f(value, name=p.name):
            moved = dict(params, **{name: value})
            return float(np.sum(W * model.covariance(moved, X, X)) + np.dot(a, model.mean(moved, X)))

        numeric = _numeric(f, np.asarray(params[p.name], dtype=float))
        np.testing.assert_allclose(grads[p.name], numeric, rtol=1e-5, atol=1e-6, err_msg=f"{name}: {p.name}")


@pytest.mark.parametrize("name", MODELS)
def test_input_gradients_match_finite_differences(name):
    rs = np.random.RandomState(2)
    model = _model(name)
    X1, X2, params = _inputs(rs, 5), _inputs(rs, 9), _params(model, rs)
    G, g = rs.randn(5, 9), rs.randn(5)
    checks = [
        (model.covariance_input_gradient(params, X1, X2, G), lambda Z: np.sum(G * model.covariance(params, Z, X2))),
        (model.diagonal_input_gradient(params, X1, g), lambda Z: np.dot(g, model.diagonal(params, Z))),
        (model.mean_input_gradient(params, X1, g), lambda Z: np.dot(g, model.mean(params, Z))),
    ]
    for which, (analytic, f) in zip(("covariance", "diagonal", "mean"), checks):
        np.testing.assert_allclose(analytic, _numeric(f, X1), rtol=1e-5, atol=1e-6, err_msg=f"{name}: {which}")


@pytest.mark.parametrize("name", MODELS)
def test_gram_matrices_are_positive_definite_and_match_the_diagonal(name):
    rs = np.random.RandomState(1)
    model = _model(name)
    for _ in range(5):
        params, X = _params(model, rs), _inputs(rs, 30)
        K = model.covariance(params, X, X)
        np.testing.assert_allclose(K, K.T, atol=1e-10)
        np.testing.assert_allclose(np.diag(K), model.diagonal(params, X), rtol=1e-7, atol=1e-10)
        eigenvalues = np.linalg.eigvalsh(K)
        assert eigenvalues.min() > -1e-8 * max(1.0, eigenvalues.max()), f"{name}: eigenvalue {eigenvalues.min()}"


@pytest.mark.parametrize("name", MODELS)
def test_map_objective_gradient_in_theta_matches_finite_differences(name):
    rs = np.random.RandomState(4)
    model = _model(name)
    X, Y = _inputs(rs, 20), rs.randn(20, 2)
    params = _params(model, rs)
    params["noise_variance"] = np.array([0.1])      # keeps K well conditioned for finite differences
    theta = pack(model, params)
    objective = map_objective(model, X, Y)
    value, gradient = objective(theta)
    assert value == pytest.approx(neg_log_posterior(params, model, X, Y), rel=1e-10)
    numeric = scipy.optimize.approx_fprime(theta, lambda t: objective(t)[0], 1e-6)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(gradient).max()))


def test_grouped_matern52_equals_ard_with_repeated_inverse_bandwidths():
    rs = np.random.RandomState(5)
    grouped, plain = matern52_model(4, groups=[0, 1, 1, 2]), matern52_model(4)
    X = (rs.rand(7, 4) > 0.5).astype(float)
    params = grouped.initial_params(rs.randn(7))
    params["kernel_inv_bw"] = np.array([0.5, 2.0, 3.0])
    expanded = dict(params, kernel_inv_bw=np.array([0.5, 2.0, 2.0, 3.0]))
    np.testing.assert_allclose(grouped.covariance(params, X, X), plain.covariance(expanded, X, X))
    assert list(grouped.flat_parameters(params)) == ["noise_variance", "kernel_inv_bw0", "kernel_inv_bw1",
                                                     "kernel_inv_bw2", "kernel_covariance_scale", "mean_mean_value"]


@pytest.mark.parametrize("groups", [[0, 2], [0, 0, 1], [1, 1]])
def test_matern52_rejects_bad_groups(groups):
    with pytest.raises(ValueError, match="groups"):
        matern52_model(2, groups=groups)


@pytest.mark.parametrize("name", MODELS)
def test_fused_forms_equal_the_separate_functions(name):
    rs = np.random.RandomState(5)
    model = _model(name)
    X, Xq, params = _inputs(rs, 15), _inputs(rs, 4), _params(model, rs)
    W = rs.randn(15, 15)
    W, a, G = W + W.T, rs.randn(15), rs.randn(4, 15)
    K, parameter_gradients = model.covariance_and_parameter_gradients(params, X)
    np.testing.assert_allclose(K, model.covariance(params, X, X), rtol=1e-12, atol=1e-14)
    fused, separate = parameter_gradients(W, a), model.parameter_gradients(params, X, W, a)
    assert set(fused) == set(separate)
    for key in separate:
        np.testing.assert_allclose(fused[key], separate[key], rtol=1e-10, atol=1e-12, err_msg=f"{name}: {key}")
    Kq, input_gradient = model.covariance_and_input_gradient(params, Xq, X)
    np.testing.assert_allclose(Kq, model.covariance(params, Xq, X), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(input_gradient(G), model.covariance_input_gradient(params, Xq, X, G),
                               rtol=1e-10, atol=1e-12)
