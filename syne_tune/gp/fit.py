"""Empirical-Bayes fit of GP hyperparameters: L-BFGS-B with restarts on the MAP objective.

All hyperparameters live in one flat vector θ: log(value) for positive parameters, the value
itself otherwise, in the order of ``model.parameters`` (as the original library: restart 0 from the
entry values, restart i > 0 from entry + N(0, 1) in θ-space, clipped; best restart wins).
Optional ``warm_start`` (the previous optimum) replaces the random start of restart 1.
Value and gradient are those of autograd on :func:`~syne_tune.gp.likelihood.neg_log_posterior`, written
out around the model's vector-Jacobian product (:func:`map_objective`), handed to
``scipy.optimize.minimize(jac=True)``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np
import scipy.optimize

from syne_tune.gp.likelihood import add_to_diagonal, gaussian_nll, nll_gradient_in_K
from syne_tune.gp.model import GPModel

logger = logging.getLogger(__name__)


def pack(model: GPModel, params: dict) -> np.ndarray:
    """params dict -> θ: (p,)."""
    parts = [np.log(params[s.name]) if s.positive else np.asarray(params[s.name], dtype=float)
             for s in model.parameters]
    return np.concatenate([np.atleast_1d(p) for p in parts])


def unpack(model: GPModel, theta) -> dict:
    """θ: (p,) -> params dict (traceable: θ may be an autograd box)."""
    positive = np.concatenate([np.full(s.size, s.positive) for s in model.parameters])
    # identity entries never reach exp (no overflow)
    values = anp.where(positive, anp.exp(anp.where(positive, theta, 0.0)), theta)
    params, start = {}, 0
    for s in model.parameters:
        params[s.name] = values[start:start + s.size]
        start += s.size
    return params


def theta_bounds(model: GPModel) -> list[tuple[float | None, float | None]]:
    """Box bounds on θ, one pair per entry."""
    bounds = []
    for s in model.parameters:
        lo, hi = (np.log(s.lower), np.log(s.upper)) if s.positive else (s.lower, s.upper)
        lo = None if not np.isfinite(lo) else float(lo)
        hi = None if not np.isfinite(hi) else float(hi)
        bounds += [(lo, hi)] * s.size
    return bounds


def map_objective(model: GPModel, X: np.ndarray, y: np.ndarray):
    """θ -> (MAP objective, gradient in θ), equal to autograd on :func:`~syne_tune.gp.likelihood.neg_log_posterior`
    (tests/gp/test_fast_paths.py) but written out around the model's values: the likelihood's and the
    priors' gradients are explicit, only ``model.values_and_parameter_vjp`` is autograd (by default)
    or a model's own fast path. autograd's fixed cost per traced operation otherwise dominates at a
    hundred observations (docs/benchmarks-bayesopt.md)."""
    Y = np.asarray(y, dtype=float).reshape(X.shape[0], -1)
    positive = np.concatenate([np.full(s.size, s.positive) for s in model.parameters])
    priors = [(s.name, s.log_prior) for s in model.parameters if s.log_prior is not None]
    slices = np.cumsum([0] + [s.size for s in model.parameters])

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        values = np.where(positive, np.exp(np.where(positive, theta, 0.0)), theta)
        params = {s.name: values[start:end] for s, start, end in zip(model.parameters, slices[:-1], slices[1:])}
        K, mean, parameter_vjp = model.values_and_parameter_vjp(params, X)
        K = add_to_diagonal(K, params["noise_variance"][0])
        workspace: dict = {}
        R = Y - mean[:, None]
        value = gaussian_nll(K, R, workspace)
        gK = nll_gradient_in_K(workspace, R.shape[1])
        gradients = parameter_vjp(gK, -workspace["A"].sum(axis=1))
        gradients["noise_variance"] = gradients["noise_variance"] + np.trace(gK)
        for name, prior in priors:
            prior_value, prior_gradient = prior.value_and_gradient(params[name])
            value -= prior_value
            gradients[name] = gradients[name] - prior_gradient
        gradient = np.concatenate([np.reshape(gradients[s.name], s.size) for s in model.parameters])
        return float(value), np.where(positive, gradient * values, gradient)     # chain rule through exp

    return objective


@dataclass(frozen=True)
class FitResult:
    params: dict
    objective: float
    num_evaluations: int


def fit_hyperparameters(model: GPModel, X: np.ndarray, y: np.ndarray, init_params: dict, *,
                        num_restarts: int = 2, maxiter: int = 50, tol: float = 1e-6,
                        random_state: np.random.RandomState, warm_start: dict | None = None) -> FitResult:
    """Minimizes −log p(y | X, θ) − log p(θ) by L-BFGS-B from ``init_params`` and perturbed restarts.

    Args:
        X: (n, d) inputs; y: (n,) or (n, m) targets (normalized).
        init_params: entry values (init values after a reset, or the previous optimum to warm-start).
        warm_start: e.g. the optimum of the previous fit; if given, restart 1 starts there instead
            of at a random perturbation (it usually converges in a few iterations).
    Returns the best parameters found; ``init_params`` if every restart fails.
    """
    fun = map_objective(model, X, y)

    bounds = theta_bounds(model)
    lower = np.array([-np.inf if b[0] is None else b[0] for b in bounds])
    upper = np.array([np.inf if b[1] is None else b[1] for b in bounds])
    theta0 = np.clip(pack(model, init_params), lower, upper)
    best = FitResult(init_params, np.inf, 0)
    evaluations = 0
    for restart in range(num_restarts):
        if restart == 0:
            start = theta0
        elif restart == 1 and warm_start is not None:
            start = np.clip(pack(model, warm_start), lower, upper)
        else:
            start = np.clip(theta0 + random_state.normal(size=theta0.shape), lower, upper)
        try:
            result = scipy.optimize.minimize(fun, start, jac=True, method="L-BFGS-B", bounds=bounds, tol=tol,
                                             options={"maxiter": maxiter})
        except (np.linalg.LinAlgError, FloatingPointError, ValueError) as error:
            logger.warning("GP fit restart %d failed: %s", restart, error)
            continue
        evaluations += result.nfev
        logger.debug("GP fit restart %d: objective %.4f after %d evaluations (%s)", restart, result.fun,
                     result.nfev, result.message)
        if np.isfinite(result.fun) and result.fun < best.objective:
            best = FitResult(unpack(model, np.clip(result.x, lower, upper)), float(result.fun), evaluations)
    return FitResult(best.params, best.objective, evaluations)
