"""Frozen GP posterior state; predictive mean/variance and joint sampling.

Notation (R&W §2.2): ``X: (n, d)`` training inputs, ``Y: (n, m)`` normalized targets
(m > 1 for fantasy columns), ``L Lᵀ = K + σ²I``, ``alpha = (K + σ²I)⁻¹ (Y − m(X)): (n, m)``,
query ``Xq: (q, d)``, ``Kq = k(Xq, X): (q, n)``.
    mean = Kq alpha + m(Xq)                 (R&W eq. 2.25)
    var  = diag k(Xq, Xq) − ‖L⁻¹ Kqᵀ‖²      (R&W eq. 2.26), floored at 1e-12
Predictions are de-normalized with ``y_shift`` and ``y_scale``: criterion = y_shift + y_scale·y.

Appending ``p`` rows ``X2`` to a state (new data or fantasies, same hyperparameters) reuses ``L``
(block Cholesky, Golub & Van Loan §4.2), O(n²p) instead of O(n³):
    V = L⁻¹ k(X, X2): (n, p),  L22 L22ᵀ = k(X2, X2) + σ²I − VᵀV,
    L' = [[L, 0], [Vᵀ, L22]],   L'⁻¹ = [[L⁻¹, 0], [−L22⁻¹ Vᵀ L⁻¹, L22⁻¹]].
"""
from __future__ import annotations

from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np

from syne_tune.gp.autodiff import fused
from syne_tune.gp.linalg import cho_solve, cholesky_with_jitter, inverse_lower
from syne_tune.gp.model import GPModel

MIN_VARIANCE = 1e-12


@dataclass(frozen=True)
class PosteriorState:
    """Everything needed to predict; computed once per (parameters, data)."""

    model: GPModel
    params: dict
    X: np.ndarray          # (n, d)
    Y: np.ndarray          # (n, m) normalized
    L: np.ndarray          # (n, n)
    L_inv: np.ndarray      # (n, n)
    alpha: np.ndarray      # (n, m)
    y_shift: float = 0.0
    y_scale: float = 1.0

    @property
    def num_columns(self) -> int:
        return self.Y.shape[1]


def compute_posterior(model: GPModel, params: dict, X: np.ndarray, Y: np.ndarray,
                      y_shift: float = 0.0, y_scale: float = 1.0) -> PosteriorState:
    """Posterior state for targets ``Y: (n,)`` or ``(n, m)`` (normalized) at ``X: (n, d)``."""
    Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
    K = model.covariance(params, X, X) + params["noise_variance"][0] * np.eye(X.shape[0])
    L = cholesky_with_jitter(K)
    alpha = cho_solve(L, Y - model.mean(params, X)[:, None])
    return PosteriorState(model, params, X, Y, L, inverse_lower(L), alpha, y_shift, y_scale)


def extend_posterior(state: PosteriorState, X_new: np.ndarray, Y: np.ndarray,
                     y_shift: float | None = None, y_scale: float | None = None) -> PosteriorState:
    """Posterior on ``[state.X; X_new]`` with targets ``Y: (n + p,)`` or ``(n + p, m)`` (normalized), same
    hyperparameters, updating ``state.L`` by blocks (module docstring) instead of factorizing anew.

    Equals :func:`compute_posterior` on the stacked inputs up to rounding (and up to where jitter
    goes if the new block is ill-conditioned: only ``L22`` gets it). Shift/scale default to the state's.
    """
    model, params = state.model, state.params
    n, p = state.X.shape[0], X_new.shape[0]
    X = np.vstack([state.X, X_new])
    Y = np.asarray(Y, dtype=float).reshape(n + p, -1)
    y_shift = state.y_shift if y_shift is None else y_shift
    y_scale = state.y_scale if y_scale is None else y_scale
    if p == 0:
        return PosteriorState(model, params, X, Y, state.L, state.L_inv,
                              cho_solve(state.L, Y - model.mean(params, X)[:, None]), y_shift, y_scale)
    V = state.L_inv @ model.covariance(params, state.X, X_new)                     # (n, p)
    S = model.covariance(params, X_new, X_new) + params["noise_variance"][0] * np.eye(p) - V.T @ V
    L22 = cholesky_with_jitter(0.5 * (S + S.T))
    L22_inv = inverse_lower(L22)
    L = np.zeros((n + p, n + p))
    L[:n, :n], L[n:, :n], L[n:, n:] = state.L, V.T, L22
    L_inv = np.zeros((n + p, n + p))
    L_inv[:n, :n], L_inv[n:, n:] = state.L_inv, L22_inv
    L_inv[n:, :n] = -L22_inv @ (V.T @ state.L_inv)
    alpha = cho_solve(L, Y - model.mean(params, X)[:, None])
    return PosteriorState(model, params, X, Y, L, L_inv, alpha, y_shift, y_scale)


def predict(state: PosteriorState, Xq) -> tuple:
    """Normalized predictive mean (q, m) and variance (q,) (R&W eq. 2.25, 2.26); traceable in ``Xq``
    (autograd), the variance floored at ``MIN_VARIANCE`` (no gradient where floored)."""
    model, params = state.model, state.params
    Kq = model.covariance(params, Xq, state.X)                                  # (q, n)
    V = anp.dot(Kq, state.L_inv.T)                                               # L⁻¹ kq per row
    mean = anp.dot(Kq, state.alpha) + model.mean(params, Xq)[:, None]
    var = model.diagonal(params, Xq) - anp.sum(V * V, axis=1)
    return mean, anp.maximum(var, MIN_VARIANCE)


