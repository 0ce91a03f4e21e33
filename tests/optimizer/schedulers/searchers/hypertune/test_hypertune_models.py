"""The independent-levels GP and the level ensemble: the model contract (autograd gradients equal
central differences), independence across levels, and ensemble queries predicting exactly the
posterior of ``Σ θ_l f(x, r_l)`` (for the independent model: mean Σ θ μ_l, variance Σ θ² σ_l²)."""
from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

from syne_tune.gp.posterior import compute_posterior, predict, sample_joint
from syne_tune.gp.resource_kernels import resource_kernel_model
from syne_tune.optimizer.schedulers.searchers.hypertune.models import (
    ENSEMBLE_RESOURCE, IndependentLevelsModel, LevelEnsembleModel, encode_resource,
)
from syne_tune.optimizer.schedulers.searchers.hypertune.options import level_search_options, resolve_model_option

sys.path.insert(0, str(Path(__file__).parents[4] / "gp"))
from model_contract import DIM, ModelContract  # noqa: E402  (tests/gp/model_contract.py)

LEVELS, MAX_T = (1, 3, 9, 27), 27


class TestIndependentLevelsModelContract(ModelContract):
    @pytest.fixture
    def model(self):
        return IndependentLevelsModel(DIM, LEVELS, MAX_T)


class TestEnsembleOfIndependentLevelsContract(ModelContract):
    """On inputs at resource levels the ensemble wrapper is its base model."""

    @pytest.fixture
    def model(self):
        return LevelEnsembleModel(IndependentLevelsModel(DIM, LEVELS, MAX_T), MAX_T, {1: 0.3, 9: 0.7})


def _at(X: np.ndarray, r: int) -> np.ndarray:
    return np.hstack([X, np.full((X.shape[0], 1), encode_resource(r, MAX_T))])


def _data(rs, n_per_level=8):
    X = np.vstack([_at(rs.rand(n_per_level, 2), r) for r in LEVELS])
    return X, rs.randn(X.shape[0])


def _params(model, rs):
    params = model.initial_params()
    for name in params:
        params[name] = np.exp(0.3 * rs.randn(params[name].size)) if name != "mean_value" else rs.randn(4)
    params["noise_variance"] = np.array([0.05])
    return params


def test_levels_are_independent_with_their_own_mean_and_scale():
    model, rs = IndependentLevelsModel(3, LEVELS, MAX_T), np.random.RandomState(0)
    params = _params(model, rs)
    X = np.vstack([_at(rs.rand(3, 2), 1), _at(rs.rand(3, 2), 9), _at(rs.rand(2, 2), 5)])  # 5 belongs to level 9
    K = model.covariance(params, X, X)
    assert np.all(K[:3, 3:] == 0) and np.all(K[3:, 3:] != 0)
    np.testing.assert_allclose(np.diag(K)[:3], params["covariance_scale"][0], rtol=1e-6)
    np.testing.assert_allclose(np.diag(K)[3:], params["covariance_scale"][2], rtol=1e-6)
    np.testing.assert_allclose(model.mean(params, X), np.repeat(params["mean_value"][[0, 2, 2]], [3, 3, 2]))


