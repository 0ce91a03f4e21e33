"""The synthetic test functions of Bayesian optimization, defined once: Branin and Hartmann6.

Plain functions of numbers, with their domains and global minima. The built-in blackboxes
(:mod:`syne_tune.blackbox_repository.synthetic`) and the benchmark scripts all use these. Numpy
is the only import: ``benchmarking/scripts/run_mobster_vs_original.py`` also loads this file by
its path in the original library's interpreter, where ``syne_tune`` is another package.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BRANIN_DOMAIN = {"x1": (-5.0, 10.0), "x2": (0.0, 15.0)}
BRANIN_MINIMUM = 0.397887  # at three points, e.g. (-pi, 12.275)
HARTMANN6_DOMAIN = {f"x{i}": (0.0, 1.0) for i in range(6)}
HARTMANN6_MINIMUM = -3.32237  # at x ~ (0.20, 0.15, 0.48, 0.28, 0.31, 0.66)

_HARTMANN_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                        [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_HARTMANN_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                               [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def branin(x1: float, x2: float) -> float:
    """Branin-Hoo on x1 in [-5, 10], x2 in [0, 15] (``BRANIN_DOMAIN``)."""
    return float((x2 - 5.1 / (4 * np.pi ** 2) * x1 ** 2 + 5 / np.pi * x1 - 6) ** 2
                 + 10 * (1 - 1 / (8 * np.pi)) * np.cos(x1) + 10)


def hartmann6(x: Sequence[float]) -> float:
    """Hartmann 6-d on [0, 1]^6 (``HARTMANN6_DOMAIN``); ``x`` holds the six coordinates in order."""
    x = np.asarray(x, dtype=float)
    return float(-np.sum(_HARTMANN_ALPHA * np.exp(-np.sum(_HARTMANN_A * (x - _HARTMANN_P) ** 2, axis=1))))
