"""Negative log marginal likelihood of a GP with Gaussian noise, plus log priors (MAP objective).

Notation: ``X: (n, d)`` inputs, ``Y: (n, m)`` targets (m columns share the kernel, e.g. fantasies),
``K = k(X, X) + σ² I: (n, n)``, ``R = Y − m(X): (n, m)``.

    nll = Σ_columns 0.5·(n log 2π + log det K + Rᵀ K⁻¹ R)          (Rasmussen & Williams, eq. 2.30)

The Gaussian term is one autograd primitive with an analytic VJP,
    ∂nll/∂K = 0.5·(m K⁻¹ − A Aᵀ),  ∂nll/∂R = A,  A = K⁻¹ R             (R&W eq. 5.9),
so autograd only traces the (cheap, elementwise) kernel and mean; Cholesky and solves run in numpy.
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp_argnums, primitive

from syne_tune.gp.linalg import cho_solve, cholesky_with_jitter
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
