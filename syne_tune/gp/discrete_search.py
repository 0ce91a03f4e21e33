"""Choose the next point of a finite config space: score every config when the space is small,
else hill-climb over one-hyperparameter neighbours; never a config the caller excludes.

Why: in a space of categorical and finite-range hyperparameters, rounding the optimum of a
continuous relaxation (:mod:`~syne_tune.gp.acquisition_optimizer`) ranks configs by EI at points
no config has (e.g. one-hot columns at 0.5), and the rounded point is often a config already
evaluated, after which the search falls back to lower-ranked random candidates. Here every
scored point is a config, so the best non-excluded one is taken (measured in
docs/benchmarks-bayesopt.md, section "Categorical spaces").

Notation: ``X: (n, d)`` encoded configs, ``predict(Xq (q, d)) -> (mean (q, m), std (q,), ...)``
as in acquisition_optimizer, ``best: (m,)`` incumbent per fantasy column. Configs are scored by
log EI (finite where EI underflows to 0, so far-away starts still climb).
A hyperparameter's values are its *grid*: their encodings ``(k, width)`` at columns ``start:start + width``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from syne_tune.gp.acquisition import XI, log_expected_improvement
from syne_tune.gp.acquisition_optimizer import Choice
from syne_tune.gp.encoding import ConfigEncoding

# Defaults of the search options max_enumerate and max_enumerate_work: spaces with at most
# max_enumerate configs are enumerated once (NAS-Bench-201: 15,625), and scored exhaustively while
# configs x GP rows <= max_enumerate_work: scoring costs O(configs·rows²) (one BLAS thread: 0.10 s at
# 60 rows, 0.22 s at 200, 0.67 s at 500 for 15,625 configs), so past 128 rows on NAS-Bench-201 the
# local search (~25 ms) takes over. Larger spaces always use the local search.
MAX_ENUMERATE = 20_000
MAX_ENUMERATE_WORK = 2_000_000
# A hyperparameter with more values than this (e.g. randint(1, 1000)) makes the space "continuous":
# the relaxation of acquisition_optimizer is used instead.
MAX_VALUES = 64
# Local search: climbs from this many top-scored random candidates, plus the caller's extra starts.
NUM_STARTS = 10
MAX_STEPS = 50
_CHUNK = 4096


@dataclass
class DiscreteSpace:
    """The finite space: one grid per hyperparameter; every config encoded, if it is small, built
    when first needed and left out of pickles (a searcher is pickled with the tuner)."""

    grids: tuple[tuple[int, np.ndarray], ...]      # (start column, encodings (k, width))
    dim: int
    size: int
    enumerable: bool                               # size <= MAX_ENUMERATE
    _X_all: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def X_all(self) -> np.ndarray | None:
        """Every config, encoded: (size, d); None if the space is not enumerable."""
        if self.enumerable and self._X_all is None:
            self._X_all = enumerate_configs(self.grids, self.dim)
        return self._X_all if self.enumerable else None

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _X_all=None)

    def scorable(self, num_rows: int, max_work: int = MAX_ENUMERATE_WORK) -> bool:
        """True if every config can be scored against a GP of ``num_rows`` rows: the space is
        enumerable and ``size · num_rows`` is at most ``max_work`` (search option ``max_enumerate_work``)."""
        return self.enumerable and self.size * num_rows <= max_work


def discrete_space(encoding: ConfigEncoding, max_enumerate: int | None = None) -> DiscreteSpace | None:
    """The finite space of ``encoding``'s configs, or None if a hyperparameter is continuous or has
    more than ``MAX_VALUES`` values. ``max_enumerate`` defaults to ``MAX_ENUMERATE``."""
    max_enumerate = MAX_ENUMERATE if max_enumerate is None else max_enumerate
    grids = []
    for col in encoding.columns:
        finite = encoding.finite_values(col, MAX_VALUES)
        if finite is None:
            return None
        grids.append((col.start, finite[1]))
    if not grids:
        return None
    size = int(np.prod([len(g) for _, g in grids], dtype=float))
    return DiscreteSpace(tuple(grids), encoding.dim, size, size <= max_enumerate)


def enumerate_configs(grids, dim: int) -> np.ndarray:
    """Every combination of the grids' rows, encoded: (Π k, d), the last hyperparameter varying fastest."""
    index = np.array(list(itertools.product(*[range(len(g)) for _, g in grids])), dtype=int)
    X = np.zeros((index.shape[0], dim))
    for j, (start, grid) in enumerate(grids):
        X[:, start:start + grid.shape[1]] = grid[index[:, j]]
    return X


