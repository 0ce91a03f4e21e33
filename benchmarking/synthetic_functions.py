"""The synthetic test functions of the benchmark scripts, as config -> value with their config spaces.

The functions themselves are defined once, in ``syne_tune.blackbox_repository.synthetic_functions``
(the built-in blackboxes ``branin`` and ``hartmann6`` evaluate the same ones).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from syne_tune.blackbox_repository import synthetic_functions as functions
from syne_tune.config_space import uniform


@dataclass(frozen=True)
class SyntheticFunction:
    name: str
    function: Callable[[dict], float]
    config_space: dict
    optimum: float  # global minimum


def branin(config: dict) -> float:
    return functions.branin(config["x1"], config["x2"])


def hartmann6(config: dict) -> float:
    return functions.hartmann6([config[f"x{i}"] for i in range(6)])


def _space(domain: dict) -> dict:
    return {name: uniform(*bounds) for name, bounds in domain.items()}


SYNTHETIC_FUNCTIONS = {
    "branin": SyntheticFunction("branin", branin, _space(functions.BRANIN_DOMAIN), functions.BRANIN_MINIMUM),
    "hartmann6": SyntheticFunction("hartmann6", hartmann6, _space(functions.HARTMANN6_DOMAIN),
                                   functions.HARTMANN6_MINIMUM),
}
