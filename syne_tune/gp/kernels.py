"""Covariance functions, written with ``autograd.numpy`` so that the fit can differentiate them.

Notation: ``X1: (n1, d)``, ``X2: (n2, d)``, returned ``K: (n1, n2)``; ``inv_bw: (d,)`` inverse
bandwidths (ARD), ``covariance_scale`` a positive scalar. Few traced operations per call keep
autograd's per-operation overhead small: squared distances are one ``dot`` with the squared
inverse bandwidths, and the Matérn profile is one primitive with an analytic derivative.
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive

_EPS = 1e-9


def squared_distances(X1, X2, inv_bw):
    """r²_ij = Σ_k inv_bw_k² (x1_ik − x2_jk)²: (n1, n2)."""
    n1, n2, d = X1.shape[0], X2.shape[0], X1.shape[1]
    D = anp.reshape((X1[:, None, :] - X2[None, :, :]) ** 2, (n1 * n2, d))   # (n1·n2, d)
    return anp.reshape(anp.dot(D, inv_bw * inv_bw), (n1, n2))


@primitive
def matern52_profile(r2):
    """(1 + B + 5/3·r²)·exp(−B) with B = sqrt(5 r² + 1e-9), elementwise."""
    B = np.sqrt(5.0 * r2 + _EPS)
    return (1.0 + B + (5.0 / 3.0) * r2) * np.exp(-B)


def _matern52_profile_vjp(ans, r2):
    # d/dr² with dB/dr² = 5 / (2B):  exp(−B)·(5/3 − 5/2·(B + 5/3·r²)/B)
    B = np.sqrt(5.0 * r2 + _EPS)
    derivative = np.exp(-B) * (5.0 / 3.0 - 2.5 * (B + (5.0 / 3.0) * r2) / B)
    return lambda g: g * derivative


defvjp(matern52_profile, _matern52_profile_vjp)


def matern52(X1, X2, inv_bw, covariance_scale):
    """Matérn 5/2 with ARD (reference §3.4): c·(1 + B + 5/3·r²)·exp(−B), B = sqrt(5 r² + 1e-9)."""
    return covariance_scale * matern52_profile(squared_distances(X1, X2, inv_bw))


def matern52_diagonal(X, covariance_scale):
    """k(x, x) for each row of X: (n,)."""
    return covariance_scale * float(matern52_profile(np.zeros(1))[0]) * anp.ones(X.shape[0])
