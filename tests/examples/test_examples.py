"""Smoke test: every launcher in examples/ runs to its end with a few seconds of budget."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
EXAMPLES = sorted((REPO / "examples").glob("launch_*.py"))


def test_there_is_one_launcher_per_method():
    names = {p.stem for p in EXAMPLES}
    assert {"launch_random_search", "launch_bayesopt", "launch_asha_stopping", "launch_asha_promotion",
            "launch_pasha", "launch_mobster", "launch_hyperband_brackets", "launch_synchronous_random_search",
            "launch_plot_results"} <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(example, tmp_path, short_budget_prelude):
    program = tmp_path / example.name
    # Run as if it were the example itself: __file__ must point into examples/.
    program.write_text(short_budget_prelude + f"\n__file__ = {str(example)!r}\n" + example.read_text())
    env = dict(os.environ, MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, str(program)], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Tuning finished" in run.stderr
