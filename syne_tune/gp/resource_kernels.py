"""GP models over (config, resource) inputs for multi-fidelity BO (MOBSTER, Klein et al., arXiv:2003.10865).

Notation: ``X: (n, d)`` with ``X[:, :-1]`` the encoded config (d − 1 columns) and ``X[:, -1]`` the
encoded resource ``u = (r − 0.5) / max_t`` in (0, 1]; ``k_x`` is Matérn 5/2 ARD over the config
(:mod:`syne_tune.gp.kernels`), ``μ_x`` a scalar mean. Each factory takes the total input dimension
``dim = d`` and returns a :class:`~syne_tune.gp.model.GPModel`: values only, in autograd.numpy
(contract in model.py); fit, posterior, fantasizing and acquisition need nothing else.

Exponential-decay kernels (Swersky et al., "Freeze-Thaw Bayesian Optimization", 2014, eq. 5;
Klein et al., "Model-based Asynchronous HPO and NAS", 2020, appendix): with rates λ ~ Gamma,
    κ(u) = E[exp(−λu)] = (β / (u + β))^α,   β = α / mean_lam,
so that ``κ(u + u') − κ(u)κ(u')`` is the covariance of exp(−λu) and exp(−λu') (positive definite).

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
from syne_tune.gp.autodiff import fused
from syne_tune.gp.model import NOISE_VARIANCE, GPModel, Matern52Model, Parameter, matern52_model

_WARP_EPS = 1e-9


def kappa(u, alpha, mean_lam):
    """κ(u) = (β/(u + β))^α, β = α/λ, elementwise."""
    beta = alpha / mean_lam
    return anp.exp(alpha * (anp.log(beta) - anp.log(u + beta)))


def kumaraswamy_warp_value(u, a, b):
    """w(u) = 1 − (1 − R(u)^a)^b with R mapping [0, 1] linearly into [1e-9, 1 − 1e-9]."""
    R = _WARP_EPS + (1.0 - 2.0 * _WARP_EPS) * u
    return 1.0 - (1.0 - R ** a) ** b


def _kumaraswamy_gradients(traced, g, w, u, a, b, saved):
    """With Q = 1 − R^a: ∂w/∂a = b Q^(b−1) R^a log R, ∂w/∂b = −Q^b log Q,
    ∂w/∂u = b Q^(b−1) a R^(a−1) (1 − 2ε)."""
    R = _WARP_EPS + (1.0 - 2.0 * _WARP_EPS) * u
    Ra = R ** a
    Q = 1.0 - Ra
    Qb1 = Q ** (b - 1.0)
    return {0: g * b * Qb1 * a * Ra / R * (1.0 - 2.0 * _WARP_EPS), 1: np.sum(g * b * Qb1 * Ra * np.log(R)),
            2: np.sum(g * -Q * Qb1 * np.log(Q))}


# fast path (5 traced operations fewer per acquisition step of MOBSTER's default kernel)
kumaraswamy_warp = fused(kumaraswamy_warp_value, _kumaraswamy_gradients, argnums=(0, 1, 2))


def matern52_resource_model(dim: int) -> Matern52Model:
    """'matern52': the resource is one more input of the Matérn 5/2 ARD kernel (``dim`` inputs)."""
    return matern52_model(dim)


class WarpedMatern52Model(Matern52Model):
    """'matern52-res-warp': Matérn 5/2 ARD over (x, w(u)), w a learned Kumaraswamy CDF (a, b ∈ [0.25, 4])."""

    name = "matern52-res-warp"

    def __init__(self, dim: int):
        super().__init__(dim)
        warp_prior = priors.log_normal(0.0, 0.75)
        self.kernel_parameters = self.kernel_parameters + (Parameter("warping_a", 1.0, 0.25, 4.0, warp_prior),
                                                           Parameter("warping_b", 1.0, 0.25, 4.0, warp_prior))

        self._warped_data: tuple = ()      # (X, a, b, warped X): the training inputs, warped once per state

    @staticmethod
    def _warp(params, X):
        w = kumaraswamy_warp(X[:, -1], params["warping_a"][0], params["warping_b"][0])
        return anp.concatenate([X[:, :-1], w[:, None]], axis=1)

    def _warp_data(self, params, X):
        """The warped training inputs, reused while inputs and warping parameters are the same objects
        (the acquisition predicts at new query points against the same data many times)."""
        a, b = params["warping_a"], params["warping_b"]
        if not (isinstance(X, np.ndarray) and isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return self._warp(params, X)
        cached = self._warped_data
        if not (cached and cached[0] is X and cached[1] is a and cached[2] is b):
            self._warped_data = cached = (X, a, b, self._warp(params, X))
        return cached[3]

    def covariance(self, params, X1, X2):
        if X1 is X2:                    # one warp, and r²(Z, Z) knows its diagonal is 0
            Z = self._warp(params, X1)
            return super().covariance(params, Z, Z)
        return super().covariance(params, self._warp(params, X1), self._warp_data(params, X2))

    # Fast paths: the base class's vector-Jacobian products through the warp, written out.

    def values_and_parameter_vjp(self, params, X):
        a, b = params["warping_a"][0], params["warping_b"][0]
        w, warp_vjp = kumaraswamy_warp.value_and_vjp(X[:, -1], a, b, traced=(1, 2))
        Z = np.concatenate([X[:, :-1], w[:, None]], axis=1)
        K, vjp = kernels.matern52.value_and_vjp(Z, Z, params["kernel_inv_bw"],
                                                 params["kernel_covariance_scale"][0], traced=(0, 1, 2, 3))
        mean = self.mean(params, X)

        def parameter_vjp(gK, g_mean):
            g = vjp(gK)
            g_warp = warp_vjp(g[0][:, -1] + g[1][:, -1])
            return dict(self._constant_mean_gradients(params, g_mean), kernel_inv_bw=g[2],
                        kernel_covariance_scale=np.array([g[3]]), warping_a=np.array([g_warp[1]]),
                        warping_b=np.array([g_warp[2]]))
        return K, mean, parameter_vjp

    def query_values_and_vjp(self, params, Xq, X):
        a, b = params["warping_a"][0], params["warping_b"][0]
        w, warp_vjp = kumaraswamy_warp.value_and_vjp(Xq[:, -1], a, b, traced=(0,))
        Zq = np.concatenate([Xq[:, :-1], w[:, None]], axis=1)
        Kq, vjp = kernels.matern52.value_and_vjp(Zq, self._warp_data(params, X), params["kernel_inv_bw"],
                                                  params["kernel_covariance_scale"][0], traced=(0,))

        def input_vjp(gK, g_diagonal, g_mean):
            gZ = vjp(gK)[0]
            gZ[:, -1] = warp_vjp(gZ[:, -1])[0]
            return gZ
        return Kq, self.diagonal(params, Xq), self.mean(params, Xq), input_vjp

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _warped_data=())


def _kappa_terms(u, alpha, lam):
    """(κ(u), ∂log κ/∂α, ∂log κ/∂λ, ∂log κ/∂u) elementwise, from log κ = α (log β − log(u + β)), β = α/λ:
    ∂/∂α = log(β/(u + β)) + u/(u + β),  ∂/∂λ = −(α/λ)·u/(u + β),  ∂/∂u = −α/(u + β)."""
    beta = alpha / lam
    ratio = u / (u + beta)
    log_ratio = np.log(beta) - np.log(u + beta)
    return np.exp(alpha * log_ratio), log_ratio + ratio, -(alpha / lam) * ratio, -alpha / (u + beta)


def _levels(u):
    """(distinct values (k,), one-hot (n, k) of each entry's value) of data ``u: (n,)``; a traced
    ``u`` (an autograd box: query inputs being differentiated) is its own levels (one-hot None)."""
    if not isinstance(u, np.ndarray):
        return u, None
    levels, index = np.unique(u, return_inverse=True)
    one_hot = np.zeros((u.shape[0], levels.shape[0]))
    one_hot[np.arange(u.shape[0]), index.ravel()] = 1.0
    return levels, one_hot


def _gather(values, one_hot):
    """Values on the levels -> values per entry (matrix product: a cheap vector-Jacobian product)."""
    return values if one_hot is None else anp.dot(one_hot, values)


class ExpDecayModel(GPModel):
    """Exp-decay kernel with fixed ``delta`` (0 or 1) or a learned one (``delta=None``); module docstring.

    Terms in κ depend on (u_i, u_j) only, and u takes few values (rung levels): κ is evaluated on
    the distinct levels of the data and gathered by products with one-hot matrices, whose
    vector-Jacobian products reduce the gradient back onto the (k, k) grid.
    """

    def __init__(self, dim: int, delta: float | None, name: str):
        if dim < 2:
            raise ValueError(f"The 'dim' argument of {name} must count the config dims plus the resource, "
                             f"so be >= 2. Got {dim}.")
        self.delta, self.name = delta, name
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
        self.parameters = tuple(parameters)

    def _unpack(self, params):
        """(α, λ, γ, δ, μ, inv_bw, c); δ a float when fixed."""
        d = params["kernel_delta"][0] if self.delta is None else self.delta
        return (params["kernel_alpha"][0], params["kernel_mean_lam"][0], params["kernel_gamma"][0], d,
                params["kernel_meanx_mean_value"][0], params["kernel_kernelx_inv_bw"],
                params["kernel_kernelx_covariance_scale"][0])

    def covariance(self, params, X1, X2):
        alpha, lam, gamma, d, mu, inv_bw, c = self._unpack(params)
        levels1, of1 = _levels(X1[:, -1])
        levels2, of2 = _levels(X2[:, -1])
        k1 = _gather(kappa(levels1, alpha, lam), of1)                                   # (n1,)
        k2 = _gather(kappa(levels2, alpha, lam), of2)                                   # (n2,)
        k12 = kappa(levels1[:, None] + levels2[None, :], alpha, lam)                    # (k1, k2)
        k12 = _gather(anp.transpose(_gather(anp.transpose(k12), of2)), of1)             # (n1, n2)
        decay = k12 - k1[:, None] * k2[None, :]          # Cov(exp(−λu), exp(−λu'))
        p = gamma - d * mu
        config1 = X1[:, :-1]
        kx = kernels.matern52(config1, config1 if X1 is X2 else X2[:, :-1], inv_bw, c)
        if self.delta == 0.0:
            return kx + (p * p) * decay
        # E[(1 − δe^{−λu})(1 − δe^{−λu'})] = 1 − δ(κ(u) + κ(u') − δκ(u+u'))
        scale = 1.0 - d * (k1[:, None] + k2[None, :] - d * k12)
        return kx * scale + (p * p) * decay

    def diagonal(self, params, X):
        alpha, lam, gamma, d, mu, inv_bw, c = self._unpack(params)
        u = X[:, -1]
        k1, k2 = kappa(u, alpha, lam), kappa(2.0 * u, alpha, lam)
        p = gamma - d * mu
        return kernels.matern52_diagonal(X, c) * (1.0 - d * (2.0 * k1 - d * k2)) + (p * p) * (k2 - k1 * k1)

    def mean(self, params, X):
        alpha, lam, gamma, d, mu, _, _ = self._unpack(params)
        return mu + kappa(X[:, -1], alpha, lam) * (gamma - d * mu)

    # Fast paths (measured: ~25 traced operations on (n, n) arrays cost up to 2.7× the hand-derived
    # core at 300 observations, docs/benchmarks-bayesopt.md): the base class's vector-Jacobian products
    # written out, equal to autograd on the values above (tests/gp/test_fast_paths.py).

    def _forward(self, params, X1, X2, grouped: bool):
        """Values and intermediates of :meth:`covariance`; ``grouped``: X1 is the data (κ on its levels),
        else X1 are query points (κ per row, so each row gets its own gradient in u)."""
        alpha, lam, gamma, d, mu, inv_bw, c = self._unpack(params)
        u1 = X1[:, -1]
        L1, i1 = np.unique(u1, return_inverse=True) if grouped else (u1, np.arange(u1.shape[0]))
        L2, i2 = np.unique(X2[:, -1], return_inverse=True)
        i1, i2 = i1.ravel(), i2.ravel()
        k1, k2, k12 = (_kappa_terms(v, alpha, lam) for v in (L1, L2, L1[:, None] + L2[None, :]))
        kg1, kg2, kg12 = k1[0][i1], k2[0][i2], k12[0][np.ix_(i1, i2)]
        config1 = X1[:, :-1]
        kx, kx_vjp = kernels.matern52.value_and_vjp(config1, config1 if X1 is X2 else X2[:, :-1], inv_bw, c,
                                                     traced=(2, 3) if grouped else (0,))
        decay = kg12 - np.outer(kg1, kg2)
        p = gamma - d * mu
        scale = 1.0 if self.delta == 0.0 else 1.0 - d * (kg1[:, None] + kg2[None, :] - d * kg12)
        return dict(alpha=alpha, lam=lam, d=d, mu=mu, p=p, i1=i1, i2=i2, k1=k1, k2=k2, k12=k12, kg1=kg1,
                    kg2=kg2, kg12=kg12, kx=kx, kx_vjp=kx_vjp, decay=decay, scale=scale,
                    K=kx * scale + (p * p) * decay)

    def _backward(self, f: dict, G: np.ndarray, g_kg1: np.ndarray):
        """Σ G∘∂K (+ the mean's ``g_kg1`` on κ(u1)) reduced onto the κ grid: (g_k1, g_k2, g_k12) per level,
        g_p, g_d, and the Matérn part's gradients."""
        p, d, kg1, kg2, kg12 = f["p"], f["d"], f["kg1"], f["kg2"], f["kg12"]
        g_decay = (p * p) * G
        g_p = 2.0 * p * np.sum(G * f["decay"])
        g_kx = f["kx_vjp"](G if self.delta == 0.0 else G * f["scale"])
        g_kg12, g_kg2, g_d = g_decay, -g_decay.T @ kg1, 0.0
        g_kg1 = g_kg1 - g_decay @ kg2
        if self.delta != 0.0:
            g_scale = G * f["kx"]
            g_kg12 = g_kg12 + (d * d) * g_scale
            g_kg1 = g_kg1 - d * g_scale.sum(axis=1)
            g_kg2 = g_kg2 - d * g_scale.sum(axis=0)
            g_d = np.sum(g_scale * (2.0 * d * kg12 - kg1[:, None] - kg2[None, :]))
        i1, i2, shape = f["i1"], f["i2"], f["k12"][0].shape
        one_hot1, one_hot2 = np.eye(shape[0])[i1], np.eye(shape[1])[i2]
        return (np.bincount(i1, g_kg1, shape[0]), np.bincount(i2, g_kg2, shape[1]),
                one_hot1.T @ g_kg12 @ one_hot2, g_p, g_d, g_kx)

    def values_and_parameter_vjp(self, params, X):
        f = self._forward(params, X, X, grouped=True)
        mean = f["mu"] + f["kg1"] * f["p"]

        def parameter_vjp(gK, g_mean):
            g_k1, g_k2, g_k12, g_p, g_d, g_kx = self._backward(f, gK, g_mean * f["p"])
            g_p = g_p + np.sum(g_mean * f["kg1"])
            terms = ((g_k1, f["k1"]), (g_k2, f["k2"]), (g_k12, f["k12"]))
            g_alpha = sum(np.sum(g * k[0] * k[1]) for g, k in terms)
            g_lam = sum(np.sum(g * k[0] * k[2]) for g, k in terms)
            gradients = {"noise_variance": np.zeros(1), "kernel_alpha": np.array([g_alpha]),
                         "kernel_mean_lam": np.array([g_lam]), "kernel_gamma": np.array([g_p]),
                         "kernel_kernelx_inv_bw": g_kx[2], "kernel_kernelx_covariance_scale": np.array([g_kx[3]]),
                         "kernel_meanx_mean_value": np.array([np.sum(g_mean) - f["d"] * g_p])}
            if self.delta is None:
                gradients["kernel_delta"] = np.array([g_d - f["mu"] * g_p])
            return gradients
        return f["K"], mean, parameter_vjp

    def query_values_and_vjp(self, params, Xq, X):
        f = self._forward(params, Xq, X, grouped=False)
        alpha, lam, d, p = f["alpha"], f["lam"], f["d"], f["p"]
        u = Xq[:, -1]
        kA, kB = _kappa_terms(u, alpha, lam), _kappa_terms(2.0 * u, alpha, lam)
        cP0 = float(kernels.matern52_diagonal(Xq[:1], params["kernel_kernelx_covariance_scale"][0])[0])
        diagonal = cP0 * (1.0 - d * (2.0 * kA[0] - d * kB[0])) + (p * p) * (kB[0] - kA[0] ** 2)

        def input_vjp(gK, g_diagonal, g_mean):
            g_k1, _, g_k12, _, _, g_kx = self._backward(f, gK, g_mean * p)
            k1, k12 = f["k1"], f["k12"]
            g_u = g_k1 * k1[0] * k1[3] + np.sum(g_k12 * k12[0] * k12[3], axis=1)
            g_u = g_u + g_diagonal * ((-2.0 * d * cP0 - 2.0 * p * p * kA[0]) * kA[0] * kA[3]
                                      + 2.0 * (d * d * cP0 + p * p) * kB[0] * kB[3])
            return np.hstack([g_kx[0], g_u[:, None]])
        return f["K"], diagonal, f["mu"] + f["kg1"] * p, input_vjp


def exp_decay_sum_model(dim: int) -> ExpDecayModel:
    """'exp-decay-sum' (the original library's default, δ = 0): k_x + γ²·[κ(u+u') − κ(u)κ(u')], mean μ_x + γκ(u)."""
    return ExpDecayModel(dim, 0.0, "exp-decay-sum")


def exp_decay_delta1_model(dim: int) -> ExpDecayModel:
    """'exp-decay-delta1' (δ = 1): the curve decays from μ_x + γ − μ_x at u = 0 towards μ_x."""
    return ExpDecayModel(dim, 1.0, "exp-decay-delta1")


def exp_decay_combined_model(dim: int) -> ExpDecayModel:
    """'exp-decay-combined': δ ∈ [0, 1] learned (identity encoding, init 0.5)."""
    return ExpDecayModel(dim, None, "exp-decay-combined")


def matern52_res_warp_model(dim: int) -> WarpedMatern52Model:
    return WarpedMatern52Model(dim)


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
