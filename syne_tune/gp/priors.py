"""Log densities of hyperparameter priors, up to additive constants, written with autograd.numpy.

Each factory returns a function of the external (positive) value ``v`` giving Σ log p(v_i), as the
original library does (no Jacobian of the log encoding is added), written with autograd.numpy; each
is also one primitive with its derivative written out (a fast path, :mod:`syne_tune.gp.autodiff`).
"""
from __future__ import annotations

from typing import Callable

import autograd.numpy as anp
import numpy as np

from syne_tune.gp.autodiff import fused

LogPrior = Callable[[anp.ndarray], float]


def _log_prior(log_density: Callable, derivative: Callable) -> LogPrior:
    """v -> Σ log_density(v), one primitive with gradient ``derivative(v)`` (fast path: the MAP objective
    sums every prior at every evaluation; tests/gp/test_fast_paths.py checks it against autograd)."""
    return fused(lambda v: anp.sum(log_density(v)), lambda traced, g, ans, v, saved: {0: g * derivative(v)}, argnums=(0,))


def gamma(mean: float, alpha: float) -> LogPrior:
    """Gamma(alpha, beta = alpha / mean): log p(v) = (alpha − 1) log v − beta v."""
    beta = alpha / mean
    return _log_prior(lambda v: (alpha - 1.0) * anp.log(v) - beta * v, lambda v: (alpha - 1.0) / v - beta)


def log_normal(mu: float, sigma: float) -> LogPrior:
    """LogNormal(mu, sigma): log p(v) = −log v − (log v − mu)² / (2 sigma²)."""
    return _log_prior(lambda v: -anp.log(v) - (anp.log(v) - mu) ** 2 / (2.0 * sigma ** 2),
                      lambda v: -1.0 / v - (np.log(v) - mu) / (sigma ** 2 * v))


def normal(mu: float, sigma: float) -> LogPrior:
    """Normal(mu, sigma): log p(v) = −(v − mu)² / (2 sigma²)."""
    return _log_prior(lambda v: -((v - mu) ** 2) / (2.0 * sigma ** 2), lambda v: -(v - mu) / sigma ** 2)
