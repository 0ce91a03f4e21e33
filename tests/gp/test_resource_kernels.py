"""Contract tests shared by every resource kernel (reference §3.8), plus learning-curve extrapolation."""
from __future__ import annotations


import numpy as np
import pytest

from syne_tune.gp.fit import fit_hyperparameters, pack, theta_bounds, unpack
from syne_tune.gp.model import matern52_model
from syne_tune.gp.posterior import compute_posterior, predict_mean_std
from syne_tune.gp.resource_kernels import RESOURCE_KERNELS, kumaraswamy_warp, resource_kernel_model

KERNELS = sorted(RESOURCE_KERNELS)
DIM = 3  # two config dims + the resource


def _inputs(rs, n, max_t=27):
    r = rs.randint(1, max_t + 1, size=n)
    return np.hstack([rs.rand(n, DIM - 1), ((r - 0.5) / max_t)[:, None]])


def _random_theta(model, rs):
    """θ drawn inside the box (infinite bounds: N(0, 1))."""
    theta = []
    for lo, hi in theta_bounds(model):
        lo_, hi_ = (-2.0 if lo is None else lo), (2.0 if hi is None else hi)
        theta.append(rs.uniform(max(lo_, -4.0), min(hi_, 4.0)) if hi_ > lo_ else lo_)
    return np.array(theta)


# Gradients and Gram matrices of every kernel: tests/gp/test_model.py (contract tests).


@pytest.mark.parametrize("name", KERNELS)
def test_parameters_have_reference_names_and_boxes(name):
    model = resource_kernel_model(name, DIM)
    names = set(model.flat_parameters(model.initial_params(np.zeros(3))))
    if name.startswith("exp-decay"):
        expected = {"noise_variance", "kernel_alpha", "kernel_mean_lam", "kernel_gamma", "kernel_kernelx_inv_bw0",
                    "kernel_kernelx_inv_bw1", "kernel_kernelx_covariance_scale", "kernel_meanx_mean_value"}
        assert names == expected | ({"kernel_delta"} if name == "exp-decay-combined" else set())
    else:
        assert {"kernel_inv_bw0", "kernel_inv_bw1", "kernel_inv_bw2", "mean_mean_value"} <= names
        assert ("warping_a" in names) == (name == "matern52-res-warp")


def test_kumaraswamy_warp_is_monotone_in_the_unit_interval():
    u = np.linspace(0.0, 1.0, 101)
    for a, b in [(0.25, 4.0), (1.0, 1.0), (4.0, 0.25)]:
        w = kumaraswamy_warp(u, a, b)
        assert np.all(np.diff(w) >= 0) and w[0] >= 0 and w[-1] <= 1
    np.testing.assert_allclose(kumaraswamy_warp(u, 1.0, 1.0), u, atol=1e-8)


def test_unknown_kernel_is_named():
    with pytest.raises(ValueError, match="gp_resource_kernel.*'exp-decay-sum'.*Got 'exp-decay'"):
        resource_kernel_model("exp-decay", DIM)


# --- learning curves: predicting max_t from low-resource data ----------------------------------

MAX_T = 27


def _curve(x, r):
    """Loss decaying to final(x): the rank at r = 1 differs from the rank at max_t."""
    final = 0.2 + 0.5 * (x[0] - 0.3) ** 2 + 0.3 * (x[1] - 0.6) ** 2
    return final + (0.2 + 0.4 * x[1]) * r ** (-0.8)


def _learning_curve_data(rs):
    full, partial = rs.rand(8, 2), rs.rand(12, 2)
    rows, targets = [], []
    for configs, levels in [(full, [1, 2, 3, 9, 27]), (partial, [1, 2, 3])]:
        for x in configs:
            for r in levels:
                rows.append([*x, (r - 0.5) / MAX_T])
                targets.append(_curve(x, r) + 0.002 * rs.randn())
    return np.array(rows), np.array(targets), partial


@pytest.mark.parametrize("name", KERNELS)
def test_prediction_at_max_t_beats_a_constant_in_r_model(name):
    rs = np.random.RandomState(3)
    X, y, partial = _learning_curve_data(rs)
    shift, scale = y.mean(), y.std()
    z = (y - shift) / scale
    truth = np.array([_curve(x, MAX_T) for x in partial])
    X_test = np.hstack([partial, np.full((len(partial), 1), (MAX_T - 0.5) / MAX_T)])

    model = resource_kernel_model(name, DIM)
    fit = fit_hyperparameters(model, X, z, model.initial_params(z), random_state=np.random.RandomState(0))
    mean, _ = predict_mean_std(compute_posterior(model, fit.params, X, z, shift, scale), X_test)
    error = np.sqrt(np.mean((mean[:, 0] - truth) ** 2))

    # Constant in r: a Matérn GP over the config only, fitted on each config's latest value.
    latest = {}
    for row, target in zip(X, y):
        latest[tuple(row[:2])] = target          # rows of one config come in increasing r
    X_flat, y_flat = np.array(list(latest)), np.array(list(latest.values()))
    z_flat = (y_flat - shift) / scale
    flat = matern52_model(DIM - 1)
    flat_fit = fit_hyperparameters(flat, X_flat, z_flat, flat.initial_params(z_flat),
                                   random_state=np.random.RandomState(0))
    flat_mean, _ = predict_mean_std(compute_posterior(flat, flat_fit.params, X_flat, z_flat, shift, scale), partial)
    flat_error = np.sqrt(np.mean((flat_mean[:, 0] - truth) ** 2))
    assert error < 0.7 * flat_error, f"{name}: RMSE {error:.4f} vs constant-in-r {flat_error:.4f}"


def test_packing_roundtrip_for_every_kernel():
    for name in KERNELS:
        model = resource_kernel_model(name, DIM)
        params = model.initial_params(np.zeros(2))
        back = unpack(model, pack(model, params))
        for key, value in params.items():
            np.testing.assert_allclose(back[key], value)
