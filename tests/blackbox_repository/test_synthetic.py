"""The built-in blackboxes that need no data."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune.blackbox_repository import blackbox_list, from_function, load_blackbox
from syne_tune.blackbox_repository.synthetic import SYNTHETIC_OPTIMUM
from syne_tune.config_space import randint, uniform


def test_synthetic_curves_cross_and_get_less_noisy_with_fidelity():
    box = load_blackbox("synthetic-mf")["synthetic-mf"]
    fast = {"x0": 0.3, "x1": 0.1, "x2": 0.5}  # starts well, ends worse
    best = {"x0": 0.3, "x1": 0.7, "x2": 0.5}
    fast_curve, best_curve = box(fast, seed=0), box(best, seed=0)
    assert fast_curve[0, 0] < best_curve[0, 0] and fast_curve[-1, 0] > best_curve[-1, 0]
    assert best_curve[-1, 0] == pytest.approx(SYNTHETIC_OPTIMUM, abs=0.02)
    assert np.array_equal(box(best, seed=0), best_curve)  # the same seed gives the same curve
    assert not np.array_equal(box(best, seed=1), best_curve)
    assert np.all(np.diff(best_curve[:, 1]) > 0)  # cumulative elapsed time
    assert box(best, fidelity=81, seed=0)["loss"] == pytest.approx(best_curve[-1, 0])


def test_branin_hartmann6_and_height_reach_their_known_optima():
    assert load_blackbox("branin")["branin"]({"x1": np.pi, "x2": 2.275})["value"] == pytest.approx(0.397887, abs=1e-5)
    optimum = dict(zip([f"x{i}" for i in range(6)], [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]))
    assert load_blackbox("hartmann6")["hartmann6"](optimum)["value"] == pytest.approx(-3.32237, abs=1e-4)
    height = load_blackbox("height")["height"]
    assert height({"width": 20, "height": -100}, fidelity=100)["mean_loss"] == pytest.approx(
        1 / (0.1 + 20 * 99 / 100) - 10)


def test_from_function_and_names():
    box = from_function({"x": uniform(0, 1)}, lambda config, fidelity, seed: {"y": config["x"] * fidelity, "t": fidelity},
                        fidelity_space={"epoch": randint(1, 4)}, objectives_names=["y", "t"])
    assert box({"x": 0.5}).tolist() == [[0.5, 1], [1.0, 2], [1.5, 3], [2.0, 4]]
    assert {"fcnet", "nasbench201", "hpobench", "synthetic-mf"} <= set(blackbox_list())
    with pytest.raises(ValueError, match="'name' argument of load_blackbox"):
        load_blackbox("nope")
