"""Cholesky with adaptive jitter (as the original library's Cholesky operator).

Notation: ``A: (n, n)`` symmetric positive semi-definite, ``L: (n, n)`` lower triangular.
"""
from __future__ import annotations

import numpy as np
import scipy.linalg


def cholesky_with_jitter(A: np.ndarray, initial_jitter: float = 1e-9, max_jitter: float = 1e3) -> np.ndarray:
    """L with L Lᵀ = A + jitter·I; jitter is 0 first, then 1e-9·max(1, mean diag A), ×10 per failure.

    Raises numpy.linalg.LinAlgError once the jitter would exceed ``max_jitter``·max(1, mean diag A).
    """
    if not np.all(np.isfinite(A)):
        raise np.linalg.LinAlgError("The GP covariance matrix has NaN or infinite entries; "
                                    "check the targets and hyperparameters for overflow.")
    try:
        return scipy.linalg.cholesky(A, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        pass
    scale = max(1.0, float(np.mean(np.diag(A))))
    jitter, eye = initial_jitter * scale, np.eye(A.shape[0])
    while jitter <= max_jitter * scale:
        try:
            return scipy.linalg.cholesky(A + jitter * eye, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            jitter *= 10.0
    raise np.linalg.LinAlgError(
        f"Cholesky failed even with jitter {jitter / 10:.1e}. The covariance is badly conditioned; "
        "try a larger noise_variance lower bound or fewer duplicate inputs.")


def cho_solve(L: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A⁻¹ B given L L^T = A. B: (n,) or (n, m)."""
    return scipy.linalg.cho_solve((L, True), B, check_finite=False)


def inverse_lower(L: np.ndarray) -> np.ndarray:
    """L⁻¹: (n, n) (LAPACK trtri, about 2x faster than solving against the identity at n = 500)."""
    inverse, info = scipy.linalg.lapack.dtrtri(L, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"trtri failed with info={info}; the Cholesky factor is singular.")
    return inverse


def inverse_from_cholesky(L: np.ndarray) -> np.ndarray:
    """A⁻¹ given L Lᵀ = A (LAPACK potri, about 20% faster than solving against the identity)."""
    inverse, info = scipy.linalg.lapack.dpotri(L, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"potri failed with info={info}; the Cholesky factor is singular.")
    return inverse + np.tril(inverse, -1).T
