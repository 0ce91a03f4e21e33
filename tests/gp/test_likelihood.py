from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime, check_grad
from autograd import grad
from scipy.stats import multivariate_normal

from syne_tune.gp.fit import pack, unpack
from syne_tune.gp.fit import map_objective
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
    params = unpack(model, pack(model, model.initial_params(y)) + 0.5 * rs.randn(3 + 3))
    theta = pack(model, params)
    value, gradient = map_objective(model, X, y)(theta)
    assert value == pytest.approx(float(neg_log_posterior(params, model, X, y)), rel=1e-12)
    numeric = approx_fprime(theta, lambda t: float(neg_log_posterior(unpack(model, t), model, X, y)), 1e-7)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-5)


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


@pytest.mark.parametrize("name", ["gamma", "log_normal", "normal"])
def test_prior_derivatives_match_finite_differences(name):
    from syne_tune.gp import priors
    prior = {"gamma": priors.gamma(0.1, 0.1), "log_normal": priors.log_normal(0.0, 1.0),
             "normal": priors.normal(0.5, 2.0)}[name]
    v0 = np.array([0.3, 1.7, 4.0])
    assert check_grad(lambda v: float(prior(v)), grad(prior), v0, epsilon=1e-7) < 1e-5
