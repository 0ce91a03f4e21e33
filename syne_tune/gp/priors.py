"""Log densities of hyperparameter priors, up to additive constants, written with autograd.numpy.

Each factory returns a :class:`LogPrior`: called on the external (positive) value ``v`` it gives
Σ log p(v_i), as the original library does (no Jacobian of the log encoding is added). Each density
is written with autograd.numpy (``*_log_density``) and is also one primitive with its derivative
written out (a fast path, :mod:`syne_tune.gp.autodiff`). A LogPrior holds only its name and
constants, so a pickled searcher finds the registered primitives again when it is loaded.
"""
from __future__ import annotations

from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np

from syne_tune.gp.autodiff import fused


def gamma_log_density(v, alpha, beta):
    """Gamma(alpha, beta): Σ (alpha − 1) log v − beta v."""
    return anp.sum((alpha - 1.0) * anp.log(v) - beta * v)


def log_normal_log_density(v, mu, sigma):
    """LogNormal(mu, sigma): Σ −log v − (log v − mu)² / (2 sigma²)."""
    return anp.sum(-anp.log(v) - (anp.log(v) - mu) ** 2 / (2.0 * sigma ** 2))


def normal_log_density(v, mu, sigma):
    """Normal(mu, sigma): Σ −(v − mu)² / (2 sigma²)."""
    return anp.sum(-((v - mu) ** 2) / (2.0 * sigma ** 2))


_FUSED = {
    "gamma": fused(gamma_log_density,
                   lambda traced, g, ans, v, alpha, beta, saved: {0: g * ((alpha - 1.0) / v - beta)}, argnums=(0,)),
    "log_normal": fused(log_normal_log_density,
                        lambda traced, g, ans, v, mu, sigma, saved: {0: g * (-1.0 / v - (np.log(v) - mu)
                                                                                 / (sigma ** 2 * v))}, argnums=(0,)),
    "normal": fused(normal_log_density,
                    lambda traced, g, ans, v, mu, sigma, saved: {0: g * (-(v - mu) / sigma ** 2)}, argnums=(0,)),
}


@dataclass(frozen=True)
class LogPrior:
    """Σ log p(v) of the density ``kind`` with constants ``a``, ``b`` (traceable)."""

    kind: str
    a: float
    b: float

    def __call__(self, v):
        return _FUSED[self.kind](v, self.a, self.b)

    def value_and_gradient(self, v: np.ndarray) -> tuple[float, np.ndarray]:
        """(Σ log p(v), its gradient in v), no trace (the MAP objective, fit.py)."""
        value, vjp = _FUSED[self.kind].value_and_vjp(v, self.a, self.b, traced=(0,))
        return float(value), vjp(1.0)[0]

    @property
    def reference(self):
        """The density written with autograd.numpy, as a function of v (for the tests)."""
        return lambda v: _FUSED[self.kind].reference(v, self.a, self.b)


def gamma(mean: float, alpha: float) -> LogPrior:
    """Gamma(alpha, beta = alpha / mean): log p(v) = (alpha − 1) log v − beta v."""
    return LogPrior("gamma", alpha, alpha / mean)


def log_normal(mu: float, sigma: float) -> LogPrior:
    """LogNormal(mu, sigma): log p(v) = −log v − (log v − mu)² / (2 sigma²)."""
    return LogPrior("log_normal", mu, sigma)


def normal(mu: float, sigma: float) -> LogPrior:
    """Normal(mu, sigma): log p(v) = −(v − mu)² / (2 sigma²)."""
    return LogPrior("normal", mu, sigma)
