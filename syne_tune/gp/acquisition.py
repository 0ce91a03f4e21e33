"""Expected improvement for minimization; sees only the predictive mean and std (Jones et al., 1998).

Notation: ``mean: (q, m)`` over m fantasy columns, ``std: (q,)``, ``best: (m,)`` incumbent per column.
    u = (best − mean − ξ) / std,   EI = std·h(u),  h(u) = u Φ(u) + φ(u),  averaged over the m columns.
log EI (for the local optimization, where EI underflows far from the incumbent) uses, for u < 0,
    log h(u) = log φ(u) + log1p(u·M(u)),  M(u) = Φ(u)/φ(u) = sqrt(π/2)·erfcx(−u/√2)
(Ament et al., "Unexpected Improvements to Expected Improvement", 2023, eq. 9 in spirit).
"""
from __future__ import annotations

import numpy as np
from scipy.special import erfcx, log_ndtr, ndtr

XI = 0.01
MIN_STD = 1e-10


def _normal_pdf(u):
    return np.exp(-0.5 * u * u) / np.sqrt(2.0 * np.pi)


def expected_improvement(mean: np.ndarray, std: np.ndarray, best: np.ndarray, xi: float = XI) -> np.ndarray:
    """EI per query point: (q,)."""
    return expected_improvement_and_gradients(mean, std, best, xi)[0]


def expected_improvement_and_gradients(mean: np.ndarray, std: np.ndarray, best: np.ndarray, xi: float = XI):
    """(EI (q,), ∂EI/∂mean (q, m), ∂EI/∂std (q,)) with ∂EI/∂mean = −Φ(u)/m and ∂EI/∂std = mean over
    the columns of φ(u), 0 where std is floored (Jones et al., 1998)."""
    floored = std <= MIN_STD
    s = np.maximum(std, MIN_STD)[:, None]
    u = (best[None, :] - mean - xi) / s
    cdf, pdf = ndtr(u), _normal_pdf(u)
    m = mean.shape[1]
    ei = np.mean(s * (u * cdf + pdf), axis=1)
    return ei, -cdf / m, np.where(floored, 0.0, np.mean(pdf, axis=1))


def thompson_indep_scores(mean, std, random_state):
    """One N(mean, std) draw per query point and column, averaged over columns: (q,). Lower is better."""
    draws = mean + std[:, None] * random_state.normal(size=mean.shape)
    return draws.mean(axis=1)


def _log_h(u: np.ndarray) -> np.ndarray:
    """log(u Φ(u) + φ(u)) elementwise, finite for every finite u."""
    out = np.empty_like(u)
    positive, far = u >= 0, u < -_FAR
    up = u[positive]
    out[positive] = np.log(up * ndtr(up) + _normal_pdf(up))
    middle = ~positive & ~far
    un = u[middle]
    mills = np.sqrt(np.pi / 2.0) * erfcx(-un / np.sqrt(2.0))
    out[middle] = -0.5 * un * un - 0.5 * np.log(2.0 * np.pi) + np.log(1.0 + un * mills)
    uf = u[far]        # 1 + u·M(u) = 1/u² (1 − 3/u² + ...): rounding would cancel it
    out[far] = -0.5 * uf * uf - 0.5 * np.log(2.0 * np.pi) - 2.0 * np.log(-uf)
    return out


_FAR = 1e3      # beyond −_FAR, log h uses the asymptotic series (relative error < 3e-6)


def log_expected_improvement_and_gradients(mean: np.ndarray, std: np.ndarray, best: np.ndarray, xi: float = XI):
    """(log EI (q,), ∂/∂mean (q, m), ∂/∂std (q,)) of the column-averaged EI, computed in log space:
        log EI = log s + logsumexp_c log h(u_c) − log m,   d log h/du = Φ(u)/h(u),
        ∂/∂mean_c = −w_c (Φ/h)(u_c) / s,   ∂/∂s = Σ_c w_c φ(u_c)/(h(u_c) s),   w = softmax_c log h(u_c)."""
    floored = std <= MIN_STD
    s = np.maximum(std, MIN_STD)[:, None]
    u = (best[None, :] - mean - xi) / s
    log_h = _log_h(u)
    # logsumexp over the columns; log_h is finite (_log_h). scipy.special.logsumexp costs ~9x more here
    top = np.max(log_h, axis=1)
    total = top + np.log(np.sum(np.exp(log_h - top[:, None]), axis=1))
    w = np.exp(log_h - total[:, None])
    # Φ/h ≈ |u| and φ/h ≈ u² far out; the clip only acts where std is floored (|u| ~ 1e10 and
    # beyond), where both logs lose every digit and the gradient is set to 0 below.
    ratio_cdf = np.exp(np.clip(log_ndtr(u) - log_h, -600.0, 600.0))                              # Φ/h
    ratio_pdf = np.exp(np.clip(-0.5 * u * u - 0.5 * np.log(2.0 * np.pi) - log_h, -600.0, 600.0))  # φ/h
    value = np.log(s[:, 0]) + total - np.log(mean.shape[1])
    d_mean = np.divide(-w * ratio_cdf, s, out=np.zeros_like(u), where=~floored[:, None])
    d_std = np.where(floored, 0.0, np.sum(w * ratio_pdf, axis=1) / s[:, 0])
    return value, d_mean, d_std
