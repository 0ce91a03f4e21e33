"""Choose the next point: score random candidates, then refine the best by L-BFGS-B on −EI.

Notation: ``candidates: (c, d)`` encoded, ``bounds: (d, 2)``, ``predict(Xq (q, d)) -> (mean (q, m),
std (q,))`` in criterion units and differentiable by autograd, ``best: (m,)``.
Reference §3.3: rank candidates (Thompson or EI), optimize from the top one; if the result is
excluded fall back to the candidate itself, then to the next ranked candidate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import autograd
import numpy as np
import scipy.optimize

from syne_tune.gp.acquisition import XI, expected_improvement, thompson_indep_scores


@dataclass(frozen=True)
class Choice:
    """Chosen encoded point, its EI, and how it was found ('local', 'candidate')."""

    x: np.ndarray
    ei: float
    how: str
    rank: int


def rank_candidates(candidates: np.ndarray, predict: Callable, best: np.ndarray, scoring: str,
                    random_state: np.random.RandomState, xi: float = XI) -> np.ndarray:
    """Indices of ``candidates`` from best to worst ('thompson_indep' or 'acq_func')."""
    mean, std = predict(candidates)
    if scoring == "thompson_indep":
        scores = thompson_indep_scores(mean, std, random_state)
    else:
        scores = -expected_improvement(mean, std, best, xi)
    return np.argsort(scores, kind="stable")


def local_optimize(x0: np.ndarray, predict: Callable, best: np.ndarray, bounds: np.ndarray,
                   maxiter: int = 1000, xi: float = XI) -> np.ndarray:
    """L-BFGS-B on −EI from ``x0: (d,)`` within ``bounds``; returns x0 if the line search fails."""
    def neg_ei(x):
        mean, std = predict(x[None, :])
        return -expected_improvement(mean, std, best, xi)[0]

    value_and_grad = autograd.value_and_grad(neg_ei)

    def fun(x):
        value, grad = value_and_grad(x)
        return float(value), np.asarray(grad, dtype=float)

    result = scipy.optimize.minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=[tuple(b) for b in bounds],
                                     options={"maxiter": maxiter})
    if not np.all(np.isfinite(result.x)) or "ABNORMAL" in str(result.message):
        return x0
    return np.clip(result.x, bounds[:, 0], bounds[:, 1])


def choose_next(candidates: np.ndarray, predict: Callable, best: np.ndarray, bounds: np.ndarray, *,
                scoring: str, skip_local_optimization: bool, is_excluded: Callable[[np.ndarray], bool],
                random_state: np.random.RandomState, max_tries: int = 20, xi: float = XI) -> Choice | None:
    """Best non-excluded point, or None if the first ``max_tries`` ranked candidates are all excluded.

    ``predict`` may work in normalized units if ``xi`` is scaled alike (EI is then normalized too).

    ``is_excluded(x)`` decides on the config x decodes to (de-duplication is the caller's business).
    """
    order = rank_candidates(candidates, predict, best, scoring, random_state, xi)
    for rank, index in enumerate(order[:max_tries]):
        x0 = candidates[index]
        tries = [(x0, "candidate")] if skip_local_optimization else \
            [(local_optimize(x0, predict, best, bounds, xi=xi), "local"), (x0, "candidate")]
        for x, how in tries:
            if not is_excluded(x):
                mean, std = predict(x[None, :])
                return Choice(x, float(expected_improvement(mean, std, best, xi)[0]), how, rank)
    return None
