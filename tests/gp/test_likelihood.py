from __future__ import annotations

import autograd
import numpy as np
import pytest
from scipy.optimize import check_grad
from scipy.stats import multivariate_normal

from syne_tune.gp.fit import pack, unpack
from syne_tune.gp.likelihood import neg_log_marginal_likelihood, neg_log_posterior
from syne_tune.gp.model import matern52_model


def _data(n=15, d=3, seed=0):
    rs = np.random.RandomState(seed)
    X = rs.rand(n, d)
    y = np.sin(3 * X.sum(1)) + 0.1 * rs.randn(n)
    return X, (y - y.mean()) / y.std()


def test_nll_equals_gaussian_log_density():
    X, y = _data()
    model = matern52_model(3)
    params = model.initial_params(y)
    params["noise_variance"] = np.array([0.05])
    K = model.covariance(params, X, X) + 0.05 * np.eye(len(y))
    expected = -multivariate_normal(mean=np.full(len(y), params["mean_mean_value"][0]), cov=K).logpdf(y)
    assert float(neg_log_marginal_likelihood(params, model, X, y)) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_finite_differences(seed):
    X, y = _data(seed=seed)
    model = matern52_model(3)
    rs = np.random.RandomState(seed)
    theta = pack(model, model.initial_params(y)) + 0.5 * rs.randn(3 + 3)
    f = lambda t: float(neg_log_posterior(unpack(model, t), model, X, y))
    g = autograd.grad(lambda t: neg_log_posterior(unpack(model, t), model, X, y))
    error = check_grad(f, g, theta, epsilon=1e-6)
    assert error < 1e-4 * max(1.0, np.linalg.norm(g(theta)))


def test_multi_column_targets_sum_column_nlls():
    X, y = _data()
    model = matern52_model(3)
    params = model.initial_params(y)
    Y = np.stack([y, -y], axis=1)
    both = float(neg_log_marginal_likelihood(params, model, X, Y))
    params_neg = dict(params, mean_mean_value=-params["mean_mean_value"])
    single = float(neg_log_marginal_likelihood(params, model, X, y)) + \
        float(neg_log_marginal_likelihood(params_neg, model, X, -y))
    assert both == pytest.approx(single)


@pytest.mark.parametrize("columns", [1, 3])
def test_matern52_fast_nll_equals_generic_nll(columns):
    rs = np.random.RandomState(columns)
    X, Y = rs.rand(20, 4), rs.randn(20, columns)
    model = matern52_model(4)
    nll = model.nll_factory(X, Y)
    for _ in range(3):
        params = unpack(model, pack(model, model.initial_params(Y)) + 0.7 * rs.randn(4 + 3))
        assert float(nll(params)) == pytest.approx(float(neg_log_marginal_likelihood(params, model, X, Y)),
                                                   rel=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matern52_fast_nll_gradient_matches_finite_differences(seed):
    rs = np.random.RandomState(seed)
    X, Y = rs.rand(25, 3), rs.randn(25, 1 + seed)
    model = matern52_model(3)
    nll = model.nll_factory(X, Y)
    theta = pack(model, model.initial_params(Y)) + 0.5 * rs.randn(3 + 3)
    f = lambda t: float(nll(unpack(model, t)) - model.log_prior(unpack(model, t)))
    g = autograd.grad(lambda t: nll(unpack(model, t)) - model.log_prior(unpack(model, t)))
    error = check_grad(f, g, theta, epsilon=1e-6)
    assert error < 1e-4 * max(1.0, np.linalg.norm(g(theta)))
    # and the generic autograd path agrees entry by entry
    generic = autograd.grad(lambda t: neg_log_posterior(unpack(model, t), model, X, Y))(theta)
    np.testing.assert_allclose(g(theta), generic, rtol=1e-6, atol=1e-8)


def test_matern52_fast_nll_recomputes_when_parameters_change():
    rs = np.random.RandomState(5)
    X, y = rs.rand(10, 2), rs.randn(10)
    model = matern52_model(2)
    nll = model.nll_factory(X, y)
    a = model.initial_params(y)
    b = dict(a, kernel_inv_bw=np.array([3.0, 0.2]))
    assert float(nll(a)) != float(nll(b))
    assert float(nll(a)) == pytest.approx(float(neg_log_marginal_likelihood(a, model, X, y)))


@pytest.mark.parametrize("name", ["gamma", "log_normal", "normal"])
def test_prior_derivatives_match_finite_differences(name):
    from syne_tune.gp import priors
    prior = {"gamma": priors.gamma(0.1, 0.1), "log_normal": priors.log_normal(0.0, 1.0),
             "normal": priors.normal(0.5, 2.0)}[name]
    v0 = np.array([0.3, 1.7, 4.0])
    assert check_grad(lambda v: float(prior(v)), autograd.grad(prior), v0, epsilon=1e-7) < 1e-5
