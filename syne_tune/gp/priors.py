"""Log densities of hyperparameter priors, up to additive constants (autograd-differentiable).

Each factory returns a function ``value -> scalar`` evaluated on the external (positive) value,
as the reference does (no Jacobian of the log encoding is added). Each is one autograd primitive
with its analytic derivative, so a prior costs one traced operation per objective evaluation.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from autograd.extend import defvjp, primitive

LogPrior = Callable[[object], object]


def _log_prior(log_density: Callable, derivative: Callable) -> LogPrior:
    """Σ log_density(v) as a primitive whose VJP is g·derivative(v) (both elementwise, numpy)."""
    @primitive
    def log_prior(v):
        return np.sum(log_density(np.asarray(v, dtype=float)))

    defvjp(log_prior, lambda ans, v: lambda g: g * derivative(np.asarray(v, dtype=float)))
    log_prior.derivative = derivative       # elementwise d log p / dv, for fit.py's fused objective
    return log_prior


def gamma(mean: float, alpha: float) -> LogPrior:
    """Gamma(alpha, beta = alpha / mean): log p(v) = (alpha − 1) log v − beta v."""
    beta = alpha / mean
    return _log_prior(lambda v: (alpha - 1.0) * np.log(v) - beta * v,
                      lambda v: (alpha - 1.0) / v - beta)


def log_normal(mu: float, sigma: float) -> LogPrior:
    """LogNormal(mu, sigma): log p(v) = −log v − (log v − mu)² / (2 sigma²)."""
    return _log_prior(lambda v: -np.log(v) - (np.log(v) - mu) ** 2 / (2.0 * sigma ** 2),
                      lambda v: -1.0 / v - (np.log(v) - mu) / (sigma ** 2 * v))


def normal(mu: float, sigma: float) -> LogPrior:
    """Normal(mu, sigma): log p(v) = −(v − mu)² / (2 sigma²)."""
    return _log_prior(lambda v: -((v - mu) ** 2) / (2.0 * sigma ** 2),
                      lambda v: -(v - mu) / sigma ** 2)
