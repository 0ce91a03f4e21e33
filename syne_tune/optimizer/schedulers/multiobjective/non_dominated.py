"""Pareto dominance and non-dominated sorting of loss vectors (every objective minimized).

``Y: (n, m)`` holds n points of m losses (metrics negated in 'max' mode). A point with a
non-finite loss (NaN, +-inf) counts as the worst: it is dominated by every finite point and
sorted after all of them (:func:`to_losses`).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np


def to_losses(values: Sequence[float], modes: Sequence[str]) -> np.ndarray:
    """Metric values -> loss vector ``(m,)``; all +inf if any value is not finite (the worst point)."""
    losses = np.array([float(v) if mode == "min" else -float(v) for v, mode in zip(values, modes)])
    return losses if all(math.isfinite(v) for v in losses) else np.full(len(losses), np.inf)


def _dominated_by(Y: np.ndarray, start: int, stop: int) -> np.ndarray:
    """``(stop - start, n)``: [i, j] True where point j dominates point ``start + i`` (<= in every
    loss, < in one); one block of rows at a time keeps memory at ``block * n * m``."""
    points = Y[start:stop, None, :]  # (b, 1, m) against (n, m)
    return np.all(Y <= points, axis=2) & np.any(Y < points, axis=2)


def pareto_mask(Y: np.ndarray, block: int = 256) -> np.ndarray:
    """``(n,)`` True where no other point dominates (<= in every loss, < in one). Equal points both stay.

    Compares ``block`` points at a time against all, not one by one.
    """
    Y = np.asarray(Y, dtype=float)
    n = Y.shape[0]
    mask = np.ones(n, dtype=bool)
    for start in range(0, n, block):
        mask[start:start + block] = ~_dominated_by(Y, start, start + block).any(axis=1)
    return mask


def nondominated_fronts(Y: np.ndarray, block: int = 256) -> list[np.ndarray]:
    """Indices of the first Pareto front, of the front once it is removed, and so on.

    One dominance matrix, then fronts peeled by counting each point's remaining dominators
    (the fast non-dominated sort of NSGA-II): O(n^2 m), not a Pareto mask per front.
    """
    Y = np.asarray(Y, dtype=float)
    dominated_by = np.vstack([_dominated_by(Y, start, start + block) for start in range(0, len(Y), block)]
                             or [np.zeros((0, 0), dtype=bool)])
    dominators = dominated_by.sum(axis=1)
    remaining = np.ones(len(Y), dtype=bool)
    fronts = []
    while remaining.any():
        front = np.flatnonzero(remaining & (dominators == 0))
        fronts.append(front)
        remaining[front] = False
        dominators -= dominated_by[:, front].sum(axis=1)
    return fronts


def _spread_order(Y: np.ndarray) -> list[int]:
    """Greedy farthest-point (epsilon-net) order within one front: start at the best first loss,
    then always the point farthest from those chosen (losses scaled to their range)."""
    scale = np.ptp(Y, axis=0)
    Z = (Y - Y.min(axis=0)) / np.where(scale > 0, scale, 1.0)
    order = [int(np.argmin(Y[:, 0]))]
    distance = np.linalg.norm(Z - Z[order[0]], axis=1)
    while len(order) < len(Y):
        distance[order] = -1.0
        nxt = int(np.argmax(distance))
        order.append(nxt)
        distance = np.minimum(distance, np.linalg.norm(Z - Z[nxt], axis=1))
    return order


def nondominated_order(Y: np.ndarray) -> np.ndarray:
    """Indices of ``Y`` best first: front by front, each front in :func:`_spread_order`.

    Points with non-finite losses come last, in index order.
    """
    Y = np.asarray(Y, dtype=float)
    finite = np.all(np.isfinite(Y), axis=1)
    order: list[int] = []
    for front in nondominated_fronts(Y[finite]):
        indices = np.flatnonzero(finite)[front]
        order += [int(indices[i]) for i in _spread_order(Y[indices])]
    return np.array(order + [int(i) for i in np.flatnonzero(~finite)], dtype=int)


def rank_of_last(Y: np.ndarray) -> int:
    """Position (0 = best) of the last row of ``Y`` in :func:`nondominated_order`."""
    return int(np.flatnonzero(nondominated_order(Y) == len(Y) - 1)[0])
