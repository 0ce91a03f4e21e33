from __future__ import annotations

import numpy as np
import pytest

from syne_tune.gp.fit import fit_hyperparameters, pack, theta_bounds, unpack
from syne_tune.gp.likelihood import neg_log_posterior
from syne_tune.gp.linalg import cholesky_with_jitter
from syne_tune.gp.model import matern52_model


def _fit(X, y, seed=0, **kwargs):
    model = matern52_model(X.shape[1])
    return model, fit_hyperparameters(model, X, y, model.initial_params(y), random_state=np.random.RandomState(seed),
                                      **kwargs)


def test_pack_unpack_round_trip_and_bounds():
    model = matern52_model(4)
    params = model.initial_params(np.array([0.3, 0.5]))
    back = unpack(model, pack(model, params))
    for name in params:
        np.testing.assert_allclose(back[name], params[name])
    assert len(theta_bounds(model)) == 1 + 4 + 1 + 1


def test_fit_improves_objective_and_respects_bounds():
    rs = np.random.RandomState(0)
    X = rs.rand(30, 2)
    y = np.sin(6 * X[:, 0]) + 0.05 * rs.randn(30)
    y = (y - y.mean()) / y.std()
    model, result = _fit(X, y)
    start = float(neg_log_posterior(model.initial_params(y), model, X, y))
    assert result.objective < start - 1.0
    # the relevant dimension gets the larger inverse bandwidth
    assert result.params["kernel_inv_bw"][0] > result.params["kernel_inv_bw"][1]
    assert 1e-9 <= result.params["noise_variance"][0] <= 1e6


@pytest.mark.parametrize("y_kind", ["constant", "duplicates", "huge"])
def test_degenerate_data_does_not_crash(y_kind):
    rs = np.random.RandomState(1)
    X = rs.rand(12, 3)
    if y_kind == "constant":
        y = np.zeros(12)
    elif y_kind == "duplicates":
        X[6:] = X[:6]
        y = np.concatenate([np.ones(6), np.ones(6) + 1e-3 * rs.randn(6)])
        y = (y - y.mean()) / y.std()
    else:
        y = rs.randn(12) * 1e30
        y = (y - y.mean()) / y.std()
    model, result = _fit(X, y)
    assert np.isfinite(result.objective)
    assert all(np.all(np.isfinite(v)) for v in result.params.values())


def test_cholesky_jitter_rescues_singular_matrix():
    A = np.ones((5, 5))
    L = cholesky_with_jitter(A)
    np.testing.assert_allclose(L @ L.T, A, atol=1e-6)


def test_cholesky_rejects_nan():
    with pytest.raises(np.linalg.LinAlgError, match="NaN"):
        cholesky_with_jitter(np.full((3, 3), np.nan))


def test_warm_start_restart_is_used_and_never_worse():
    rs = np.random.RandomState(2)
    X = rs.rand(40, 3)
    y = np.sin(5 * X[:, 0]) + np.cos(3 * X[:, 1]) + 0.05 * rs.randn(40)
    y = (y - y.mean()) / y.std()
    model, reference = _fit(X, y, num_restarts=2)
    # warm-started at the previous optimum, restart 1 converges quickly to (at least) that optimum
    init = model.initial_params(y)
    warm = fit_hyperparameters(model, X, y, init, num_restarts=2, random_state=np.random.RandomState(0),
                               warm_start=reference.params)
    assert warm.objective <= reference.objective + 1e-6
    single = fit_hyperparameters(model, X, y, init, num_restarts=1, random_state=np.random.RandomState(0))
    assert warm.num_evaluations - single.num_evaluations < reference.num_evaluations - single.num_evaluations