def predict_mean_std(state: PosteriorState, Xq) -> tuple:
    """De-normalized mean (q, m) and std (q,), in criterion units; traceable in ``Xq``: autograd gives
    the acquisition its gradient in the query inputs. The model's values at ``Xq`` are traced; the
    rest is one primitive, :func:`_mean_std` (equal to :func:`predict` by tests/gp/test_posterior.py)."""
    model, params = state.model, state.params
    Kq = model.covariance(params, Xq, state.X)
    return _mean_std(Kq, model.diagonal(params, Xq), model.mean(params, Xq), state)


def _mean_std_value(Kq, diagonal, mean_q, state: PosteriorState):
    """(y_shift + y_scale·mean (q, m), y_scale·std (q,)) from k(Xq, X), k(xq, xq) and m(Xq) (R&W eq. 2.25-2.26)."""
    V = anp.dot(Kq, state.L_inv.T)
    mean = anp.dot(Kq, state.alpha) + mean_q[:, None]
    var = anp.maximum(diagonal - anp.sum(V * V, axis=1), MIN_VARIANCE)
    return state.y_shift + state.y_scale * mean, state.y_scale * anp.sqrt(var)


def _mean_std_forward(Kq, diagonal, mean_q, state, saved):
    V = Kq @ state.L_inv.T
    raw = diagonal - np.sum(V * V, axis=1)
    saved.update(V=V, raw=raw)
    std = np.sqrt(np.maximum(raw, MIN_VARIANCE))
    return state.y_shift + state.y_scale * (Kq @ state.alpha + mean_q[:, None]), state.y_scale * std


def _mean_std_gradients(traced, g, ans, Kq, diagonal, mean_q, state, saved):
    """∂/∂Kq (q, n), ∂/∂diagonal (q,), ∂/∂mean_q (q,) of Σ g_mean∘mean + Σ g_std∘std:
        ∂mean/∂Kq = α,  ∂var/∂Kq = −2 L⁻ᵀ L⁻¹ kq,  ∂var/∂diagonal = 1,
        std' = var'/(2 std), 0 where floored."""
    g_mean, g_std = g
    V, raw = saved["V"], saved["raw"]
    g_mean = state.y_scale * g_mean
    g_var = np.where(raw > MIN_VARIANCE, 0.5 * g_std * state.y_scale ** 2 / ans[1], 0.0)
    return {0: g_mean @ state.alpha.T - 2.0 * g_var[:, None] * (V @ state.L_inv), 1: g_var, 2: g_mean.sum(axis=1)}


_mean_std = fused(_mean_std_value, _mean_std_gradients, argnums=(0, 1, 2), forward=_mean_std_forward)


def mean_std_and_vjp(state: PosteriorState, Xq: np.ndarray):
    """:func:`predict_mean_std` without a trace: ``(mean (q, m), std (q,), vjp)``, ``vjp(g_mean, g_std) -> (q, d)``
    the gradient in ``Xq`` (the model's ``query_values_and_vjp``: autograd by default, or its fast path)."""
    Kq, diagonal, mean_q, values_vjp = state.model.query_values_and_vjp(state.params, Xq, state.X)
    (mean, std), vjp = _mean_std.value_and_vjp(Kq, diagonal, mean_q, state)

    def input_vjp(g_mean, g_std):
        g = vjp((g_mean, g_std))
        return values_vjp(g[0], g[1], g[2])
    return mean, std, input_vjp


class Predictor:
    """``predict_mean_std`` of one state as a function of ``Xq`` (traceable), whose ``with_vjp(Xq)`` is
    :func:`mean_std_and_vjp` (what the acquisition optimizer uses, without tracing)."""

    def __init__(self, state: PosteriorState):
        self.state = state

    def __call__(self, Xq):
        return predict_mean_std(self.state, Xq)

    def with_vjp(self, Xq: np.ndarray):
        return mean_std_and_vjp(self.state, Xq)


def sample_joint(state: PosteriorState, Xq: np.ndarray, num_samples: int, random_state: np.random.RandomState,
                 jitter: float = 1e-5) -> np.ndarray:
    """Joint samples of the normalized latent f at ``Xq: (q, d)``, from column 0: (q, num_samples).

    One point uses the marginal; several use the Cholesky of the posterior covariance
    (``jitter`` added, as the original library).
    """
    mean, var = predict(state, Xq)
    mean = mean[:, :1]
    if Xq.shape[0] == 1:
        return mean + np.sqrt(var)[:, None] * random_state.normal(size=(1, num_samples))
    V = state.L_inv @ state.model.covariance(state.params, state.X, Xq)
    cov = state.model.covariance(state.params, Xq, Xq) - V.T @ V
    L = cholesky_with_jitter(cov + jitter * np.eye(Xq.shape[0]))
    return mean + L @ random_state.normal(size=(Xq.shape[0], num_samples))
