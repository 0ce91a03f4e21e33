"""Log densities of hyperparameter priors, up to additive constants, with their derivatives.

Each factory returns a :class:`LogPrior` evaluated on the external (positive) value, as
the original library does (no Jacobian of the log encoding is added): ``prior(v)`` is Σ log p(v_i) and
``prior.derivative(v)`` the elementwise d log p / dv, used by the MAP objective's gradient.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class LogPrior:
    """Σ log_density(v) and its elementwise derivative (both on numpy arrays)."""

    log_density: Callable[[np.ndarray], np.ndarray]
    derivative_of_log_density: Callable[[np.ndarray], np.ndarray]

    def __call__(self, v) -> float:
        return float(np.sum(self.log_density(np.asarray(v, dtype=float))))

    def derivative(self, v) -> np.ndarray:
        return self.derivative_of_log_density(np.asarray(v, dtype=float))


def gamma(mean: float, alpha: float) -> LogPrior:
    """Gamma(alpha, beta = alpha / mean): log p(v) = (alpha − 1) log v − beta v."""
    beta = alpha / mean
    return LogPrior(lambda v: (alpha - 1.0) * np.log(v) - beta * v,
                    lambda v: (alpha - 1.0) / v - beta)


def log_normal(mu: float, sigma: float) -> LogPrior:
    """LogNormal(mu, sigma): log p(v) = −log v − (log v − mu)² / (2 sigma²)."""
    return LogPrior(lambda v: -np.log(v) - (np.log(v) - mu) ** 2 / (2.0 * sigma ** 2),
                    lambda v: -1.0 / v - (np.log(v) - mu) / (sigma ** 2 * v))


def normal(mu: float, sigma: float) -> LogPrior:
    """Normal(mu, sigma): log p(v) = −(v − mu)² / (2 sigma²)."""
    return LogPrior(lambda v: -((v - mu) ** 2) / (2.0 * sigma ** 2),
                    lambda v: -(v - mu) / sigma ** 2)
