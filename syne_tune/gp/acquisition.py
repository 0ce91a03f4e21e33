"""Expected improvement for minimization; sees only the predictive mean and std (reference §3.6).

Notation: ``mean: (q, m)`` over m fantasy columns, ``std: (q,)``, ``best: (m,)`` incumbent per column.
    u = (best − mean − ξ) / std,   EI = std·(u Φ(u) + φ(u)),  averaged over the m columns.
"""
from __future__ import annotations

import autograd.numpy as anp
import autograd.scipy.stats.norm as norm

XI = 0.01
MIN_STD = 1e-10


def expected_improvement(mean, std, best, xi: float = XI):
    """EI per query point: (q,). Differentiable in ``mean`` and ``std``."""
    std = anp.maximum(std, MIN_STD)[:, None]
    u = (best[None, :] - mean - xi) / std
    return anp.mean(std * (u * norm.cdf(u) + norm.pdf(u)), axis=1)


def thompson_indep_scores(mean, std, random_state):
    """One N(mean, std) draw per query point and column, averaged over columns: (q,). Lower is better."""
    draws = mean + std[:, None] * random_state.normal(size=mean.shape)
    return draws.mean(axis=1)
