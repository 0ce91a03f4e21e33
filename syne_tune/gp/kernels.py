"""Covariance functions, written with ``autograd.numpy`` so that the fit can differentiate them.

Notation: ``X1: (n1, d)``, ``X2: (n2, d)``, returned ``K: (n1, n2)``; ``inv_bw: (d,)`` inverse
bandwidths (ARD), ``covariance_scale`` a positive scalar. Few traced operations per call keep
autograd's per-operation overhead small: squared distances are one ``dot`` with the squared
inverse bandwidths, and the Matérn profile is one primitive with an analytic derivative.
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, defvjp_argnums, primitive

_EPS = 1e-9


@primitive
def squared_distances(X1, X2, inv_bw):
    """r²_ij = Σ_k inv_bw_k² (x1_ik − x2_jk)²: (n1, n2). One primitive (VJP below)."""
    w = inv_bw * inv_bw
    r2 = (np.dot(X1 * X1, w)[:, None] + np.dot(X2 * X2, w)[None, :] - 2.0 * np.dot(X1 * w, X2.T))
    exact = np.abs(r2) < 1e-8 * max(1.0, float(np.max(np.abs(r2), initial=0.0)))  # cancellation at x1 ≈ x2
    if np.any(exact):
        rows, cols = np.nonzero(exact)
        r2[rows, cols] = np.dot((X1[rows] - X2[cols]) ** 2, w)
    return np.maximum(r2, 0.0)


def _squared_distances_vjp(argnums, ans, args, kwargs):
    # ∂r²_ij/∂x1_ik = 2 w_k (x1_ik − x2_jk), ∂r²_ij/∂x2_jk = −2 w_k (x1_ik − x2_jk),
    # ∂r²_ij/∂inv_bw_k = 2 inv_bw_k (x1_ik − x2_jk)²,  with w = inv_bw².
    X1, X2, inv_bw = args
    w = inv_bw * inv_bw

    def vjp(g):
        rows, cols = g.sum(axis=1), g.sum(axis=0)
        grads = {0: lambda: 2.0 * w * (X1 * rows[:, None] - np.dot(g, X2)),
                 1: lambda: 2.0 * w * (X2 * cols[:, None] - np.dot(g.T, X1)),
                 2: lambda: 2.0 * inv_bw * (np.dot(rows, X1 * X1) + np.dot(cols, X2 * X2)
                                            - 2.0 * np.sum(X1 * np.dot(g, X2), axis=0))}
        return tuple(grads[i]() for i in argnums)

    return vjp


defvjp_argnums(squared_distances, _squared_distances_vjp)


def squared_difference_tensor(X: np.ndarray) -> np.ndarray:
    """D_kij = (x_ik − x_jk)²: (d, n, n), so that r² = Σ_k inv_bw_k² D_k. Independent of the
    hyperparameters, hence computed once per fit (plain numpy, not traced)."""
    return (X.T[:, :, None] - X.T[:, None, :]) ** 2


def matern52_profile_derivative(r2: np.ndarray) -> np.ndarray:
    """d/dr² of the Matérn 5/2 profile, with dB/dr² = 5 / (2B): −(5/6)·(1 + B − 1e-9/B)·exp(−B)."""
    return matern52_profile_and_derivative(r2)[1]


def matern52_profile_and_derivative(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Profile and its derivative in r², sharing B and exp(−B) (plain numpy, for hand-written VJPs)."""
    B = np.sqrt(5.0 * r2 + _EPS)
    E = np.exp(-B)
    return (1.0 + B + (5.0 / 3.0) * r2) * E, -(5.0 / 6.0) * (1.0 + B - _EPS / B) * E


@primitive
def matern52_profile(r2):
    """(1 + B + 5/3·r²)·exp(−B) with B = sqrt(5 r² + 1e-9), elementwise."""
    B = np.sqrt(5.0 * r2 + _EPS)
    return (1.0 + B + (5.0 / 3.0) * r2) * np.exp(-B)


def _matern52_profile_vjp(ans, r2):
    derivative = matern52_profile_derivative(r2)
    return lambda g: g * derivative


defvjp(matern52_profile, _matern52_profile_vjp)


def matern52(X1, X2, inv_bw, covariance_scale):
    """Matérn 5/2 with ARD (R&W eq. 4.17): c·(1 + B + 5/3·r²)·exp(−B), B = sqrt(5 r² + 1e-9)."""
    return covariance_scale * matern52_profile(squared_distances(X1, X2, inv_bw))


def matern52_diagonal(X, covariance_scale):
    """k(x, x) for each row of X: (n,)."""
    return covariance_scale * float(matern52_profile(np.zeros(1))[0]) * anp.ones(X.shape[0])
