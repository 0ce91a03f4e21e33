"""GP models over (config, resource) inputs for multi-fidelity BO (MOBSTER, Klein et al., arXiv:2003.10865).

Notation: ``X: (n, d)`` with ``X[:, :-1]`` the encoded config (d − 1 columns) and ``X[:, -1]`` the
encoded resource ``u = (r − 0.5) / max_t`` in (0, 1]; ``k_x`` is Matérn 5/2 ARD over the config,
``μ_x`` a scalar mean. Each factory takes the total input dimension ``dim = d`` and returns a
:class:`~syne_tune.gp.model.GPModel`; fit, posterior, fantasizing and acquisition need nothing else.

Exponential-decay kernels (Swersky et al., "Freeze-Thaw Bayesian Optimization", 2014, eq. 5;
Klein et al., "Model-based Asynchronous HPO and NAS", 2020, appendix): with rates λ ~ Gamma,
    κ(u) = E[exp(−λu)] = (β / (u + β))^α,   β = α / mean_lam,
so that ``κ(u + u') − κ(u)κ(u')`` is the covariance of exp(−λu) and exp(−λu') (positive definite).
The fit uses the fused likelihood :func:`~syne_tune.gp.likelihood.exp_decay_nll` (hand-written gradients).

    name                kernel over (x, u)                                          mean
    matern52            Matérn 5/2 ARD over d inputs                                μ
    matern52-res-warp   Matérn 5/2 ARD over (x, w(u)), w Kumaraswamy CDF            μ
    exp-decay-sum       k_x + γ²·[κ(u+u') − κ(u)κ(u')]                               μ_x + γκ(u)
    exp-decay-delta1    k_x·(1 − κ(u) − κ(u') + κ(u+u')) + p²·[κ(u+u') − κ(u)κ(u')]  μ_x + κ(u)·p,  p = γ − μ_x
    exp-decay-combined  k_x·(1 − δ(κ(u) + κ(u') − δκ(u+u'))) + p²·[...]             μ_x + κ(u)·p,  p = γ − δμ_x
"""
from __future__ import annotations

from typing import Callable

import autograd.numpy as anp
import numpy as np

from syne_tune.gp import kernels, priors
from syne_tune.gp.likelihood import exp_decay_nll
from syne_tune.gp.model import _MAX_DIFFERENCE_TENSOR, NOISE_VARIANCE, GPModel, Parameter, matern52_model

_WARP_EPS = 1e-9


def _kappa(u, alpha, mean_lam):
    """κ(u) = (β / (u + β))^α with β = α / mean_lam, elementwise on u ≥ 0 (any shape)."""
    beta = alpha / mean_lam
    return anp.exp(alpha * (anp.log(beta) - anp.log(u + beta)))


def kumaraswamy_warp(u, a, b):
    """w(u) = 1 − (1 − R(u)^a)^b with R mapping [0, 1] linearly into [1e-9, 1 − 1e-9]."""
    R = _WARP_EPS + (1.0 - 2.0 * _WARP_EPS) * u
    return 1.0 - (1.0 - R ** a) ** b


def matern52_resource_model(dim: int) -> GPModel:
    """'matern52': the resource is one more input of the Matérn 5/2 ARD kernel (``dim`` inputs)."""
    return matern52_model(dim)


def matern52_res_warp_model(dim: int) -> GPModel:
    """'matern52-res-warp': Matérn 5/2 ARD over (x, w(u)), w a learned Kumaraswamy CDF (a, b ∈ [0.25, 4])."""
    base = matern52_model(dim)
    warp_prior = priors.log_normal(0.0, 0.75)
    parameters = base.parameters + (Parameter("warping_a", 1.0, 0.25, 4.0, warp_prior),
                                    Parameter("warping_b", 1.0, 0.25, 4.0, warp_prior))

    def warp(params, X):
        u = kumaraswamy_warp(X[:, -1], params["warping_a"][0], params["warping_b"][0])
        return anp.concatenate([X[:, :-1], u[:, None]], axis=1)

    def covariance(params, X1, X2):
        return base.covariance(params, warp(params, X1), warp(params, X2))

    return GPModel(parameters, covariance, base.diagonal, base.mean, name="matern52-res-warp")


