from __future__ import annotations

import autograd.numpy as anp  # traced values: autograd's numpy
import numpy as np
import pytest
from scipy.optimize import check_grad

from autograd import grad

from syne_tune.gp.acquisition import expected_improvement, log_expected_improvement, thompson_indep_scores
from syne_tune.gp.acquisition_optimizer import choose_next, local_optimize_batch
from syne_tune.gp.model import matern52_model
from syne_tune.gp.posterior import compute_posterior, predict_mean_std


def test_ei_zero_far_above_incumbent_and_positive_with_large_variance():
    best = np.array([0.0])
    mean = np.array([[10.0], [10.0], [0.0]])
    std = np.array([0.01, 30.0, 1e-12])
    ei = expected_improvement(mean, std, best)
    assert ei[0] == pytest.approx(0.0, abs=1e-12)
    assert ei[1] > 1.0
    assert ei[2] == pytest.approx(0.0, abs=1e-9)  # xi = 0.01 jitter: no improvement without variance


def test_ei_closed_form_value():
    # u = (best - mean - xi) / std = 0.99 -> EI = std (u Phi(u) + phi(u))
    from scipy.stats import norm
    u = 0.99
    ei = expected_improvement(np.array([[0.0]]), np.array([1.0]), np.array([1.0]))
    assert ei[0] == pytest.approx(u * norm.cdf(u) + norm.pdf(u))


def test_ei_averages_over_fantasy_columns():
    ei = expected_improvement(np.array([[0.0, 5.0]]), np.array([1.0]), np.array([0.0, 0.0]))
    single = expected_improvement(np.array([[0.0]]), np.array([1.0]), np.array([0.0]))
    assert ei[0] == pytest.approx(single[0] / 2, rel=1e-3)


def test_thompson_scores_shape_and_seed():
    mean, std = np.zeros((5, 3)), np.ones(5)
    a = thompson_indep_scores(mean, std, np.random.RandomState(0))
    b = thompson_indep_scores(mean, std, np.random.RandomState(0))
    assert a.shape == (5,) and np.array_equal(a, b)


def _state():
    X = np.array([[0.1, 0.1], [0.9, 0.2], [0.5, 0.8]])
    y = np.array([1.0, -1.0, 0.5])
    model = matern52_model(2)
    params = model.initial_params(y)
    params["kernel_inv_bw"] = np.array([3.0, 3.0])
    return compute_posterior(model, params, X, y)


def test_ei_gradient_in_inputs_matches_finite_differences():
    state = _state()
    best = np.array([-1.0])
    f = lambda x: float(expected_improvement(*predict_mean_std(state, x[None, :]), best)[0])

    g = grad(lambda x: expected_improvement(*predict_mean_std(state, x[None, :]), best)[0])
    assert check_grad(f, g, np.array([0.6, 0.4]), epsilon=1e-7) < 1e-5


def test_local_optimization_improves_ei_within_bounds():
    state = _state()
    best = np.array([-1.0])
    predict = lambda Xq: predict_mean_std(state, Xq)
    bounds = np.array([[0.0, 1.0], [0.0, 0.5]])
    x0 = np.array([0.5, 0.3])
    x = local_optimize_batch(x0[None, :], predict, best, bounds)[0][0]
    assert np.all(x >= bounds[:, 0]) and np.all(x <= bounds[:, 1])
    ei = lambda z: expected_improvement(*predict(z[None, :])[:2], best)[0]
    assert ei(x) > ei(x0)


def test_choose_next_never_returns_excluded():
    state = _state()
    predict = lambda Xq: predict_mean_std(state, Xq)
    candidates = np.random.RandomState(0).rand(10, 2)
    excluded = lambda x: x[0] > 0.3  # everything with x0 > 0.3 is taken
    choice = choose_next(candidates, predict, np.array([-1.0]), np.array([[0.0, 1.0]] * 2),
                         scoring="acq_func", skip_local_optimization=False, is_excluded=excluded,
                         random_state=np.random.RandomState(0))
    assert choice is not None and choice.x[0] <= 0.3
    none = choose_next(candidates, predict, np.array([-1.0]), np.array([[0.0, 1.0]] * 2),
                       scoring="thompson_indep", skip_local_optimization=True, is_excluded=lambda x: True,
                       random_state=np.random.RandomState(0))
    assert none is None


