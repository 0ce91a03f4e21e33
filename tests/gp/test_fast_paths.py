"""Every fast path (a value defined once more as one primitive with its gradients written out,
syne_tune/gp/autodiff.py) equals autograd on its reference to 1e-8 relative, alone and inside each
built-in model's MAP objective and acquisition, and as the fit and the acquisition optimizer
compute them without a trace (written out around the models' vector-Jacobian products)."""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad, value_and_grad

from syne_tune.gp import acquisition, kernels, posterior, priors, resource_kernels
from syne_tune.gp.fit import map_objective, unpack
from syne_tune.gp.model import GPModel
from syne_tune.gp.likelihood import gaussian_nll, neg_log_posterior
from syne_tune.gp.posterior import Predictor, compute_posterior, predict_mean_std
from model_contract import inputs, random_params  # tests/gp/model_contract.py
from test_model import MODELS, build  # tests/gp/test_model.py

RTOL = 1e-8


def assert_same_gradients(fast, reference, args, argnums):
    for argnum in argnums:
        f = lambda x, fast_=fast: anp.sum(fast_(*args[:argnum], x, *args[argnum + 1:]) * weights)
        g = lambda x: anp.sum(reference(*args[:argnum], x, *args[argnum + 1:]) * weights)
        weights = np.random.RandomState(argnum).randn(*np.shape(fast(*args)))
        assert np.allclose(fast(*args), reference(*args), rtol=1e-12, atol=0)
        np.testing.assert_allclose(grad(f)(args[argnum]), grad(g)(args[argnum]), rtol=RTOL, atol=1e-12,
                                   err_msg=f"argument {argnum}")


def test_matern52():
    rs = np.random.RandomState(0)
    X1, X2 = rs.rand(6, 3), rs.rand(9, 3)
    args = [X1, X2, np.exp(rs.randn(3)), 1.7]
    assert_same_gradients(kernels.matern52, kernels.matern52_value, args, (0, 1, 2, 3))
    same = lambda b, X=X2: kernels.matern52(X, X, b, 1.3)        # K(X, X): the fit's case
    same_reference = lambda b, X=X2: kernels.matern52_value(X, X, b, 1.3)
    assert_same_gradients(same, same_reference, [np.exp(rs.randn(3))], (0,))


@pytest.mark.parametrize("name", ["expected_improvement", "log_expected_improvement"])
def test_acquisition_functions(name):
    rs = np.random.RandomState(1)
    mean, std, best = rs.randn(7, 4), np.exp(rs.randn(7)), rs.randn(4)
    mean[0] += 40.0                             # far from the incumbent: EI underflows, log EI does not
    fast = getattr(acquisition, name)
    assert_same_gradients(lambda m, s: fast(m, s, best, 0.05), lambda m, s: fast.reference(m, s, best, 0.05),
                          [mean, std], (0, 1))


def test_kumaraswamy_warp():
    rs = np.random.RandomState(2)
    args = [rs.rand(8), 1.7, 0.6]
    assert_same_gradients(resource_kernels.kumaraswamy_warp, resource_kernels.kumaraswamy_warp.reference,
                          args, (0, 1, 2))


@pytest.mark.parametrize("prior", [priors.gamma(0.1, 0.1), priors.log_normal(0.0, 1.0), priors.normal(0.5, 2.0)])
def test_priors(prior):
    assert_same_gradients(prior, prior.reference, [np.array([0.3, 1.7, 4.0])], (0,))


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
def test_posterior_mean_and_std():
    rs = np.random.RandomState(3)
    model = resource_kernels.resource_kernel_model("exp-decay-combined", 3)
    X = inputs(rs, 12)
    state = compute_posterior(model, unpack(model, random_params(model, rs)), X, rs.randn(12, 2), 0.5, 2.0)
    Xq = inputs(rs, 4)
    Kq, diagonal, mean_q = (model.covariance(state.params, Xq, X), model.diagonal(state.params, Xq),
                            model.mean(state.params, Xq))
    for which in (0, 1):
        fast = lambda *a: posterior._mean_std(*a, state)[which]
        reference = lambda *a: posterior._mean_std.reference(*a, state)[which]
        assert_same_gradients(fast, reference, [Kq, diagonal, mean_q], (0, 1, 2))


def _reference_nll(K, R):
    L = anp.linalg.cholesky(K)
    n, m = R.shape
    A = anp.linalg.solve(K, R)
    return 0.5 * (m * (n * np.log(2 * np.pi) + 2.0 * anp.sum(anp.log(anp.diag(L)))) + anp.sum(R * A))


