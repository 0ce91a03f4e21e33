"""Negative log marginal likelihood of a GP with Gaussian noise, plus log priors (MAP objective).

Notation: ``X: (n, d)`` inputs, ``Y: (n, m)`` targets (m columns share the kernel, e.g. fantasies),
``K = k(X, X) + σ² I: (n, n)``, ``R = Y − m(X): (n, m)``.

    nll = Σ_columns 0.5·(n log 2π + log det K + Rᵀ K⁻¹ R)          (Rasmussen & Williams, eq. 2.30)

The Gaussian term is one autograd primitive with an analytic VJP,
    ∂nll/∂K = 0.5·(m K⁻¹ − A Aᵀ),  ∂nll/∂R = A,  A = K⁻¹ R             (R&W eq. 5.9),
so autograd only traces the (cheap, elementwise) kernel and mean; Cholesky and solves run in numpy.

Fast path for the Matérn 5/2 ARD model (:func:`matern52_nll`): with the data fixed during a fit,
``D: (d, n, n)`` squared differences per dimension are computed once, and the whole nll is one
primitive of (inv_bw, c, σ², mean) whose VJP applies the chain rule by hand, with P the profile:
    ∂nll/∂σ² = tr W,  ∂nll/∂c = Σ W∘P,  ∂nll/∂mean = −Σ A,
    ∂nll/∂inv_bw_k = 2 inv_bw_k Σ_ij (c W∘P'(r²))_ij D_kij,   W = ∂nll/∂K (above).
:func:`exp_decay_nll` does the same for the exponential-decay resource kernels, with the terms in
κ(u) evaluated on the grid of distinct resource levels. It provides ``value_and_grads`` only (for
fit.py's fused objective, which needs every prior to have a ``derivative``), not autograd tracing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp_argnums, primitive

from syne_tune.gp.kernels import matern52_profile_and_derivative, squared_difference_tensor
from syne_tune.gp.linalg import cho_solve, cholesky_with_jitter, inverse_from_cholesky

if TYPE_CHECKING:
    from syne_tune.gp.model import GPModel


@primitive
def gaussian_nll(K, R):
    """0.5·Σ_columns (n log 2π + log det K + rᵀ K⁻¹ r). K: (n, n), R: (n, m) -> scalar."""
    L = cholesky_with_jitter(K)
    n, m = R.shape
    A = cho_solve(L, R)
    return 0.5 * (m * (n * np.log(2 * np.pi) + 2.0 * np.sum(np.log(np.diag(L)))) + np.sum(R * A))


def _gaussian_nll_vjp(argnums, ans, args, kwargs):
    """One Cholesky serves the gradients with respect to K and R."""
    K, R = args
    L = cholesky_with_jitter(K)
    A = cho_solve(L, R)
    grads = {1: A}
    if 0 in argnums:
        grads[0] = 0.5 * (R.shape[1] * cho_solve(L, np.eye(K.shape[0])) - A @ A.T)
    return lambda g: tuple(g * grads[i] for i in argnums)


defvjp_argnums(gaussian_nll, _gaussian_nll_vjp)


def neg_log_marginal_likelihood(params: dict, model: GPModel, X, Y):
    """nll of targets ``Y: (n, m)`` (or ``(n,)``) at inputs ``X: (n, d)``; differentiable in ``params``."""
    Y = Y.reshape(Y.shape[0], -1)
    K = model.covariance(params, X, X) + params["noise_variance"][0] * anp.eye(X.shape[0])
    R = Y - model.mean(params, X)[:, None]
    return gaussian_nll(K, R)


def neg_log_posterior(params: dict, model: GPModel, X, Y):
    """MAP objective: nll − Σ log priors (R&W eq. 5.8 plus log priors, "empirical Bayes")."""
    return neg_log_marginal_likelihood(params, model, X, Y) - model.log_prior(params)


def matern52_nll(X: np.ndarray, Y: np.ndarray):
    """``nll(inv_bw (d,), c (1,), noise_variance (1,), mean_value (1,)) -> scalar`` for fixed data.

    Same value as :func:`neg_log_marginal_likelihood` of ``matern52_model`` (constant mean), but one
    autograd primitive with a hand-written VJP (module docstring) and ``D`` cached across calls.
    Value and gradient are computed together and kept for the last argument (autograd calls
    the VJP right after the forward pass with the same arguments).
    """
    Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
    n, m = Y.shape
    D = squared_difference_tensor(np.asarray(X, dtype=float))       # (d, n, n)
    eye = np.eye(n)
    last: dict = {}

    def evaluate(inv_bw, c, noise, mean):
        key = (inv_bw.tobytes(), c.tobytes(), noise.tobytes(), mean.tobytes())
        if last.get("key") == key:
            return last
        r2 = np.tensordot(inv_bw * inv_bw, D, axes=1)                  # (n, n)
        P, dP = matern52_profile_and_derivative(r2)
        L = cholesky_with_jitter(c[0] * P + noise[0] * eye)
        R = Y - mean[0]
        A = cho_solve(L, R)                                            # (n, m)
        value = 0.5 * (m * (n * np.log(2 * np.pi) + 2.0 * np.sum(np.log(np.diag(L)))) + np.sum(R * A))
        W = 0.5 * (m * inverse_from_cholesky(L) - A @ A.T)          # ∂nll/∂K, R&W eq. 5.9
        G = c[0] * W * dP                                              # ∂nll/∂r²
        grads = (2.0 * inv_bw * np.tensordot(D, G, axes=([1, 2], [0, 1])),
                 np.array([np.sum(W * P)]), np.array([np.trace(W)]), np.array([-np.sum(A)]))
        last.clear()
        last.update(key=key, value=value, grads=grads)
        return last

    @primitive
    def nll(inv_bw, c, noise, mean):
        return evaluate(inv_bw, c, noise, mean)["value"]

    def vjp(argnums, ans, args, kwargs):
        grads = evaluate(*args)["grads"]
        return lambda g: tuple(g * grads[i] for i in argnums)

    defvjp_argnums(nll, vjp)
    nll.value_and_grads = lambda *args: (lambda r: (r["value"], r["grads"]))(evaluate(*args))
    return nll


def _kappa_and_derivatives(u: np.ndarray, alpha: float, mean_lam: float):
    """κ(u) = (β/(u + β))^α, β = α/λ, and its derivatives in α and λ (plain numpy, any shape):
        ∂ log κ/∂α = log(β/(u + β)) + u/(u + β),   ∂ log κ/∂λ = −β u/(u + β)."""
    beta = alpha / mean_lam
    log_ratio = np.log(beta) - np.log(u + beta)
    kappa = np.exp(alpha * log_ratio)
    t = u / (u + beta)
    return kappa, kappa * (log_ratio + t), -kappa * beta * t


def exp_decay_nll(X: np.ndarray, Y: np.ndarray, delta: float | None):
    """Fast nll of the exponential-decay resource kernels for fixed data (see resource_kernels.py):

        K = k_x∘S + p²·Dec + σ²I,  m = μ + κ(u)·p,  p = γ − δμ,
        S = 1 − δ(κ(u) + κ(u') − δκ(u+u')),  Dec = κ(u+u') − κ(u)κ(u'),  k_x = c·P(r²) over X[:, :-1].

    Returns ``nll(params) -> scalar`` on plain arrays, with ``nll.value_and_grads(params) -> (nll,
    {name: gradient})`` for fit.py's fused objective. ``delta=None`` learns δ (``kernel_delta``).
    Gradients, with W = ∂nll/∂K and a = ∂nll/∂m = −Σ_columns A (R&W eq. 5.9):
        ∂/∂θ = Σ W∘∂K/∂θ + aᵀ ∂m/∂θ for every θ; ∂k_x/∂inv_bw_k as in :func:`matern52_nll`.
    """
    Y = np.asarray(Y, dtype=float).reshape(X.shape[0], -1)
    n, m = Y.shape
    D = squared_difference_tensor(np.asarray(X[:, :-1], dtype=float))   # (d − 1, n, n)
    # Terms in κ depend on (u_i, u_j) only, and u takes few values (rung levels): evaluate them on the
    # (k, k) grid of distinct values, gather into (n, n) once, and reduce Σ_ij W_ij f(u_i, u_j) on the grid.
    levels, level_of = np.unique(np.asarray(X[:, -1], dtype=float), return_inverse=True)
    k = levels.shape[0]
    flat = (level_of[:, None] * k + level_of[None, :]).ravel()           # (n²,) grid index

    def gather(F):                      # (k, k) -> (n, n)
        return F.ravel()[flat].reshape(n, n)

    def reduce(M):                      # (n, n) -> (k, k), Σ over entries with the same level pair
        return np.bincount(flat, weights=M.ravel(), minlength=k * k).reshape(k, k)

    eye = np.eye(n)
    last: dict = {}

    def evaluate(params: dict):
        values = [np.asarray(params[name], dtype=float) for name in sorted(params)]
        key = tuple(v.tobytes() for v in values)
        if last.get("key") == key:
            return last
        alpha, lam = float(params["kernel_alpha"][0]), float(params["kernel_mean_lam"][0])
        gamma, mu = float(params["kernel_gamma"][0]), float(params["kernel_meanx_mean_value"][0])
        d = float(params["kernel_delta"][0]) if delta is None else delta
        inv_bw, c = params["kernel_kernelx_inv_bw"], float(params["kernel_kernelx_covariance_scale"][0])
        noise = float(params["noise_variance"][0])
        k1, k1_a, k1_l = _kappa_and_derivatives(levels, alpha, lam)                    # (k,)
        k12, k12_a, k12_l = _kappa_and_derivatives(levels[:, None] + levels[None, :], alpha, lam)
        S = 1.0 - d * (k1[:, None] + k1[None, :] - d * k12)                           # (k, k)
        dec = k12 - k1[:, None] * k1[None, :]
        p = gamma - d * mu
        P, dP = matern52_profile_and_derivative(np.tensordot(inv_bw * inv_bw, D, axes=1))
        S_full = gather(S) if d != 0.0 else 1.0
        kx = c * P
        L = cholesky_with_jitter(kx * S_full + gather((p * p) * dec) + noise * eye)
        kappa = k1[level_of]                                                            # (n,)
        R = Y - (mu + kappa * p)[:, None]
        A = cho_solve(L, R)                                                             # (n, m)
        value = 0.5 * (m * (n * np.log(2 * np.pi) + 2.0 * np.sum(np.log(np.diag(L)))) + np.sum(R * A))
        W = 0.5 * (m * inverse_from_cholesky(L) - A @ A.T)                              # ∂nll/∂K
        a = -A.sum(axis=1)                                                              # ∂nll/∂m
        a_levels = np.bincount(level_of, weights=a, minlength=k)                        # (k,)
        WS = W * S_full
        W_grid = reduce(W)
        W_kx_grid = reduce(W * kx) if (d != 0.0 or delta is None) else None
        Wdec = np.sum(W_grid * dec)

        def kappa_grad(dk1, dk12):     # Σ W∘∂K/∂θ + aᵀ∂m/∂θ through κ, for θ = α or λ
            ddec = dk12 - dk1[:, None] * k1[None, :] - k1[:, None] * dk1[None, :]
            total = (p * p) * np.sum(W_grid * ddec) + p * np.dot(a_levels, dk1)
            if W_kx_grid is not None:
                total -= d * np.sum(W_kx_grid * (dk1[:, None] + dk1[None, :] - d * dk12))
            return total

        grads = {
            "noise_variance": np.array([np.trace(W)]),
            "kernel_alpha": np.array([kappa_grad(k1_a, k12_a)]),
            "kernel_mean_lam": np.array([kappa_grad(k1_l, k12_l)]),
            # ∂p/∂γ = 1, ∂p/∂μ = −δ, ∂p/∂δ = −μ
            "kernel_gamma": np.array([2.0 * p * Wdec + np.dot(a_levels, k1)]),
            "kernel_kernelx_inv_bw": 2.0 * inv_bw * np.tensordot(D, c * WS * dP, axes=([1, 2], [0, 1])),
            "kernel_kernelx_covariance_scale": np.array([np.sum(WS * P)]),
            "kernel_meanx_mean_value": np.array([-2.0 * d * p * Wdec + np.dot(a_levels, 1.0 - d * k1)]),
        }
        if delta is None:
            dS = -(k1[:, None] + k1[None, :]) + 2.0 * d * k12
            grads["kernel_delta"] = np.array([np.sum(W_kx_grid * dS) - 2.0 * mu * p * Wdec
                                              - mu * np.dot(a_levels, k1)])
        last.clear()
        last.update(key=key, value=value, grads=grads)
        return last

    def nll(params: dict):
        return evaluate(params)["value"]

    nll.value_and_grads = lambda params: (lambda r: (r["value"], dict(r["grads"])))(evaluate(params))
    return nll
