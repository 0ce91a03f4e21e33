"""Standard synthetic test functions for Bayesian optimization, with config spaces and optima.

Each function takes a config dict and returns the value to minimize.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from syne_tune.config_space import uniform


def branin(config: dict) -> float:
    """Branin-Hoo on x1 ∈ [−5, 10], x2 ∈ [0, 15]; global minimum 0.397887 (three minimizers)."""
    x1, x2 = config["x1"], config["x2"]
    b, c, r, s, t = 5.1 / (4 * np.pi ** 2), 5 / np.pi, 6.0, 10.0, 1 / (8 * np.pi)
    return float((x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * np.cos(x1) + s)


_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                  [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])


def hartmann6(config: dict) -> float:
    """Hartmann 6-d on [0, 1]^6; global minimum −3.32237."""
    x = np.array([config[f"x{i}"] for i in range(6)])
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


@dataclass(frozen=True)
class SyntheticFunction:
    name: str
    function: Callable[[dict], float]
    config_space: dict
    optimum: float  # global minimum


SYNTHETIC_FUNCTIONS = {
    "branin": SyntheticFunction("branin", branin, {"x1": uniform(-5, 10), "x2": uniform(0, 15)}, 0.397887),
    "hartmann6": SyntheticFunction("hartmann6", hartmann6, {f"x{i}": uniform(0, 1) for i in range(6)}, -3.32237),
}