def test_gaussian_nll_primitive():
    rs = np.random.RandomState(4)
    B = rs.randn(10, 10)
    K, R = B @ B.T + 0.5 * np.eye(10), rs.randn(10, 3)
    assert gaussian_nll(K, R) == pytest.approx(_reference_nll(K, R), rel=1e-12)
    for argnum in (0, 1):
        fast = grad(lambda *a: gaussian_nll(*a), argnum)(K, R)
        slow = grad(_reference_nll, argnum)(K, R)
        if argnum == 0:                          # only the symmetric part of ∂/∂K matters
            fast, slow = 0.5 * (fast + fast.T), 0.5 * (slow + slow.T)
        np.testing.assert_allclose(fast, slow, rtol=RTOL, atol=1e-12)


@pytest.fixture
def references(monkeypatch):
    """The built-in models with every fast path they use replaced by its autograd reference."""
    monkeypatch.setattr(kernels, "matern52", kernels.matern52_value)
    monkeypatch.setattr(resource_kernels, "kumaraswamy_warp", resource_kernels.kumaraswamy_warp.reference)
    monkeypatch.setattr(posterior, "_mean_std", posterior._mean_std.reference)


def _problem(model):
    rs = np.random.RandomState(7)
    X, Y, theta = inputs(rs, 15), rs.randn(15, 2), random_params(model, rs)
    state = compute_posterior(model, unpack(model, theta), X, Y, 0.3, 1.2)
    return X, Y, theta, state, inputs(rs, 5), np.array([-1.0, 0.0])


def _gradients(model):
    """Autograd's (value, gradient) of the MAP objective in θ and of Σ log EI in the query inputs."""
    X, Y, theta, state, Xq, best = _problem(model)
    ei = acquisition.log_expected_improvement
    return (value_and_grad(lambda t: neg_log_posterior(unpack(model, t), model, X, Y))(theta),
            value_and_grad(lambda Z: anp.sum(ei(*predict_mean_std(state, Z), best, 0.01)))(Xq))


def _written_out(model):
    """The same two, as the fit and the acquisition optimizer compute them: no trace (fast paths)
    for the built-in kernels, one trace of the model's values for the others."""
    X, Y, theta, state, Xq, best = _problem(model)
    mean, std, vjp = Predictor(state).with_vjp(Xq)
    value, ei_vjp = acquisition.log_expected_improvement.value_and_vjp(mean, std, best, 0.01)
    g = ei_vjp(np.ones(len(value)))
    return map_objective(model, X, Y)(theta), (np.sum(value), vjp(g[0], g[1]))


@pytest.mark.parametrize("name", MODELS)
def test_models_with_fast_paths_equal_autograd_on_the_references(name, request):
    model = build(name)
    fast, written_out = _gradients(model), _written_out(model)
    request.getfixturevalue("references")
    slow = _gradients(model)
    for which, a, b, c in zip(("MAP objective", "acquisition"), fast, slow, written_out):
        for part in (0, 1):
            np.testing.assert_allclose(a[part], b[part], rtol=RTOL, atol=1e-10, err_msg=which)
            np.testing.assert_allclose(c[part], b[part], rtol=RTOL, atol=1e-10, err_msg=f"{which}, written out")


@pytest.mark.parametrize("name", ["plain-matern52", "grouped-matern52", "matern52-res-warp", "exp-decay-sum",
                                  "exp-decay-delta1", "exp-decay-combined"])
def test_written_out_vector_jacobian_products_equal_the_autograd_default(name):
    """The models' own values_and_parameter_vjp / query_values_and_vjp equal GPModel's (autograd)."""
    model = build(name)
    rs = np.random.RandomState(8)
    X, Xq, params = inputs(rs, 11), inputs(rs, 4), unpack(model, random_params(model, rs))
    gK, g_mean, gKq, g_diagonal, g_mean_q = rs.randn(11, 11), rs.randn(11), rs.randn(4, 11), rs.randn(4), rs.randn(4)
    gK = gK + gK.T                                      # the likelihood's ∂/∂K is symmetric
    own, default = model.values_and_parameter_vjp(params, X), GPModel.values_and_parameter_vjp(model, params, X)
    np.testing.assert_allclose(own[0], default[0], rtol=1e-12)
    np.testing.assert_allclose(own[1], default[1], rtol=1e-12)
    mine, reference = own[2](gK, g_mean), default[2](gK, g_mean)
    assert set(mine) == set(reference)
    for key in reference:
        np.testing.assert_allclose(mine[key], reference[key], rtol=RTOL, atol=1e-12, err_msg=key)
    own, default = model.query_values_and_vjp(params, Xq, X), GPModel.query_values_and_vjp(model, params, Xq, X)
    for a, b in zip(own[:3], default[:3]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(own[3](gKq, g_diagonal, g_mean_q), default[3](gKq, g_diagonal, g_mean_q),
                               rtol=RTOL, atol=1e-12)
