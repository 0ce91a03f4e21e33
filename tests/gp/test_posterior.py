from __future__ import annotations

import autograd.numpy as anp  # traced values: autograd's numpy (plain numpy's sum fails on them before numpy 2)
import numpy as np

from syne_tune.gp.fantasize import fantasize
from syne_tune.gp.fit import fit_hyperparameters
from syne_tune.gp.model import matern52_model
from syne_tune.gp.posterior import compute_posterior, predict, predict_mean_std, sample_joint


def _sine_state():
    X = np.linspace(0.05, 0.95, 8)[:, None]
    y = np.sin(2 * np.pi * X[:, 0])
    model = matern52_model(1)
    fit = fit_hyperparameters(model, X, y, model.initial_params(y), random_state=np.random.RandomState(0))
    return compute_posterior(model, fit.params, X, y), X, y


def test_fits_sine_and_variance_shrinks_at_data():
    state, X, y = _sine_state()
    mean, var = predict(state, X)
    np.testing.assert_allclose(mean[:, 0], y, atol=0.05)
    Xq = np.linspace(0, 1, 101)[:, None]
    mean_q, var_q = predict(state, Xq)
    np.testing.assert_allclose(mean_q[:, 0], np.sin(2 * np.pi * Xq[:, 0]), atol=0.2)
    prior_var = state.model.diagonal(state.params, X)
    assert np.all(var < 0.05 * prior_var)
    mid = (X[:-1] + X[1:]) / 2
    assert np.all(predict(state, mid)[1] > var.max())


def test_denormalization():
    state, X, y = _sine_state()
    shifted = compute_posterior(state.model, state.params, X, y, y_shift=10.0, y_scale=2.0)
    mean, std = predict_mean_std(shifted, X)
    np.testing.assert_allclose(mean[:, 0], 10 + 2 * predict(state, X)[0][:, 0])
    np.testing.assert_allclose(std, 2 * np.sqrt(predict(state, X)[1]))


def test_joint_samples_have_posterior_moments():
    state, X, _ = _sine_state()
    Xq = np.array([[0.0], [0.5], [0.52]])
    samples = sample_joint(state, Xq, 20000, np.random.RandomState(0))
    mean, var = predict(state, Xq)
    np.testing.assert_allclose(samples.mean(1), mean[:, 0], atol=0.02)
    np.testing.assert_allclose(samples.var(1), var, rtol=0.1, atol=1e-4)
    assert np.corrcoef(samples[1], samples[2])[0, 1] > 0.5


def test_fantasize_adds_columns_and_pending_inputs():
    state, X, _ = _sine_state()
    pending = np.array([[0.5], [0.3]])
    fantasy = fantasize(state, pending, 7, np.random.RandomState(0))
    assert fantasy.Y.shape == (len(X) + 2, 7) and fantasy.X.shape == (len(X) + 2, 1)
    _, var = predict(fantasy, pending)
    assert np.all(var < predict(state, pending)[1])
    np.testing.assert_allclose(fantasy.Y[:len(X)], np.repeat(state.Y, 7, axis=1))


def test_mean_and_std_gradients_in_the_inputs_match_finite_differences():
    """autograd through predict_mean_std for a resource kernel (mean and diagonal depend on the inputs too)."""
    from autograd import grad
    from scipy.optimize import approx_fprime

    from syne_tune.gp.resource_kernels import exp_decay_combined_model

    rs = np.random.RandomState(5)
    model = exp_decay_combined_model(3)
    params = model.initial_params()
    X, Y = rs.rand(15, 3), rs.randn(15, 2)
    state = compute_posterior(model, params, X, Y, 0.3, 2.0)
    Xq = rs.rand(4, 3)
    g_mean, g_std = rs.randn(4, 2), rs.randn(4)

    def f(flat):
        mean, std = predict_mean_std(state, np.reshape(flat, Xq.shape))
        return anp.sum(g_mean * mean) + anp.dot(g_std, std)

    np.testing.assert_allclose(grad(f)(Xq.ravel()), approx_fprime(Xq.ravel(), f, 1e-7), rtol=1e-4, atol=1e-5)


def test_extend_posterior_equals_full_factorization():
    from syne_tune.gp.posterior import extend_posterior
    from syne_tune.gp.resource_kernels import exp_decay_sum_model

    rng = np.random.RandomState(3)
    model = exp_decay_sum_model(3)
    params = model.initial_params()
    X = rng.uniform(size=(30, 3))
    Y = rng.normal(size=(30, 4))
    base = compute_posterior(model, params, X[:22], Y[:22, :1], 0.5, 2.0)
    extended = extend_posterior(base, X[22:], Y, 1.0, 3.0)
    full = compute_posterior(model, params, X, Y, 1.0, 3.0)
    for name in ("L", "L_inv", "alpha", "Y", "X"):
        np.testing.assert_allclose(getattr(extended, name), getattr(full, name), rtol=1e-7, atol=1e-9)
    assert (extended.y_shift, extended.y_scale) == (1.0, 3.0)
    Xq = rng.uniform(size=(5, 3))
    for a, b in zip(predict(extended, Xq), predict(full, Xq)):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    # no new rows: only the targets (and alpha) change
    same = extend_posterior(full, X[:0], 2 * Y)
    np.testing.assert_allclose(same.alpha, compute_posterior(model, params, X, 2 * Y).alpha, rtol=1e-7, atol=1e-9)


def test_rank_one_updates_one_case_at_a_time_equal_a_fresh_cholesky():
    """Adding cases one by one (rank-one updates of L and L⁻¹, hyperparameters kept) and then
    fantasies for pending inputs gives the factorization of the stacked data."""
    from syne_tune.gp.posterior import extend_posterior
    from syne_tune.gp.resource_kernels import matern52_res_warp_model

    rng = np.random.RandomState(4)
    model = matern52_res_warp_model(3)
    params = dict(model.initial_params(), warping_a=np.array([2.0]), noise_variance=np.array([1e-3]))
    X, y = rng.uniform(size=(40, 3)), rng.normal(size=40)
    state = compute_posterior(model, params, X[:10], y[:10])
    for n in range(11, 41):
        state = extend_posterior(state, X[n - 1:n], y[:n])
    full = compute_posterior(model, params, X, y)
    for name in ("L", "L_inv", "alpha"):
        np.testing.assert_allclose(getattr(state, name), getattr(full, name), rtol=1e-6, atol=1e-8, err_msg=name)
    pending = rng.uniform(size=(3, 3))
    fantasized = fantasize(state, pending, 4, np.random.RandomState(0))
    fresh = compute_posterior(model, params, fantasized.X, fantasized.Y)
    np.testing.assert_allclose(fantasized.L, fresh.L, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(fantasized.alpha, fresh.alpha, rtol=1e-5, atol=1e-7)
