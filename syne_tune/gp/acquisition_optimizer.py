"""Choose the next point: score random candidates, then refine the best few by L-BFGS-B on −EI.

Notation: ``candidates: (c, d)`` encoded, ``bounds: (d, 2)``, ``predict(Xq (q, d)) -> (mean (q, m),
std (q,))``: a :class:`~syne_tune.gp.posterior.Predictor` (its ``with_vjp`` gives the gradient without a
trace) or any function written with autograd.numpy (then traced), ``best: (m,)``.
As in the original library: rank candidates (Thompson or EI), optimize from the top one; if the result is
excluded fall back to the candidate itself, then to the next ranked candidate. Here the top
``num_local_starts`` candidates (and optional extra starts such as the incumbent) are optimized in
one batched L-BFGS-B run and tried by decreasing EI; ``num_local_starts=1`` is what the original library does.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import autograd.numpy as anp
import numpy as np
import scipy.optimize
from autograd import value_and_grad

from syne_tune.gp.acquisition import XI, expected_improvement, log_expected_improvement, thompson_indep_scores


# Optimize log EI rather than EI from each start (measured in docs/benchmarks-bayesopt.md).
LOG_EI = True
# L-BFGS-B's relative stopping tolerance on Σ log EI: 1e-6 is a relative change of about 1e-5 in
# EI at 6 starts; the default (2.2e-9) spends iterations on digits that do not move the choice.
LOG_EI_FTOL = 1e-6


@dataclass(frozen=True)
class Choice:
    """Chosen encoded point, its EI and log EI (finite where EI underflows to 0), and how it was
    found ('local', 'candidate', 'enumerated', 'local search')."""

    x: np.ndarray
    ei: float
    how: str
    rank: int
    log_ei: float = -np.inf


def rank_candidates(candidates: np.ndarray, predict: Callable, best: np.ndarray, scoring: str,
                    random_state: np.random.RandomState, xi: float = XI) -> np.ndarray:
    """Indices of ``candidates`` from best to worst ('thompson_indep' or 'acq_func')."""
    mean, std = predict(candidates)[:2]
    if scoring == "thompson_indep":
        scores = thompson_indep_scores(mean, std, random_state)
    else:
        scores = -expected_improvement(mean, std, best, xi)
    return np.argsort(scores, kind="stable")


def local_optimize_batch(X0: np.ndarray, predict: Callable, best: np.ndarray, bounds: np.ndarray,
                         maxiter: int = 1000, xi: float = XI, log_ei: bool | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """L-BFGS-B on −EI (``log_ei``: −log EI) from each row of ``X0: (k, d)`` at once; returns points
    (k, d) and their EI (k,). ``log_ei=None`` follows the module default ``LOG_EI``.

    −Σ_j EI(x_j) is separable, so one L-BFGS-B run on the stacked (k·d,) vector optimizes all k
    starts with one prediction per iteration; its gradient comes from autograd (one trace). log EI
    keeps a gradient where EI underflows to 0
    (far from the incumbent). Each row keeps its start if that has the larger EI (e.g. after a
    failed line search).
    """
    k, d = X0.shape
    log_ei = LOG_EI if log_ei is None else log_ei
    acquisition = log_expected_improvement if log_ei else expected_improvement
    with_vjp = getattr(predict, "with_vjp", None)
    if with_vjp is None:        # all k starts as one vectorized objective: one autograd trace per evaluation
        value_and_gradient = value_and_grad(
            lambda flat: -anp.sum(acquisition(*predict(anp.reshape(flat, (k, d))), best, xi)))

        def fun(flat):
            value, gradient = value_and_gradient(flat)
            return float(value), np.asarray(gradient, dtype=float)
    else:                       # the same objective and gradient, written out (no trace)
        def fun(flat):
            mean, std, vjp = with_vjp(np.reshape(flat, (k, d)))
            value, acquisition_vjp = acquisition.value_and_vjp(mean, std, best, xi)
            g = acquisition_vjp(-np.ones(k))
            return -float(np.sum(value)), np.ravel(vjp(g[0], g[1]))

    options = {"maxiter": maxiter, **({"ftol": LOG_EI_FTOL} if log_ei else {})}
    result = scipy.optimize.minimize(fun, X0.ravel(), jac=True, method="L-BFGS-B",
                                     bounds=[tuple(b) for b in np.tile(bounds, (k, 1))], options=options)
    X = np.clip(np.reshape(result.x, (k, d)), bounds[:, 0], bounds[:, 1])
    X = np.where(np.all(np.isfinite(X), axis=1, keepdims=True), X, X0)
    mean, std = predict(np.vstack([X, X0]))[:2]
    ei = expected_improvement(mean, std, best, xi)
    keep_start = ei[k:] > ei[:k]
    return np.where(keep_start[:, None], X0, X), np.maximum(ei[:k], ei[k:])


def choose_next(candidates: np.ndarray, predict: Callable, best: np.ndarray, bounds: np.ndarray, *,
                scoring: str, skip_local_optimization: bool, is_excluded: Callable[[np.ndarray], bool],
                random_state: np.random.RandomState, max_tries: int = 20, xi: float = XI,
                num_local_starts: int = 1, extra_starts: np.ndarray | None = None) -> Choice | None:
    """Best non-excluded point, or None if the first ``max_tries`` ranked candidates are all excluded.

    The top ``num_local_starts`` ranked candidates, plus ``extra_starts: (e, d)`` if given (e.g. the
    incumbent), are refined by L-BFGS-B on −EI (the original library: the top candidate only);
    the refined points are tried by decreasing EI, each followed by its start candidate, then the
    remaining ranked candidates as they are.
    ``predict`` may work in normalized units if ``xi`` is scaled alike (EI is then normalized too).

    ``is_excluded(x)`` decides on the config x decodes to (de-duplication is the caller's business).
    """
    order = rank_candidates(candidates, predict, best, scoring, random_state, xi)[:max_tries]
    tries: list[tuple[np.ndarray, str, int]] = []
    top = order[:0 if skip_local_optimization else num_local_starts]
    if not skip_local_optimization:
        starts = candidates[top] if extra_starts is None else np.vstack([candidates[top], extra_starts])
        X_local, ei_local = local_optimize_batch(starts, predict, best, bounds, xi=xi)
        for j in np.argsort(-ei_local, kind="stable"):
            tries += [(X_local[j], "local", int(j)), (starts[j], "candidate", int(j))]
    tries += [(candidates[index], "candidate", rank) for rank, index in enumerate(order) if rank >= len(top)]
    for x, how, rank in tries:
        if not is_excluded(x):
            mean, std = predict(x[None, :])[:2]
            log_ei = float(log_expected_improvement(mean, std, best, xi)[0])
            return Choice(x, float(expected_improvement(mean, std, best, xi)[0]), how, rank, log_ei)
    return None


def most_uncertain(candidates: np.ndarray, predict: Callable, is_excluded: Callable[[np.ndarray], bool]
                   ) -> Choice | None:
    """The candidate of largest predictive std that ``is_excluded`` lets through, or None.

    The exploration step for when EI is flat (zero to machine precision everywhere): the model then
    ranks nothing, and the point it knows least about is the one an evaluation teaches most
    (uncertainty sampling). ``candidates: (c, d)``; std is that of ``predict`` (fantasies included,
    so pending points count as known)."""
    std = predict(candidates)[1]
    for rank, index in enumerate(np.argsort(-std, kind="stable")):
        if not is_excluded(candidates[index]):
            return Choice(candidates[index], 0.0, "max-std", rank)
    return None
