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
