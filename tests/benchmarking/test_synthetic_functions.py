"""Branin and Hartmann6 are one definition: the blackboxes, the benchmark registry and the MOBSTER
side-by-side script all evaluate syne_tune.blackbox_repository.synthetic_functions."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarking.scripts import run_mobster_vs_original
from benchmarking.synthetic_functions import SYNTHETIC_FUNCTIONS
from syne_tune.blackbox_repository import load_blackbox
from syne_tune.blackbox_repository import synthetic_functions as functions

HARTMANN6_ARGMIN = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]


@pytest.mark.parametrize("name, point, minimum", [
    ("branin", {"x1": -np.pi, "x2": 12.275}, functions.BRANIN_MINIMUM),
    ("hartmann6", {f"x{i}": v for i, v in enumerate(HARTMANN6_ARGMIN)}, functions.HARTMANN6_MINIMUM),
])
def test_every_user_evaluates_the_one_definition(name, point, minimum):
    registry = SYNTHETIC_FUNCTIONS[name]
    blackbox = load_blackbox(name)[name]
    value = registry.function(point)
    assert value == pytest.approx(minimum, abs=1e-5) and registry.optimum == minimum
    assert blackbox.objective_function(point)["value"] == value
    assert set(blackbox.configuration_space) == set(registry.config_space) == set(point)
    rng = np.random.default_rng(0)
    for _ in range(5):  # away from the optimum too
        config = {key: float(rng.uniform(space.lower, space.upper)) for key, space in registry.config_space.items()}
        assert blackbox.objective_function(config)["value"] == registry.function(config)
        if name == "hartmann6":
            assert run_mobster_vs_original.hartmann6(np.array(list(config.values()))) == registry.function(config)
    assert run_mobster_vs_original.HARTMANN6_MIN == functions.HARTMANN6_MINIMUM
