"""Log densities of hyperparameter priors, up to additive constants (autograd-differentiable).

Each factory returns a function ``value -> scalar`` evaluated on the external (positive) value,
as the reference does (no Jacobian of the log encoding is added).
"""
from __future__ import annotations

from typing import Callable

import autograd.numpy as anp

LogPrior = Callable[[object], object]


def gamma(mean: float, alpha: float) -> LogPrior:
    """Gamma(alpha, beta = alpha / mean): log p(v) = (alpha − 1) log v − beta v."""
    beta = alpha / mean
    return lambda v: anp.sum((alpha - 1.0) * anp.log(v) - beta * v)


def log_normal(mu: float, sigma: float) -> LogPrior:
    """LogNormal(mu, sigma): log p(v) = −log v − (log v − mu)² / (2 sigma²)."""
    return lambda v: anp.sum(-anp.log(v) - (anp.log(v) - mu) ** 2 / (2.0 * sigma ** 2))


def normal(mu: float, sigma: float) -> LogPrior:
    """Normal(mu, sigma): log p(v) = −(v − mu)² / (2 sigma²)."""
    return lambda v: anp.sum(-((v - mu) ** 2) / (2.0 * sigma ** 2))
