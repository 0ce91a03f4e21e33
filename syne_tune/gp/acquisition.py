"""Expected improvement for minimization; sees only the predictive mean and std (Jones et al., 1998).

Notation: ``mean: (q, m)`` over m fantasy columns, ``std: (q,)``, ``best: (m,)`` incumbent per column.
    u = (best − mean − ξ) / std,   EI = std·(u Φ(u) + φ(u)),  averaged over the m columns.
"""
from __future__ import annotations

import numpy as np
from autograd.extend import defvjp_argnums, primitive
from scipy.special import ndtr

XI = 0.01
MIN_STD = 1e-10


def _normal_pdf(u):
    return np.exp(-0.5 * u * u) / np.sqrt(2.0 * np.pi)


@primitive
def expected_improvement(mean, std, best, xi: float = XI):
    """EI per query point: (q,). One primitive, differentiable in ``mean`` and ``std`` (below)."""
    std = np.maximum(std, MIN_STD)[:, None]
    u = (best[None, :] - mean - xi) / std
    return np.mean(std * (u * ndtr(u) + _normal_pdf(u)), axis=1)


def _expected_improvement_vjp(argnums, ans, args, kwargs):
    # ∂EI/∂mean = −Φ(u) / m, ∂EI/∂std = mean_columns φ(u) (0 where std is floored).
    mean, std, best = args[:3]
    xi = args[3] if len(args) > 3 else kwargs.get("xi", XI)
    floored = std <= MIN_STD
    s = np.maximum(std, MIN_STD)[:, None]
    u = (best[None, :] - mean - xi) / s
    m = mean.shape[1]
    grads = {0: lambda g: -g[:, None] * ndtr(u) / m,
             1: lambda g: np.where(floored, 0.0, g * np.mean(_normal_pdf(u), axis=1))}
    return lambda g: tuple(grads[i](g) for i in argnums)


defvjp_argnums(expected_improvement, _expected_improvement_vjp)


def thompson_indep_scores(mean, std, random_state):
    """One N(mean, std) draw per query point and column, averaged over columns: (q,). Lower is better."""
    draws = mean + std[:, None] * random_state.normal(size=mean.shape)
    return draws.mean(axis=1)
