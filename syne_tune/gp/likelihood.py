"""Negative log marginal likelihood of a GP with Gaussian noise, plus log priors (MAP objective).

Notation: ``X: (n, d)`` inputs, ``Y: (n, m)`` targets (m columns share the kernel, e.g. fantasies),
``K = k(X, X) + σ² I: (n, n)``, ``R = Y − m(X): (n, m)``, ``A = K⁻¹ R``.

    nll = Σ_columns 0.5·(n log 2π + log det K + Rᵀ K⁻¹ R)          (Rasmussen & Williams, eq. 2.30)
    W = ∂nll/∂K = 0.5·(m K⁻¹ − A Aᵀ),   a = ∂nll/∂m = −Σ_columns A      (R&W eq. 5.9)
    ∂nll/∂σ² = tr W,   ∂nll/∂θ = Σ W∘∂K/∂θ + aᵀ ∂m/∂θ = model.parameter_gradients(params, X, W, a)

One Cholesky and one inverse per evaluation (LAPACK potri); the model supplies its own gradients
(``covariance_and_parameter_gradients``, model.py), so the likelihood depends on the model, never
the other way round.
"""
from __future__ import annotations

import numpy as np

from syne_tune.gp.linalg import cho_solve, cholesky_with_jitter, inverse_from_cholesky
from syne_tune.gp.model import GPModel


def _as_columns(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    return np.asarray(Y, dtype=float).reshape(X.shape[0], -1)


def neg_log_marginal_likelihood(params: dict, model: GPModel, X: np.ndarray, Y: np.ndarray) -> float:
    """nll of targets ``Y: (n, m)`` (or ``(n,)``) at inputs ``X: (n, d)``."""
    Y = _as_columns(X, Y)
    n, m = Y.shape
    L = cholesky_with_jitter(model.covariance(params, X, X) + params["noise_variance"][0] * np.eye(n))
    R = Y - model.mean(params, X)[:, None]
    return float(0.5 * (m * (n * np.log(2 * np.pi) + 2.0 * np.sum(np.log(np.diag(L)))) + np.sum(R * cho_solve(L, R))))


def nll_and_gradients(params: dict, model: GPModel, X: np.ndarray, Y: np.ndarray) -> tuple[float, dict]:
    """(nll, {name: ∂nll/∂value}) for every parameter of ``model`` (module docstring)."""
    Y = _as_columns(X, Y)
    n, m = Y.shape
    K, parameter_gradients = model.covariance_and_parameter_gradients(params, X)
    K[np.diag_indices(n)] += params["noise_variance"][0]
    L = cholesky_with_jitter(K)
    R = Y - model.mean(params, X)[:, None]
    A = cho_solve(L, R)                                                  # (n, m)
    value = 0.5 * (m * (n * np.log(2 * np.pi) + 2.0 * np.sum(np.log(np.diag(L)))) + np.sum(R * A))
    W = 0.5 * (m * inverse_from_cholesky(L) - A @ A.T)                  # ∂nll/∂K, R&W eq. 5.9
    grads = parameter_gradients(W, -A.sum(axis=1))
    grads["noise_variance"] = np.array([np.trace(W)])
    return float(value), grads


def neg_log_posterior(params: dict, model: GPModel, X: np.ndarray, Y: np.ndarray) -> float:
    """MAP objective: nll − Σ log priors (type-II maximum a posteriori, Rasmussen & Williams, 2006, §5.4)."""
    return neg_log_marginal_likelihood(params, model, X, Y) - model.log_prior(params)


def neg_log_posterior_and_gradients(params: dict, model: GPModel, X: np.ndarray, Y: np.ndarray
                                    ) -> tuple[float, dict]:
    """MAP objective and its gradient with respect to each parameter's value."""
    value, grads = nll_and_gradients(params, model, X, Y)
    for name, derivative in model.log_prior_gradients(params).items():
        grads[name] = np.asarray(grads[name], dtype=float) - derivative
    return value - model.log_prior(params), grads
