"""Expected improvement for minimization; sees only the predictive mean and std (Jones et al., 1998).

Notation: ``mean: (q, m)`` over m fantasy columns, ``std: (q,)``, ``best: (m,)`` incumbent per column.
    u = (best − mean − ξ) / std,   EI = std·h(u),  h(u) = u Φ(u) + φ(u),  averaged over the m columns.
log EI (for the local optimization, where EI underflows far from the incumbent) uses, for u < 0,
    log h(u) = log φ(u) + log1p(u·M(u)),  M(u) = Φ(u)/φ(u) = sqrt(π/2)·erfcx(−u/√2)
(Ament et al., "Unexpected Improvements to Expected Improvement", 2023, eq. 9 in spirit).
Both are written with autograd.numpy in (mean, std) (``*_value``); h and log h are primitives with
h' = Φ and (log h)' = Φ/h (computed as exp(log Φ − log h), finite where both underflow).
The default ξ is the search option ``ei_xi`` (0.01, in units of the criterion).
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.tracer import getval
from scipy.special import erfcx, log_ndtr, ndtr

from syne_tune.gp.autodiff import fused

XI = 0.01          # default of the search option ei_xi
MIN_STD = 1e-10
_FAR = 1e3      # beyond −_FAR, log h uses the asymptotic series (relative error < 3e-6)


def _normal_pdf(u):
    return np.exp(-0.5 * u * u) / np.sqrt(2.0 * np.pi)


@primitive
def h(u):
    """u Φ(u) + φ(u) elementwise."""
    return u * ndtr(u) + _normal_pdf(u)


defvjp(h, lambda ans, u: lambda g: g * ndtr(u))


@primitive
def log_h(u):
    """log(u Φ(u) + φ(u)) elementwise, finite for every finite u."""
    u = np.asarray(u, dtype=float)
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


# Φ/h ≈ |u| far out; the clip only acts where std is floored (|u| ~ 1e10 and beyond).
defvjp(log_h, lambda ans, u: lambda g: g * np.exp(np.clip(log_ndtr(u) - ans, -600.0, 600.0)))


def _standardized(mean, std, best, xi):
    s = anp.maximum(std, MIN_STD)[:, None]
    return (best[None, :] - mean - xi) / s, s


def expected_improvement_value(mean, std, best: np.ndarray, xi: float = XI):
    """EI per query point, averaged over the columns: (q,) (autograd.numpy; reference of
    :func:`expected_improvement`)."""
    u, s = _standardized(mean, std, best, xi)
    return anp.mean(s * h(u), axis=1)


def log_expected_improvement_value(mean, std, best: np.ndarray, xi: float = XI):
    """log of the column-averaged EI per query point: (q,), finite where EI underflows:
        log EI = log s + logsumexp_c log h(u_c) − log m
    (autograd.numpy; reference of :func:`log_expected_improvement`)."""
    u, s = _standardized(mean, std, best, xi)
    lh = log_h(u)
    top = np.max(getval(lh), axis=1)             # logsumexp's shift: a constant for the gradient
    total = top + anp.log(anp.sum(anp.exp(lh - top[:, None]), axis=1))
    return anp.log(s[:, 0]) + total - np.log(mean.shape[1])


# Fast paths: the two acquisition functions as single primitives with their vector-Jacobian products
# written out (the acquisition optimizer traces them at every L-BFGS-B step; ~20 ops fewer each),
# equal to autograd on the references above (tests/gp/test_acquisition.py):
#   EI:     ∂/∂mean_c = −Φ(u_c)/m,  ∂/∂s = mean_c φ(u_c)
#   log EI: ∂/∂mean_c = −w_c (Φ/h)(u_c)/s,  ∂/∂s = Σ_c w_c (φ/h)(u_c)/s,  w = softmax_c log h(u_c)
# (∂/∂std is 0 where std is floored at MIN_STD, as for the references).

def _ei_gradients(traced, g, ans, mean, std, best, xi=XI, saved=None):
    u, s = _standardized(mean, std, best, xi)
    return {0: g[:, None] * (-ndtr(u) / mean.shape[1]),
            1: g * np.where(std > MIN_STD, np.mean(_normal_pdf(u), axis=1), 0.0)}


def _log_ei_forward(mean, std, best, xi=XI, saved=None):
    u, s = _standardized(mean, std, best, xi)
    lh = log_h(u)
    top = lh.max(axis=1, keepdims=True)
    w = np.exp(lh - top)
    total = w.sum(axis=1, keepdims=True)
    saved.update(u=u, s=s, lh=lh, w=w / total)
    return np.log(s[:, 0]) + top[:, 0] + np.log(total[:, 0]) - np.log(mean.shape[1])


def _log_ei_gradients(traced, g, ans, mean, std, best, xi=XI, saved=None):
    u, s, lh, w = saved["u"], saved["s"], saved["lh"], saved["w"]       # w = softmax_c log h(u_c)
    # Φ/h ≈ |u| and φ/h ≈ u² far out; the clip only acts where std is floored (|u| ~ 1e10 and beyond)
    ratio_cdf = np.exp(np.clip(log_ndtr(u) - lh, -600.0, 600.0))
    ratio_pdf = np.exp(np.clip(-0.5 * u * u - 0.5 * np.log(2.0 * np.pi) - lh, -600.0, 600.0))
    return {0: g[:, None] * (-w * ratio_cdf / s),
            1: g * np.where(std > MIN_STD, np.sum(w * ratio_pdf, axis=1) / s[:, 0], 0.0)}


expected_improvement = fused(expected_improvement_value, _ei_gradients, argnums=(0, 1))
expected_improvement.__doc__ = "EI per query point, averaged over the columns: (q,) (fast path of the value)."
log_expected_improvement = fused(log_expected_improvement_value, _log_ei_gradients, argnums=(0, 1),
                                 forward=_log_ei_forward)
log_expected_improvement.__doc__ = "log of the column-averaged EI per query point: (q,) (fast path of the value)."


def thompson_indep_scores(mean, std, random_state):
    """One N(mean, std) draw per query point and column, averaged over columns: (q,). Lower is better."""
    draws = mean + std[:, None] * random_state.normal(size=mean.shape)
    return draws.mean(axis=1)