def test_ensemble_query_of_independent_levels_is_the_weighted_sum_of_level_posteriors():
    rs = np.random.RandomState(1)
    base = IndependentLevelsModel(3, LEVELS, MAX_T)
    weights = {1: 0.2, 3: 0.5, 27: 0.3}
    model = LevelEnsembleModel(base, MAX_T, weights)
    params = _params(base, rs)
    X, y = _data(rs)
    state = compute_posterior(model, params, X, y)
    Q = rs.rand(6, 2)
    mean, var = predict(state, np.hstack([Q, np.full((6, 1), ENSEMBLE_RESOURCE)]))
    level_means, level_vars = zip(*(predict(state, _at(Q, r)) for r in weights))
    expected_mean = sum(w * m[:, 0] for w, m in zip(weights.values(), level_means))
    expected_var = sum(w * w * v for w, v in zip(weights.values(), level_vars))
    np.testing.assert_allclose(mean[:, 0], expected_mean, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(var, expected_var, rtol=1e-7, atol=1e-10)


def test_ensemble_query_of_a_correlated_model_is_the_exact_linear_functional():
    """Multi-task kernel: the ensemble's variance includes the cross-level covariances."""
    rs = np.random.RandomState(2)
    base = resource_kernel_model("matern52-res-warp", 3)
    weights = {1: 0.4, 9: 0.6}
    model = LevelEnsembleModel(base, MAX_T, weights)
    params = base.initial_params(np.zeros(1))
    X, y = _data(rs, 5)
    state = compute_posterior(model, params, X, y)
    Q = rs.rand(4, 2)
    mean, var = predict(state, np.hstack([Q, np.full((4, 1), ENSEMBLE_RESOURCE)]))
    # posterior of (f(Q, 1), f(Q, 9)) jointly, then the variance of 0.4 f1 + 0.6 f9
    Z = np.vstack([_at(Q, 1), _at(Q, 9)])
    K_zz = base.covariance(params, Z, Z)
    K_zx = base.covariance(params, Z, X)
    K_xx = base.covariance(params, X, X) + params["noise_variance"][0] * np.eye(X.shape[0])
    cov = K_zz - K_zx @ np.linalg.solve(K_xx, K_zx.T)
    mu = base.mean(params, Z) + K_zx @ np.linalg.solve(K_xx, y - base.mean(params, X))
    a = np.hstack([np.eye(4) * 0.4, np.eye(4) * 0.6])
    np.testing.assert_allclose(mean[:, 0], a @ mu, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(var, np.diag(a @ cov @ a.T), rtol=1e-5, atol=1e-8)


def test_joint_samples_of_ensemble_queries_have_the_predicted_moments():
    rs = np.random.RandomState(3)
    base = IndependentLevelsModel(3, LEVELS, MAX_T)
    model = LevelEnsembleModel(base, MAX_T, {1: 0.5, 3: 0.5})
    X, y = _data(rs)
    state = compute_posterior(model, _params(base, rs), X, y)
    Q = np.hstack([rs.rand(3, 2), np.full((3, 1), ENSEMBLE_RESOURCE)])
    draws = sample_joint(state, Q, 4000, np.random.RandomState(0), jitter=1e-9)
    mean, var = predict(state, Q)
    np.testing.assert_allclose(draws.mean(axis=1), mean[:, 0], atol=4 * np.sqrt(var.max() / 4000))
    np.testing.assert_allclose(draws.var(axis=1), var, rtol=0.1)


def test_mixed_inputs_are_refused_and_models_pickle():
    base = IndependentLevelsModel(3, LEVELS, MAX_T)
    model = LevelEnsembleModel(base, MAX_T, {1: 1.0})
    params = base.initial_params(np.zeros(1))
    mixed = np.array([[0.1, 0.2, ENSEMBLE_RESOURCE], [0.1, 0.2, encode_resource(3, MAX_T)]])
    with pytest.raises(ValueError, match="mixing ensemble queries"):
        model.covariance(params, mixed, mixed)
    restored = pickle.loads(pickle.dumps(model))
    X = _at(np.random.RandomState(0).rand(4, 2), 9)
    np.testing.assert_allclose(restored.covariance(params, X, X), model.covariance(params, X, X))
    with pytest.raises(ValueError, match="levels"):
        IndependentLevelsModel(3, (3, 1), MAX_T)


def test_model_option_resolution():
    options = resolve_model_option({"model": "gp_independent"}, [1, 3, 9], 9, "gp_multitask")
    assert "model" not in options and options["gp_model"](4).levels == (1, 3, 9)
    assert "gp_model" not in resolve_model_option({}, [1, 3, 9], 9, "gp_multitask")
    with pytest.raises(ValueError, match="'model'"):
        resolve_model_option({"model": "gp_other"}, [1], 1, "gp_independent")
    options = level_search_options("hypertune", None, [1, 3, 9], 9, all_levels=True, default_model="gp_independent")
    assert options == {"rung_levels": [1, 3, 9], "model_levels": list(range(1, 10))}
    assert level_search_options("kde", {"a": 1}, [1], 1, all_levels=False, default_model="gp_independent") == {"a": 1}
