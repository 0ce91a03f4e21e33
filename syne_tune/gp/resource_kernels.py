"""GP models over (config, resource) inputs for multi-fidelity BO (MOBSTER, Klein et al., arXiv:2003.10865).

Notation: ``X: (n, d)`` with ``X[:, :-1]`` the encoded config (d − 1 columns) and ``X[:, -1]`` the
encoded resource ``u = (r − 0.5) / max_t`` in (0, 1]; ``k_x`` is Matérn 5/2 ARD over the config
(:mod:`syne_tune.gp.kernels`), ``μ_x`` a scalar mean. Each factory takes the total input dimension
``dim = d`` and returns a :class:`~syne_tune.gp.model.GPModel` with value and gradients of every
function (contract in model.py); fit, posterior, fantasizing and acquisition need nothing else.

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

import numpy as np

from syne_tune.gp import kernels, priors
from syne_tune.gp.model import NOISE_VARIANCE, GPModel, Matern52Model, Parameter, matern52_model

_WARP_EPS = 1e-9


def kappa_and_derivatives(u: np.ndarray, alpha: float, mean_lam: float):
    """κ(u) = (β/(u + β))^α, β = α/λ, and its derivatives in α, λ and u (any shape):
        ∂ log κ/∂α = log(β/(u + β)) + u/(u + β),  ∂ log κ/∂λ = −β u/(u + β),  ∂ log κ/∂u = −α/(u + β)."""
    beta = alpha / mean_lam
    log_ratio = np.log(beta) - np.log(u + beta)
    kappa = np.exp(alpha * log_ratio)
    t = u / (u + beta)
    return kappa, kappa * (log_ratio + t), -kappa * beta * t, -kappa * alpha / (u + beta)


def kumaraswamy_warp(u, a, b):
    """w(u) = 1 − (1 − R(u)^a)^b with R mapping [0, 1] linearly into [1e-9, 1 − 1e-9]."""
    R = _WARP_EPS + (1.0 - 2.0 * _WARP_EPS) * u
    return 1.0 - (1.0 - R ** a) ** b


def kumaraswamy_warp_derivatives(u: np.ndarray, a: float, b: float):
    """(w, ∂w/∂a, ∂w/∂b, ∂w/∂u) elementwise; with Q = 1 − R^a:
        ∂w/∂a = b Q^(b−1) R^a log R,  ∂w/∂b = −Q^b log Q,  ∂w/∂u = b Q^(b−1) a R^(a−1) (1 − 2ε)."""
    R = _WARP_EPS + (1.0 - 2.0 * _WARP_EPS) * u
    Ra = R ** a
    Q = 1.0 - Ra
    Qb1 = Q ** (b - 1.0)
    return (1.0 - Q * Qb1, b * Qb1 * Ra * np.log(R), -Q * Qb1 * np.log(Q),
            b * Qb1 * a * Ra / R * (1.0 - 2.0 * _WARP_EPS))


def matern52_resource_model(dim: int) -> Matern52Model:
    """'matern52': the resource is one more input of the Matérn 5/2 ARD kernel (``dim`` inputs)."""
    return matern52_model(dim)


class WarpedMatern52Model(Matern52Model):
    """'matern52-res-warp': Matérn 5/2 ARD over (x, w(u)), w a learned Kumaraswamy CDF (a, b ∈ [0.25, 4])."""

    name = "matern52-res-warp"

    def __init__(self, dim: int):
        super().__init__(dim)
        warp_prior = priors.log_normal(0.0, 0.75)
        self.parameters = self.parameters + (Parameter("warping_a", 1.0, 0.25, 4.0, warp_prior),
                                             Parameter("warping_b", 1.0, 0.25, 4.0, warp_prior))

    @staticmethod
    def _warp(params, X):
        w, dw_a, dw_b, dw_u = kumaraswamy_warp_derivatives(X[:, -1], params["warping_a"][0], params["warping_b"][0])
        return np.concatenate([X[:, :-1], w[:, None]], axis=1), dw_a, dw_b, dw_u

    def covariance(self, params, X1, X2):
        return super().covariance(params, self._warp(params, X1)[0], self._warp(params, X2)[0])

    def covariance_and_parameter_gradients(self, params, X):
        # K(Z, Z) with z_i = (x_i, w(u_i)): the warp parameters act through the last column of Z.
        # One warp and one Matérn profile per likelihood evaluation (instead of one each for K and ∂K).
        Z, dw_a, dw_b, _ = self._warp(params, X)
        inv_bw, c = params["kernel_inv_bw"], params["kernel_covariance_scale"][0]
        profile = kernels.matern52_profile_and_derivative(kernels.squared_distances(Z, Z, inv_bw))

        def gradients(W, a):
            d_Z, d_inv_bw, d_scale = kernels.matern52_input_and_parameter_gradients(Z, inv_bw, c, W, profile)
            return {"kernel_inv_bw": d_inv_bw, "kernel_covariance_scale": np.array([d_scale]),
                    "mean_mean_value": np.array([np.sum(a)]),
                    "warping_a": np.array([np.dot(d_Z[:, -1], dw_a)]),
                    "warping_b": np.array([np.dot(d_Z[:, -1], dw_b)])}

        return c * profile[0], gradients

    def covariance_and_input_gradient(self, params, X1, X2):
        Z1, _, _, dw_u = self._warp(params, X1)
        K, d_Z_of = super().covariance_and_input_gradient(params, Z1, self._warp(params, X2)[0])

        def input_gradient(G):
            d_Z = d_Z_of(G)
            d_Z[:, -1] *= dw_u
            return d_Z

        return K, input_gradient


class ExpDecayModel(GPModel):
    """Exp-decay kernel with fixed ``delta`` (0 or 1) or a learned one (``delta=None``); module docstring.

    Gradients, with W the weights on K and a on the mean (model.py), S and Dec as in the table:
        K = k_x∘S + p²·Dec,  m = μ + κ(u)·p,  p = γ − δμ,
        ∂/∂θ = Σ W∘(∂k_x/∂θ∘S + k_x∘∂S/∂θ + ∂(p²)/∂θ·Dec + p²·∂Dec/∂θ) + aᵀ ∂m/∂θ.
    Terms in κ depend on (u_i, u_j) only, and u takes few values (rung levels): they are evaluated on
    the (k, k) grid of distinct levels and the sums Σ_ij W_ij f(u_i, u_j) are reduced on that grid.
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
        """(α, λ, γ, δ, μ, inv_bw, c) as floats (inv_bw an array)."""
        d = float(params["kernel_delta"][0]) if self.delta is None else self.delta
        return (float(params["kernel_alpha"][0]), float(params["kernel_mean_lam"][0]),
                float(params["kernel_gamma"][0]), d, float(params["kernel_meanx_mean_value"][0]),
                params["kernel_kernelx_inv_bw"], float(params["kernel_kernelx_covariance_scale"][0]))

    def covariance(self, params, X1, X2):
        alpha, lam, gamma, d, mu, inv_bw, c = self._unpack(params)
        # κ on the grid of distinct resource levels (few rung levels), gathered to (n1, n2)
        levels1, of1 = np.unique(X1[:, -1], return_inverse=True)
        levels2, of2 = np.unique(X2[:, -1], return_inverse=True)
        k1 = kappa_and_derivatives(levels1, alpha, lam)[0][of1]
        k2 = kappa_and_derivatives(levels2, alpha, lam)[0][of2]
        k12 = kappa_and_derivatives(levels1[:, None] + levels2[None, :], alpha, lam)[0][of1][:, of2]
        decay = k12 - k1[:, None] * k2[None, :]          # Cov(exp(−λu), exp(−λu'))
        # E[(1 − δe^{−λu})(1 − δe^{−λu'})] = 1 − δ(κ(u) + κ(u') − δκ(u+u'))
        scale = 1.0 - d * (k1[:, None] + k2[None, :] - d * k12)
        p = gamma - d * mu
        return kernels.matern52(X1[:, :-1], X2[:, :-1], inv_bw, c) * scale + (p * p) * decay

    def diagonal(self, params, X):
        alpha, lam, gamma, d, mu, inv_bw, c = self._unpack(params)
        u = X[:, -1]
        k1, k2 = kappa_and_derivatives(u, alpha, lam)[0], kappa_and_derivatives(2.0 * u, alpha, lam)[0]
        p = gamma - d * mu
        return kernels.matern52_diagonal(X, c) * (1.0 - d * (2.0 * k1 - d * k2)) + (p * p) * (k2 - k1 * k1)

    def mean(self, params, X):
        alpha, lam, gamma, d, mu, _, _ = self._unpack(params)
        return mu + kappa_and_derivatives(X[:, -1], alpha, lam)[0] * (gamma - d * mu)

    def parameter_gradients(self, params, X, W, a):
        alpha, lam, gamma, d, mu, inv_bw, c = self._unpack(params)
        n = X.shape[0]
        levels, level_of = np.unique(X[:, -1], return_inverse=True)
        k = levels.shape[0]
        flat = (level_of[:, None] * k + level_of[None, :]).ravel()           # (n²,) grid index

        def reduce(M):                  # (n, n) -> (k, k), Σ over entries with the same level pair
            return np.bincount(flat, weights=M.ravel(), minlength=k * k).reshape(k, k)

        k1, k1_a, k1_l, _ = kappa_and_derivatives(levels, alpha, lam)                     # (k,)
        k12, k12_a, k12_l, _ = kappa_and_derivatives(levels[:, None] + levels[None, :], alpha, lam)
        S = 1.0 - d * (k1[:, None] + k1[None, :] - d * k12)                              # (k, k)
        dec = k12 - k1[:, None] * k1[None, :]
        p = gamma - d * mu
        Xc = X[:, :-1]
        profile = kernels.matern52_profile_and_derivative(kernels.squared_distances(Xc, Xc, inv_bw))
        WS = W if d == 0.0 else W * S.ravel()[flat].reshape(n, n)
        W_grid = reduce(W)
        W_kx_grid = reduce(W * (c * profile[0])) if (d != 0.0 or self.delta is None) else np.zeros((k, k))
        a_levels = np.bincount(level_of, weights=a, minlength=k)                         # (k,)
        Wdec = np.sum(W_grid * dec)

        def kappa_grad(dk1, dk12):     # Σ W∘∂K/∂θ + aᵀ∂m/∂θ through κ, for θ = α or λ
            ddec = dk12 - dk1[:, None] * k1[None, :] - k1[:, None] * dk1[None, :]
            return (p * p) * np.sum(W_grid * ddec) + p * np.dot(a_levels, dk1) \
                - d * np.sum(W_kx_grid * (dk1[:, None] + dk1[None, :] - d * dk12))

        d_inv_bw, d_scale = kernels.matern52_parameter_gradients(Xc, inv_bw, c, WS, profile)
        grads = {
            "kernel_alpha": np.array([kappa_grad(k1_a, k12_a)]),
            "kernel_mean_lam": np.array([kappa_grad(k1_l, k12_l)]),
            # ∂p/∂γ = 1, ∂p/∂μ = −δ, ∂p/∂δ = −μ
            "kernel_gamma": np.array([2.0 * p * Wdec + np.dot(a_levels, k1)]),
            "kernel_kernelx_inv_bw": d_inv_bw,
            "kernel_kernelx_covariance_scale": np.array([d_scale]),
            "kernel_meanx_mean_value": np.array([-2.0 * d * p * Wdec + np.dot(a_levels, 1.0 - d * k1)]),
        }
        if self.delta is None:
            dS = -(k1[:, None] + k1[None, :]) + 2.0 * d * k12
            grads["kernel_delta"] = np.array([np.sum(W_kx_grid * dS) - 2.0 * mu * p * Wdec
                                              - mu * np.dot(a_levels, k1)])
        return grads

    def covariance_input_gradient(self, params, X1, X2, G):
        alpha, lam, gamma, d, mu, inv_bw, c = self._unpack(params)
        u1, u2 = X1[:, -1], X2[:, -1]
        k1, _, _, k1_u = kappa_and_derivatives(u1, alpha, lam)
        k2 = kappa_and_derivatives(u2, alpha, lam)[0]
        k12, _, _, k12_u = kappa_and_derivatives(u1[:, None] + u2[None, :], alpha, lam)
        S = 1.0 - d * (k1[:, None] + k2[None, :] - d * k12)
        p = gamma - d * mu
        kx = kernels.matern52(X1[:, :-1], X2[:, :-1], inv_bw, c)
        d_x = kernels.matern52_input_gradient(X1[:, :-1], X2[:, :-1], inv_bw, c, G * S)
        dS_u = -d * (k1_u[:, None] - d * k12_u)                 # ∂S/∂u1
        ddec_u = k12_u - k1_u[:, None] * k2[None, :]            # ∂Dec/∂u1
        d_u = np.sum(G * (kx * dS_u + (p * p) * ddec_u), axis=1)
        return np.concatenate([d_x, d_u[:, None]], axis=1)

    def diagonal_input_gradient(self, params, X, g):
        alpha, lam, gamma, d, mu, _, c = self._unpack(params)
        u = X[:, -1]
        k1, _, _, k1_u = kappa_and_derivatives(u, alpha, lam)
        k2, _, _, k2_u = kappa_and_derivatives(2.0 * u, alpha, lam)
        p = gamma - d * mu
        kx_diag = kernels.matern52_diagonal(X, c)
        d_u = kx_diag * (-d * (2.0 * k1_u - 2.0 * d * k2_u)) + (p * p) * (2.0 * k2_u - 2.0 * k1 * k1_u)
        out = np.zeros_like(X)
        out[:, -1] = g * d_u
        return out

    def mean_input_gradient(self, params, X, g):
        alpha, lam, gamma, d, mu, _, _ = self._unpack(params)
        out = np.zeros_like(X)
        out[:, -1] = g * kappa_and_derivatives(X[:, -1], alpha, lam)[3] * (gamma - d * mu)
        return out


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