def neighbours(space: DiscreteSpace, X: np.ndarray) -> np.ndarray:
    """Every config that differs from a row of ``X: (s, d)`` in at most one hyperparameter:
    (s, K, d), K = Σ k over the grids (each row itself appears once per hyperparameter)."""
    blocks = []
    for start, grid in space.grids:
        block = np.repeat(X[:, None, :], grid.shape[0], axis=1)
        block[:, :, start:start + grid.shape[1]] = grid[None, :, :]
        blocks.append(block)
    return np.concatenate(blocks, axis=1)


def log_ei(X: np.ndarray, predict: Callable, best: np.ndarray, xi: float = XI) -> np.ndarray:
    """log EI at the rows of ``X: (q, d)``, predicted in chunks of ``_CHUNK`` rows: (q,)."""
    out = np.empty(X.shape[0])
    for lo in range(0, X.shape[0], _CHUNK):
        mean, std = predict(X[lo:lo + _CHUNK])[:2]
        out[lo:lo + _CHUNK] = log_expected_improvement(mean, std, best, xi)
    return out


def local_search(space: DiscreteSpace, starts: np.ndarray, predict: Callable, best: np.ndarray,
                 xi: float = XI, max_steps: int = MAX_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Steepest ascent of log EI from each row of ``starts: (s, d)``, one hyperparameter changed per
    step, until no neighbour improves. Returns every config scored on the way, deduplicated,
    (p, d), and its log EI (p,), so the caller can pick the best one it does not exclude."""
    current = np.unique(starts, axis=0)
    current_score = log_ei(current, predict, best, xi)
    seen_X, seen_score = [current], [current_score]
    for _ in range(max_steps):
        N = neighbours(space, current)                                   # (s, K, d)
        s, K, d = N.shape
        score = log_ei(N.reshape(s * K, d), predict, best, xi).reshape(s, K)
        seen_X.append(N.reshape(s * K, d))
        seen_score.append(score.ravel())
        step = np.argmax(score, axis=1)
        moves = score[np.arange(s), step] > current_score + 1e-12
        if not moves.any():
            break
        current, current_score = N[moves, step[moves]], score[moves, step[moves]]
    X, first = np.unique(np.vstack(seen_X), axis=0, return_index=True)
    return X, np.concatenate(seen_score)[first]


def choose_next_discrete(space: DiscreteSpace, candidates: np.ndarray, predict: Callable, best: np.ndarray, *,
                         is_excluded: Callable[[np.ndarray], bool], xi: float = XI,
                         extra_starts: np.ndarray | None = None, num_rows: int = 0,
                         max_enumerate_work: int = MAX_ENUMERATE_WORK) -> Choice | None:
    """The config of largest EI that ``is_excluded`` lets through, or None if it excludes every one
    scored. Small spaces: every config (``space.X_all``) while ``space.size · num_rows`` (rows of the
    GP, fantasies included) is at most ``max_enumerate_work`` (search option). Otherwise local search from the
    ``NUM_STARTS`` best of ``candidates: (c, d)`` (random configs) and ``extra_starts: (e, d)``
    (e.g. the incumbent)."""
    if space.scorable(num_rows, max_enumerate_work):
        X, how = space.X_all, "enumerated"
        score = log_ei(X, predict, best, xi)
    else:
        top = candidates[np.argsort(-log_ei(candidates, predict, best, xi), kind="stable")[:NUM_STARTS]]
        starts = top if extra_starts is None else np.vstack([top, extra_starts])
        (X, score), how = local_search(space, starts, predict, best, xi), "local search"
    for rank, index in enumerate(np.argsort(-score, kind="stable")):
        if not is_excluded(X[index]):
            return Choice(X[index], float(np.exp(score[index])), how, rank, float(score[index]))
    return None