def _exp_decay_model(dim: int, delta: float | None, name: str) -> GPModel:
    """Exp-decay kernel with fixed ``delta`` (0 or 1) or a learned one (``delta=None``)."""
    if dim < 2:
        raise ValueError(f"The 'dim' argument of {name} must count the config dims plus the resource, "
                         f"so be >= 2. Got {dim}.")
    parameters = [
        NOISE_VARIANCE,
        Parameter("kernel_alpha", 1.0, 1e-6, 250.0),
        Parameter("kernel_mean_lam", 0.5, 1e-4, 50.0),
        Parameter("kernel_gamma", 0.5, 1e-4, 1.0),
    ]
    if delta is None:
        parameters.append(Parameter("kernel_delta", 0.5, 0.0, 1.0, positive=False))
    parameters += [
        Parameter("kernel_kernelx_inv_bw", 1.0, 1e-4, 100.0, size=dim - 1, vector=True),
        Parameter("kernel_kernelx_covariance_scale", 1.0, 1e-3, 1e3, priors.log_normal(0.0, 1.0)),
        Parameter("kernel_meanx_mean_value", None, -np.inf, np.inf, priors.normal(0.0, 1.0), positive=False),
    ]

    def unpack(params):
        d = params["kernel_delta"][0] if delta is None else delta
        mu = params["kernel_meanx_mean_value"][0]
        return (params["kernel_alpha"][0], params["kernel_mean_lam"][0], params["kernel_gamma"][0], d, mu)

    def kx(params, X1, X2):
        return kernels.matern52(X1[:, :-1], X2[:, :-1], params["kernel_kernelx_inv_bw"],
                                params["kernel_kernelx_covariance_scale"][0])

    def covariance(params, X1, X2):
        alpha, mean_lam, gamma, d, mu = unpack(params)
        u1, u2 = X1[:, -1], X2[:, -1]
        k1, k2 = _kappa(u1, alpha, mean_lam), _kappa(u2, alpha, mean_lam)
        k12 = _kappa(u1[:, None] + u2[None, :], alpha, mean_lam)
        decay = k12 - k1[:, None] * k2[None, :]          # Cov(exp(−λu), exp(−λu'))
        p = gamma - d * mu
        if delta == 0.0:                                  # exp-decay-sum: k_x + γ²·decay
            return kx(params, X1, X2) + (gamma * gamma) * decay
        # E[(1 − δe^{−λu})(1 − δe^{−λu'})] = 1 − δ(κ(u) + κ(u') − δκ(u+u'))
        scale = 1.0 - d * (k1[:, None] + k2[None, :] - d * k12)
        return kx(params, X1, X2) * scale + (p * p) * decay

    def diagonal(params, X):
        alpha, mean_lam, gamma, d, mu = unpack(params)
        u = X[:, -1]
        k1, k2 = _kappa(u, alpha, mean_lam), _kappa(2.0 * u, alpha, mean_lam)
        kx_diag = kernels.matern52_diagonal(X, params["kernel_kernelx_covariance_scale"][0])
        decay = k2 - k1 * k1
        if delta == 0.0:
            return kx_diag + (gamma * gamma) * decay
        p = gamma - d * mu
        return kx_diag * (1.0 - d * (2.0 * k1 - d * k2)) + (p * p) * decay

    def mean(params, X):
        alpha, mean_lam, gamma, d, mu = unpack(params)
        return mu + _kappa(X[:, -1], alpha, mean_lam) * (gamma - d * mu)

    def nll_factory(X, Y):
        if (X.shape[1] - 1) * X.shape[0] ** 2 > _MAX_DIFFERENCE_TENSOR:
            return None                       # D: (d − 1, n, n) too large to cache; generic path
        return exp_decay_nll(X, Y, delta)

    return GPModel(tuple(parameters), covariance, diagonal, mean, name=name, nll_factory=nll_factory)


def exp_decay_sum_model(dim: int) -> GPModel:
    """'exp-decay-sum' (default, δ = 0): k_x + γ²·[κ(u+u') − κ(u)κ(u')], mean μ_x + γκ(u)."""
    return _exp_decay_model(dim, 0.0, "exp-decay-sum")


def exp_decay_delta1_model(dim: int) -> GPModel:
    """'exp-decay-delta1' (δ = 1): the curve decays from μ_x + γ − μ_x at u = 0 towards μ_x."""
    return _exp_decay_model(dim, 1.0, "exp-decay-delta1")


def exp_decay_combined_model(dim: int) -> GPModel:
    """'exp-decay-combined': δ ∈ [0, 1] learned (identity encoding, init 0.5)."""
    return _exp_decay_model(dim, None, "exp-decay-combined")


RESOURCE_KERNELS: dict[str, Callable[[int], GPModel]] = {
    "exp-decay-sum": exp_decay_sum_model,
    "exp-decay-delta1": exp_decay_delta1_model,
    "exp-decay-combined": exp_decay_combined_model,
    "matern52": matern52_resource_model,
    "matern52-res-warp": matern52_res_warp_model,
}


def resource_kernel_model(name: str, dim: int) -> GPModel:
    """The model called ``name`` (a key of :data:`RESOURCE_KERNELS`) over ``dim`` inputs (config + resource)."""
    if name not in RESOURCE_KERNELS:
        raise ValueError(f"The 'gp_resource_kernel' option must be one of "
                         f"{', '.join(repr(k) for k in RESOURCE_KERNELS)}. Got {name!r}.")
    return RESOURCE_KERNELS[name](dim)
