"""Hypervolume of loss vectors (every objective minimized), the multi-objective quality measure.

``Y: (n, m)`` losses, ``reference: (m,)`` a point worse than every point of interest; the
hypervolume is the volume of the region dominated by ``Y`` and bounded by ``reference``
(Zitzler & Thiele, 1998). Exact, by slicing along the last objective (HSO; fine for the
few hundred points and 2-4 objectives of a tuning run). Points not better than the reference
in every objective, and non-finite ones, add nothing.
"""
from __future__ import annotations

import numpy as np

from syne_tune.optimizer.schedulers.multiobjective.non_dominated import pareto_mask


def default_reference_point(Y: np.ndarray) -> np.ndarray:
    """The worst finite loss per objective, moved out by 1e-6 (relative) + 1e-6: ``(m,)``."""
    Y = np.asarray(Y, dtype=float)
    worst = Y[np.all(np.isfinite(Y), axis=1)].max(axis=0)
    return worst + 1e-6 * np.abs(worst) + 1e-6


def hypervolume(Y: np.ndarray, reference: np.ndarray) -> float:
    """Volume dominated by the rows of ``Y`` inside the box below ``reference``."""
    Y = np.asarray(Y, dtype=float)
    reference = np.asarray(reference, dtype=float)
    if Y.size == 0:
        return 0.0
    Y = Y[np.all(np.isfinite(Y), axis=1) & np.all(Y < reference, axis=1)]
    if len(Y) == 0:
        return 0.0
    return _hso(Y[pareto_mask(Y)], reference)


def _hso(Y: np.ndarray, reference: np.ndarray) -> float:
    if Y.shape[1] == 1:
        return float(reference[0] - Y[:, 0].min())
    order = np.argsort(Y[:, -1], kind="stable")
    Y = Y[order]
    volume = 0.0
    for i in range(len(Y)):
        upper = Y[i + 1, -1] if i + 1 < len(Y) else reference[-1]
        depth = upper - Y[i, -1]
        if depth > 0:
            slice_points = Y[:i + 1, :-1]
            volume += depth * _hso(slice_points[pareto_mask(slice_points)], reference[:-1])
    return volume


def hypervolume_cumulative(Y: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``(n,)``: entry i is the hypervolume of ``Y[:i + 1]`` (rows in the order they were reported).

    Only a row inside the reference box that no earlier row weakly dominates changes the value
    (a point outside the box dominates none inside), so the others cost one comparison.
    """
    Y = np.asarray(Y, dtype=float)
    reference = np.asarray(reference, dtype=float)
    values, front, current = np.zeros(len(Y)), np.zeros((0, Y.shape[1])), 0.0
    for i, y in enumerate(Y):
        if np.all(np.isfinite(y)) and np.all(y < reference) and not np.any(np.all(front <= y, axis=1)):
            front = np.vstack([front, y])
            front = front[pareto_mask(front)]
            current = _hso(front, reference)  # the front is finite, inside the box and non-dominated
        values[i] = current
    return values