@pytest.mark.parametrize("function", [expected_improvement, log_expected_improvement])
@pytest.mark.parametrize("argnum", [0, 1])
def test_acquisition_gradient_in_mean_and_std_matches_finite_differences(function, argnum):
    rs = np.random.RandomState(argnum)
    mean, std, best = rs.randn(4, 3), np.exp(rs.randn(4)), rs.randn(3)
    weights = rs.randn(4)

    def f(v):
        args = [mean, std]
        args[argnum] = np.reshape(v, args[argnum].shape)
        return anp.dot(weights, function(args[0], args[1], best, 0.05))

    v0 = [mean, std][argnum].ravel()
    assert check_grad(f, grad(f), v0, epsilon=1e-7) < 1e-6


def test_batch_local_optimization_improves_every_start_within_bounds():
    state = _state()
    best = np.array([-1.0])
    predict = lambda Xq: predict_mean_std(state, Xq)
    bounds = np.array([[0.0, 1.0], [0.0, 0.6]])
    X0 = np.random.RandomState(3).rand(4, 2) * [1.0, 0.6]
    X, ei = local_optimize_batch(X0, predict, best, bounds)
    assert X.shape == X0.shape
    assert np.all(X >= bounds[:, 0]) and np.all(X <= bounds[:, 1])
    ei0 = expected_improvement(*predict(X0)[:2], best)
    np.testing.assert_allclose(ei, expected_improvement(*predict(X)[:2], best))
    assert np.all(ei >= ei0) and np.any(ei > ei0 + 1e-6)


def test_choose_next_with_several_starts_takes_the_largest_local_ei():
    state = _state()
    best = np.array([-1.0])
    predict = lambda Xq: predict_mean_std(state, Xq)
    bounds = np.array([[0.0, 1.0]] * 2)
    candidates = np.random.RandomState(1).rand(30, 2)
    kwargs = dict(scoring="acq_func", skip_local_optimization=False, is_excluded=lambda x: False)
    one = choose_next(candidates, predict, best, bounds, random_state=np.random.RandomState(0), **kwargs)
    many = choose_next(candidates, predict, best, bounds, random_state=np.random.RandomState(0),
                       num_local_starts=8, **kwargs)
    assert many.how == "local" and many.ei >= one.ei - 1e-12


def test_log_ei_equals_log_of_ei():
    rs = np.random.RandomState(3)
    mean, std, best = 2.0 * rs.randn(5, 3), np.exp(rs.randn(5)), rs.randn(3)
    np.testing.assert_allclose(log_expected_improvement(mean, std, best, 0.05),
                               np.log(expected_improvement(mean, std, best, 0.05)), rtol=1e-10)


def test_log_ei_stays_finite_with_a_gradient_where_ei_underflows():
    mean, std, best = np.array([[40.0], [400.0]]), np.array([1.0, 1.0]), np.array([0.0])
    assert np.all(expected_improvement(mean, std, best) == 0.0)
    value = log_expected_improvement(mean, std, best)
    d_mean = np.stack([grad(lambda m: log_expected_improvement(m, std, best)[i])(mean)[i] for i in range(2)])
    d_std = np.array([grad(lambda s: log_expected_improvement(mean, s, best)[i])(std)[i] for i in range(2)])
    assert np.all(np.isfinite(value)) and value[1] < value[0]
    assert np.all(d_mean < 0) and np.all(np.isfinite(d_mean)) and np.all(d_std > 0)
    np.testing.assert_allclose(d_mean[:, 0], [-40.0, -400.0], rtol=0.01)     # d log h/du ≈ −u far out
