"""The DEHB benchmark: the same multi-fidelity Hartmann6 as the MOBSTER one, its regret rules, a short run."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarking.scripts import run_dehb_benchmark as bench
from benchmarking.scripts.run_mobster_vs_original import mf_hartmann6


def test_blackbox_is_the_mobster_benchmark_function():
    x = np.array([0.2, 0.15, 0.48, 0.28, 0.31, 0.66])
    curve = mf_hartmann6(x, np.arange(1, 28), seed=3, max_t=27, seconds_per_epoch=1.0)
    blackbox = bench.make_blackbox()
    config = dict(zip(bench.NAMES, x))
    for epoch in (1, 9, 27):
        value = blackbox.objective_function(config, {"epoch": epoch}, seed=3)
        assert value["loss"] == pytest.approx(curve[epoch - 1, 0])
        assert bench.loss_at(x, epoch, 3) == pytest.approx(curve[epoch - 1, 0])


def test_oracle_regret_only_falls():
    good, bad = [0.2, 0.15, 0.48, 0.28, 0.31, 0.66], [0.9] * 6
    trace = bench.oracle_trace([(1.0, 0, 1, 0.0, bad), (2.0, 1, 1, 9.0, good), (3.0, 2, 3, -9.0, bad)])
    assert [t for t, _ in trace] == [1.0, 2.0] and trace[1][1] < 0.01


def test_short_dehb_run_and_table():
    run = bench.run_once("DEHB", 0, 60.0)
    assert run["trials"] > 20 and run["trace"] and all(t <= 60.0 for t, _ in run["trace"])
    lines = bench.table({"DEHB": [run]}, 60.0)
    assert lines[0].startswith("| method | regret 15 s") and lines[2].startswith("| DEHB |")
