"""Matérn 5/2 ARD covariance: value, gradients in its parameters and in its first input, on arrays.

Notation: ``X1: (n1, d)``, ``X2: (n2, d)``, ``K: (n1, n2)``; ``inv_bw: (d,)`` inverse bandwidths,
``c`` the covariance scale, ``w = inv_bw²``, ``r²_ij = Σ_k w_k (x1_ik − x2_jk)²``, and the profile
    P(r²) = (1 + B + 5/3·r²)·exp(−B),  B = sqrt(5 r² + 1e-9),  K = c·P(r²)        (Rasmussen & Williams, 2006, eq. 4.17)
    P'(r²) = −(5/6)·(1 + B − 1e-9/B)·exp(−B)                                     (dB/dr² = 5 / (2B)).

Gradients are contracted with a weight matrix, which is all the likelihood and the acquisition need:
    parameters:  Σ_ij W_ij ∂K(X, X)_ij/∂θ for a symmetric ``W: (n, n)``,
        ∂/∂c = Σ W∘P,   ∂/∂inv_bw_k = 2 inv_bw_k Σ_ij G_ij (x_ik − x_jk)²,  G = c·W∘P'
                                    = 4 inv_bw_k (Σ_i g_i x_ik² − Σ_i x_ik (G X)_ik),  g = G 1;
    inputs:      Σ_j G_ij ∂K(x1_i, x2_j)/∂x1_i for ``G: (n1, n2)``,
        = 2 w ∘ (x1_i Σ_j H_ij − (H X2)_i),  H = c·G∘P'.
Both are O(n²d), with no (d, n, n) tensor. ``tests/gp/test_kernels.py`` checks them against finite
differences.
"""
from __future__ import annotations

import numpy as np

_EPS = 1e-9


def squared_distances(X1: np.ndarray, X2: np.ndarray, inv_bw: np.ndarray) -> np.ndarray:
    """r²_ij = Σ_k inv_bw_k² (x1_ik − x2_jk)²: (n1, n2), exact also where x1 ≈ x2."""
    w = inv_bw * inv_bw
    r2 = (np.dot(X1 * X1, w)[:, None] + np.dot(X2 * X2, w)[None, :] - 2.0 * np.dot(X1 * w, X2.T))
    magnitude = np.abs(r2)
    exact = magnitude < 1e-8 * max(1.0, float(np.max(magnitude, initial=0.0)))  # cancellation at x1 ≈ x2
    if X1 is X2:                    # r²(x, x) = 0 exactly; only off-diagonal near-duplicates need fixing
        np.fill_diagonal(r2, 0.0)
        np.fill_diagonal(exact, False)
    if np.any(exact):
        rows, cols = np.nonzero(exact)
        r2[rows, cols] = np.dot((X1[rows] - X2[cols]) ** 2, w)
    return np.maximum(r2, 0.0)


def matern52_profile_and_derivative(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(r²) and P'(r²) elementwise, sharing B and exp(−B)."""
    B = np.sqrt(5.0 * r2 + _EPS)
    E = np.exp(-B)
    return (1.0 + B + (5.0 / 3.0) * r2) * E, -(5.0 / 6.0) * (1.0 + B - _EPS / B) * E


def matern52_profile(r2: np.ndarray) -> np.ndarray:
    """P(r²) elementwise."""
    B = np.sqrt(5.0 * r2 + _EPS)
    return (1.0 + B + (5.0 / 3.0) * r2) * np.exp(-B)


def matern52(X1: np.ndarray, X2: np.ndarray, inv_bw: np.ndarray, covariance_scale: float) -> np.ndarray:
    """K = c·P(r²): (n1, n2)."""
    return covariance_scale * matern52_profile(squared_distances(X1, X2, inv_bw))


def matern52_diagonal(X: np.ndarray, covariance_scale: float) -> np.ndarray:
    """k(x, x) for each row of X: (n,)."""
    return np.full(X.shape[0], covariance_scale * float(matern52_profile(np.zeros(1))[0]))


def matern52_parameter_gradients(X: np.ndarray, inv_bw: np.ndarray, covariance_scale: float,
                                 W: np.ndarray, profile: tuple[np.ndarray, np.ndarray] | None = None
                                 ) -> tuple[np.ndarray, float]:
    """(Σ W∘∂K/∂inv_bw: (d,), Σ W∘∂K/∂c) for K = matern52(X, X, ...) and symmetric ``W: (n, n)``;
    ``profile``: (P, P') at r²(X, X) if the caller has them already."""
    P, dP = matern52_profile_and_derivative(squared_distances(X, X, inv_bw)) if profile is None else profile
    G = covariance_scale * W * dP
    g = G.sum(axis=1)
    d_inv_bw = 4.0 * inv_bw * (np.dot(g, X * X) - np.sum(X * np.dot(G, X), axis=0))
    return d_inv_bw, float(np.sum(W * P))


def matern52_input_gradient(X1: np.ndarray, X2: np.ndarray, inv_bw: np.ndarray, covariance_scale: float,
                            G: np.ndarray, dP: np.ndarray | None = None) -> np.ndarray:
    """Σ_j G_ij ∂K(x1_i, x2_j)/∂x1_i: (n1, d) for ``G: (n1, n2)``; ``dP``: P' at r²(X1, X2) if the
    caller has it already."""
    if dP is None:
        _, dP = matern52_profile_and_derivative(squared_distances(X1, X2, inv_bw))
    H = covariance_scale * G * dP
    return 2.0 * (inv_bw * inv_bw) * (X1 * H.sum(axis=1)[:, None] - np.dot(H, X2))


def matern52_input_and_parameter_gradients(X: np.ndarray, inv_bw: np.ndarray, covariance_scale: float,
                                           W: np.ndarray, profile: tuple[np.ndarray, np.ndarray] | None = None
                                           ) -> tuple[np.ndarray, np.ndarray, float]:
    """(Σ_ij W_ij ∂K(X, X)_ij/∂X: (n, d), then as :func:`matern52_parameter_gradients`), symmetric W.
    Both arguments of K move with X, so the input part is twice :func:`matern52_input_gradient`."""
    P, dP = matern52_profile_and_derivative(squared_distances(X, X, inv_bw)) if profile is None else profile
    G = covariance_scale * W * dP
    g = G.sum(axis=1)
    GX = np.dot(G, X)
    d_inv_bw = 4.0 * inv_bw * (np.dot(g, X * X) - np.sum(X * GX, axis=0))
    d_X = 4.0 * (inv_bw * inv_bw) * (X * g[:, None] - GX)
    return d_X, d_inv_bw, float(np.sum(W * P))
