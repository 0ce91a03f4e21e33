"""Priorities of loss vectors for MOASHA's ``multiobjective_priority`` (the original's classes).

A priority maps ``Y: (n, m)`` loss vectors (metrics negated in 'max' mode, all finite) to
``(n,)`` numbers, lower being better; MOASHA ranks the newest vector by how many recorded ones
have a strictly lower priority.
"""
from __future__ import annotations

import numpy as np

from syne_tune._validation import bad_argument
from syne_tune.optimizer.schedulers.multiobjective.non_dominated import nondominated_order


class MOPriority:
    """Base class: ``priority(Y) -> (n,)``, lower is better."""

    def __init__(self, metrics: list[str] | None = None):
        self.metrics = metrics

    def __call__(self, Y: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class LinearScalarizationPriority(MOPriority):
    """The mean of the weighted losses (``weights`` default: all 1)."""

    def __init__(self, metrics: list[str] | None = None, weights: list[float] | np.ndarray | None = None):
        super().__init__(metrics)
        self.weights = None if weights is None else np.asarray(weights, dtype=float)
        if self.weights is not None and (self.weights.ndim != 1 or not np.all(np.isfinite(self.weights))):
            raise bad_argument("LinearScalarizationPriority", "weights", "a list of finite numbers", weights)

    def __call__(self, Y: np.ndarray) -> np.ndarray:
        weights = np.ones(Y.shape[1]) if self.weights is None else self.weights
        if len(weights) != Y.shape[1]:
            raise ValueError(f"LinearScalarizationPriority has {len(weights)} weights for {Y.shape[1]} metrics. "
                             "Pass one weight per metric.")
        return np.mean(Y * weights, axis=1)


class FixedObjectivePriority(MOPriority):
    """One loss, column ``dim`` (default 0)."""

    def __init__(self, metrics: list[str] | None = None, dim: int | None = None):
        super().__init__(metrics)
        self.dim = 0 if dim is None else dim

    def __call__(self, Y: np.ndarray) -> np.ndarray:
        return Y[:, self.dim]


class NonDominatedPriority(MOPriority):
    """The position in :func:`nondominated_order` (front by front, spread within a front),
    starting the spread at the best point of column ``dim``. The original returned the sorted
    index list instead of positions, so MOASHA misjudged ranks (docs/differences.md)."""

    def __init__(self, metrics: list[str] | None = None, dim: int | None = 0, max_num_samples: int | None = None):
        super().__init__(metrics)
        if max_num_samples is not None:
            raise bad_argument("NonDominatedPriority", "max_num_samples", "None (every point is sorted exactly)",
                               max_num_samples)
        self.dim = 0 if dim is None else dim

    def __call__(self, Y: np.ndarray) -> np.ndarray:
        columns = [self.dim] + [j for j in range(Y.shape[1]) if j != self.dim]
        positions = np.empty(len(Y))
        positions[nondominated_order(Y[:, columns])] = np.arange(len(Y))
        return positions


def rank_of_last(priority: MOPriority, Y: np.ndarray) -> int:
    """How many rows before the last have a strictly lower priority than the last row."""
    p = np.asarray(priority(Y), dtype=float)
    return int(np.sum(p[:-1] < p[-1]))
