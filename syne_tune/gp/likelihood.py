"""Negative log marginal likelihood of a GP with Gaussian noise, plus log priors (MAP objective).

Notation: ``X: (n, d)`` inputs, ``Y: (n, m)`` targets (m columns share the kernel, e.g. fantasies),
``K = k(X, X) + σ² I: (n, n)``, ``R = Y − m(X): (n, m)``, ``A = K⁻¹ R``.

    nll = Σ_columns 0.5·(n log 2π + log det K + Rᵀ K⁻¹ R)          (Rasmussen & Williams, eq. 2.30)

The objective is traced by autograd once per evaluation: the model's values (kernel, mean, priors)
are autograd.numpy, and the O(n³) part is one primitive, :func:`gaussian_nll` (Cholesky with jitter,
solve, log det), whose vector-Jacobian product is R&W eq. 5.9:
    ∂nll/∂K = 0.5·(m K⁻¹ − A Aᵀ),   ∂nll/∂R = A,
from the Cholesky factor of the forward pass (one factorization and one LAPACK potri per evaluation).
"""
from __future__ import annotations

import numpy as np
from autograd.extend import defvjp, primitive

from syne_tune.gp.linalg import cho_solve, cholesky_with_jitter, inverse_from_cholesky
from syne_tune.gp.model import GPModel


@primitive
def gaussian_nll(K, R, workspace: dict | None = None):
    """nll of residuals ``R: (n, m)`` under N(0, K) per column; ``workspace`` (a fresh dict, or None)
    receives the Cholesky factor and K⁻¹R for the vector-Jacobian product."""
    n, m = R.shape
    L = cholesky_with_jitter(K)
    A = cho_solve(L, R)
    if workspace is not None:
        workspace.update(L=L, A=A)
    return 0.5 * (m * (n * np.log(2 * np.pi) + 2.0 * np.sum(np.log(np.diag(L)))) + np.sum(R * A))


def _factorization(K, R, workspace):
    if workspace and "L" in workspace:
        return workspace["L"], workspace["A"]
    L = cholesky_with_jitter(K)
    return L, cho_solve(L, R)


def nll_gradient_in_K(workspace: dict, m: int) -> np.ndarray:
    """∂nll/∂K = 0.5·(m K⁻¹ − A Aᵀ) from the forward pass's ``workspace`` (L, A)."""
    L, A = workspace["L"], workspace["A"]
    W = inverse_from_cholesky(L)
    W *= 0.5 * m
    W -= 0.5 * (A @ A.T)
    return W


def _vjp_K(ans, K, R, workspace=None):
    def vjp(g):
        L, A = _factorization(K, R, workspace)
        return g * nll_gradient_in_K({"L": L, "A": A}, R.shape[1])
    return vjp


def _vjp_R(ans, K, R, workspace=None):
    def vjp(g):
        return g * _factorization(K, R, workspace)[1]
    return vjp


defvjp(gaussian_nll, _vjp_K, _vjp_R)


@primitive
def add_to_diagonal(K, value):
    """K + value·I (one copy; its vector-Jacobian product is the identity and the trace)."""
    K = np.array(K, dtype=float)
    K[np.diag_indices(K.shape[0])] += value
    return K


defvjp(add_to_diagonal, lambda ans, K, value: lambda g: g, lambda ans, K, value: lambda g: np.trace(g))


def _as_columns(X, Y) -> np.ndarray:
    return np.asarray(Y, dtype=float).reshape(X.shape[0], -1)


def neg_log_marginal_likelihood(params: dict, model: GPModel, X: np.ndarray, Y: np.ndarray):
    """nll of targets ``Y: (n, m)`` (or ``(n,)``) at inputs ``X: (n, d)`` (traceable in ``params``)."""
    Y = _as_columns(X, Y)
    K = add_to_diagonal(model.covariance(params, X, X), params["noise_variance"][0])
    R = Y - model.mean(params, X)[:, None]
    return gaussian_nll(K, R, {})


def neg_log_posterior(params: dict, model: GPModel, X: np.ndarray, Y: np.ndarray):
    """MAP objective: nll − Σ log priors (type-II maximum a posteriori, Rasmussen & Williams, 2006, §5.4)."""
    return neg_log_marginal_likelihood(params, model, X, Y) - model.log_prior(params)

