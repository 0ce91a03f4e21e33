"""Expected improvement for minimization; sees only the predictive mean and std (reference §3.6).

Notation: ``mean: (q, m)`` over m fantasy columns, ``std: (q,)``, ``best: (m,)`` incumbent per column.
    u = (best − mean − ξ) / std,   EI = std·(u Φ(u) + φ(u)),  averaged over the m columns.
"""
from __future__ import annotations

import numpy as np
from scipy.special import ndtr

XI = 0.01
MIN_STD = 1e-10


def _normal_pdf(u):
    return np.exp(-0.5 * u * u) / np.sqrt(2.0 * np.pi)


def expected_improvement(mean: np.ndarray, std: np.ndarray, best: np.ndarray, xi: float = XI) -> np.ndarray:
    """EI per query point: (q,)."""
    return expected_improvement_and_gradients(mean, std, best, xi)[0]


def expected_improvement_and_gradients(mean: np.ndarray, std: np.ndarray, best: np.ndarray, xi: float = XI):
    """(EI (q,), ∂EI/∂mean (q, m), ∂EI/∂std (q,)) with ∂EI/∂mean = −Φ(u)/m and ∂EI/∂std = mean over
    the columns of φ(u), 0 where std is floored (reference §3.6)."""
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
