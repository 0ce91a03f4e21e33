"""Matérn 5/2 ARD covariance as a value, written with autograd.numpy; autograd gives its gradients.

Notation: ``X1: (n1, d)``, ``X2: (n2, d)``, ``K: (n1, n2)``; ``inv_bw: (d,)`` inverse bandwidths,
``c`` the covariance scale, ``w = inv_bw²``, ``r²_ij = Σ_k w_k (x1_ik − x2_jk)²``, and the profile
    P(r²) = (1 + B + 5/3·r²)·exp(−B),  B = sqrt(5 r² + 1e-9),  K = c·P(r²)        (Rasmussen & Williams, 2006, eq. 4.17)
    P'(r²) = −(5/6)·(1 + B − 1e-9/B)·exp(−B) = −(5/6)·(1 + B − 1e-9/B)·P / (1 + B + 5/3·r²).

The profile is one autograd primitive whose vector-Jacobian product reuses P (one exp per entry,
forward and backward together). r² is written as ``Σw x1² + Σw x2² − 2 (x1∘w) x2ᵀ`` (three BLAS
products, O(n²d) forward and backward, no (n1, n2, d) tensor); where that form cancels (x1 ≈ x2)
the value is corrected by a constant, so the gradient is the form's own.

:func:`matern52_value` is the kernel composed of these pieces; :func:`matern52` is the same value as a
single primitive whose vector-Jacobian products are written out (one trace step instead of a dozen:
autograd costs ~20 µs per traced operation, which dominated the acquisition's cost), with
    H = c·G∘P',  ∂/∂c = Σ G∘P,  ∂/∂x1_i = 2w∘(x1_i Σ_j H_ij − (H X2)_i),
    ∂/∂inv_bw_k = 2 inv_bw_k Σ_ij H_ij (x1_ik − x2_jk)².
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.tracer import getval

from syne_tune.gp.autodiff import fused

_EPS = 1e-9


def squared_distances(X1, X2, inv_bw):
    """r²_ij = Σ_k inv_bw_k² (x1_ik − x2_jk)²: (n1, n2), exact also where x1 ≈ x2 (then r² ≥ 0)."""
    w = inv_bw * inv_bw
    r2 = anp.dot(X1 * X1, w)[:, None] + anp.dot(X2 * X2, w)[None, :] - 2.0 * anp.dot(X1 * w, anp.transpose(X2))
    values = getval(r2)
    return r2 + (_exact(values.copy(), getval(X1), getval(X2), getval(w), X1 is X2) - values)


def _exact(r2: np.ndarray, X1: np.ndarray, X2: np.ndarray, w: np.ndarray, same: bool) -> np.ndarray:
    """``r2`` (the expanded form, modified in place) made exact where it cancels (|r²| tiny, x1 ≈ x2),
    0 on the diagonal of r²(X, X), and ≥ 0."""
    magnitude = np.abs(r2)
    exact = magnitude < 1e-8 * max(1.0, float(np.max(magnitude, initial=0.0)))
    if same:                        # r²(x, x) = 0 exactly; only off-diagonal near-duplicates need fixing
        np.fill_diagonal(r2, 0.0)
        np.fill_diagonal(exact, False)
    if np.any(exact):
        rows, cols = np.nonzero(exact)
        r2[rows, cols] = np.dot((X1[rows] - X2[cols]) ** 2, w)
    return np.maximum(r2, 0.0, out=r2)


def squared_distances_values(X1: np.ndarray, X2: np.ndarray, inv_bw: np.ndarray) -> np.ndarray:
    """:func:`squared_distances` on plain arrays, without tracing (for the fast path)."""
    w = inv_bw * inv_bw
    r2 = np.dot(X1 * w, X2.T)
    r2 *= -2.0
    r2 += np.dot(X1 * X1, w)[:, None]
    r2 += np.dot(X2 * X2, w)[None, :]
    return _exact(r2, X1, X2, w, X1 is X2)


@primitive
def matern52_profile(r2):
    """P(r²) elementwise."""
    B = np.sqrt(5.0 * r2 + _EPS)
    return (1.0 + B + (5.0 / 3.0) * r2) * np.exp(-B)


def _matern52_profile_vjp(P, r2):
    def vjp(g):
        B = np.sqrt(5.0 * r2 + _EPS)
        return g * (-(5.0 / 6.0) * (1.0 + B - _EPS / B) / (1.0 + B + (5.0 / 3.0) * r2)) * P
    return vjp


defvjp(matern52_profile, _matern52_profile_vjp)


def matern52_value(X1, X2, inv_bw, covariance_scale):
    """K = c·P(r²): (n1, n2), composed of the autograd pieces above (the reference of :func:`matern52`)."""
    return covariance_scale * matern52_profile(squared_distances(X1, X2, inv_bw))


def _matern52_forward(X1, X2, inv_bw, c, saved):
    r2 = squared_distances_values(X1, X2, inv_bw)
    B = np.sqrt(5.0 * r2 + _EPS)
    E = np.exp(-B)
    P = (1.0 + B + (5.0 / 3.0) * r2) * E
    D = _EPS / B                                          # P'(r²) = −(5/6)·D, D = (1 + B − ε/B)·E
    np.subtract(B, D, out=D)
    D += 1.0
    D *= E
    saved.update(P=P, D=D)
    return c * P


def _matern52_gradients(traced, g, K, X1, X2, inv_bw, c, saved):
    """{argnum: Σ g∘∂K/∂argument} for K = matern52(X1, X2, inv_bw, c), with H = c·g∘P'(r²)."""
    P = saved["P"]
    grads = {3: np.sum(g * P)}
    if traced <= {3}:
        return grads
    H = (c * (-5.0 / 6.0)) * g
    H *= saved["D"]
    if X1 is X2:            # the pairs (x_i, x_i) contribute exactly 0; their rounding noise would not
        np.fill_diagonal(H, 0.0)
    h1, h2, HX2 = H.sum(axis=1), H.sum(axis=0), np.dot(H, X2)
    w = inv_bw * inv_bw
    if 0 in traced:
        grads[0] = 2.0 * w * (X1 * h1[:, None] - HX2)
    if 1 in traced:
        grads[1] = 2.0 * w * (X2 * h2[:, None] - np.dot(H.T, X1))
    if 2 in traced:
        grads[2] = 2.0 * inv_bw * (np.dot(h1, X1 * X1) + np.dot(h2, X2 * X2) - 2.0 * np.sum(X1 * HX2, axis=0))
    return grads


matern52 = fused(matern52_value, _matern52_gradients, argnums=(0, 1, 2, 3), forward=_matern52_forward)
matern52.__doc__ = """K = c·P(r²): (n1, n2), :func:`matern52_value` as one primitive (fast path, module docstring)."""


def matern52_diagonal(X, covariance_scale):
    """k(x, x) for each row of X: (n,) (P(0) = 1 up to the 1e-9 regularizer)."""
    return covariance_scale * float(matern52_profile(np.zeros(1))[0]) * anp.ones(X.shape[0])
