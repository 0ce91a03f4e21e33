"""A GP model = its hyperparameters (specs) + covariance, diagonal and mean functions.

The model is data: the functions take ``params``, a dict from parameter name to value
(scalar or ``(size,)`` array, possibly an autograd box), and arrays. Adding a kernel means
writing one :class:`GPModel` factory such as :func:`matern52_model`; fitting, posterior,
fantasizing and acquisition work with any model. The observation noise is always the
parameter ``noise_variance`` (Gaussian likelihood, homoscedastic).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import autograd.numpy as anp
import numpy as np

from syne_tune.gp import kernels, priors
from syne_tune.gp.likelihood import matern52_nll
from syne_tune.gp.priors import LogPrior


@dataclass(frozen=True)
class Parameter:
    """One (vector) hyperparameter.

    Args:
        init: initial value, used at every reset; ``None`` means "mean of the targets"
            (only sensible for a mean parameter).
        lower, upper: box bounds on the external value.
        log_prior: log density on the external value, or None for a flat prior.
        size: number of entries (e.g. d inverse bandwidths).
        positive: True -> optimized as log(value); False -> optimized as is (identity).
        vector: report entries as ``name0, name1, ...`` even when ``size == 1``.
    """

    name: str
    init: float | None
    lower: float
    upper: float
    log_prior: LogPrior | None = None
    size: int = 1
    positive: bool = True
    vector: bool = False


NOISE_VARIANCE = Parameter("noise_variance", 1e-3, 1e-9, 1e6, priors.gamma(mean=0.1, alpha=0.1))


@dataclass(frozen=True)
class GPModel:
    """Hyperparameters plus the functions that use them.

    Args:
        parameters: specs, including ``NOISE_VARIANCE``; names must be unique.
        covariance: ``(params, X1 (n1, d), X2 (n2, d)) -> K (n1, n2)``.
        diagonal: ``(params, X (n, d)) -> diag K (n,)``.
        mean: ``(params, X (n, d)) -> m (n,)``.
        nll_factory: optional ``(X (n, d), Y (n, m)) -> (params -> nll)``, a faster equivalent of
            :func:`~syne_tune.gp.likelihood.neg_log_marginal_likelihood` for fixed data (work that
            does not depend on ``params`` done once). The fit uses it unless it returns None.
            If the returned function also has ``value_and_grads(params) -> (nll, {name: gradient})``
            and every prior has a ``derivative``, the fit fuses the whole MAP objective into one
            autograd primitive.
    """

    parameters: tuple[Parameter, ...]
    covariance: Callable
    diagonal: Callable
    mean: Callable
    name: str = field(default="gp")
    nll_factory: Callable | None = None

    def initial_params(self, targets: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Init values of all parameters; ``init=None`` takes the mean of ``targets``."""
        values = {}
        for p in self.parameters:
            init = p.init if p.init is not None else (float(np.mean(targets)) if targets is not None
                                                      and np.size(targets) else 0.0)
            values[p.name] = np.full(p.size, float(np.clip(init, p.lower, p.upper)))
        return values

    def flat_parameters(self, params: dict) -> dict[str, float]:
        """``{'kernel_inv_bw': [a, b]}`` -> ``{'kernel_inv_bw0': a, 'kernel_inv_bw1': b}`` (reference names)."""
        flat = {}
        for p in self.parameters:
            value = np.atleast_1d(params[p.name])
            if p.vector:
                flat.update({f"{p.name}{i}": float(v) for i, v in enumerate(value)})
            else:
                flat[p.name] = float(value[0])
        return flat

    def log_prior(self, params: dict) -> object:
        """Σ of log priors over all parameters (a scalar, autograd-differentiable)."""
        total = 0.0
        for p in self.parameters:
            if p.log_prior is not None:
                total = total + p.log_prior(params[p.name])
        return total


_MAX_DIFFERENCE_TENSOR = 10_000_000     # entries of D (80 MB); e.g. n = 1290 at d = 6


def matern52_model(dim: int) -> GPModel:
    """Matérn 5/2 ARD kernel over ``dim`` inputs with a constant mean (Snoek et al., NeurIPS 2012)."""
    parameters = (
        NOISE_VARIANCE,
        Parameter("kernel_inv_bw", 1.0, 1e-4, 100.0, None, size=dim, vector=True),
        Parameter("kernel_covariance_scale", 1.0, 1e-3, 1e3, priors.log_normal(0.0, 1.0)),
        Parameter("mean_mean_value", None, -np.inf, np.inf, priors.normal(0.0, 1.0), positive=False),
    )

    def covariance(params, X1, X2):
        return kernels.matern52(X1, X2, params["kernel_inv_bw"], params["kernel_covariance_scale"][0])

    def diagonal(params, X):
        return kernels.matern52_diagonal(X, params["kernel_covariance_scale"][0])

    def mean(params, X):
        return params["mean_mean_value"][0] * anp.ones(X.shape[0])

    names = ("kernel_inv_bw", "kernel_covariance_scale", "noise_variance", "mean_mean_value")

    def nll_factory(X, Y):
        if X.shape[1] * X.shape[0] ** 2 > _MAX_DIFFERENCE_TENSOR:
            return None                       # D: (d, n, n) too large to cache; generic path
        nll = matern52_nll(X, Y)

        def model_nll(params):
            return nll(*(params[name] for name in names))

        def value_and_grads(params):
            """nll and {name: gradient} in plain numpy, for fit.py's fused objective."""
            value, grads = nll.value_and_grads(*(params[name] for name in names))
            return value, dict(zip(names, grads))

        model_nll.value_and_grads = value_and_grads
        return model_nll

    return GPModel(parameters, covariance, diagonal, mean, name="matern52", nll_factory=nll_factory)

