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
    """MAP objective: nll − Σ log priors (reference §3.4, "empirical Bayes")."""
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
