"""Smoke test: every launcher in examples/ runs to its end with a few seconds of budget, and keeps
the claims of ``launcher_claims`` (tests/docs): a scheduler that pauses and resumes trials uses a
checkpointing script, no resumed trial starts again at epoch 1, and "N seconds" holds."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from launcher_claims import (claimed_seconds, scripts_that_do_not_checkpoint, trials_that_went_back,
                             tuner_seconds)

REPO = Path(__file__).parents[2]
EXAMPLES = sorted((REPO / "examples").glob("launch_*.py"))
SHORT_BUDGET_SECONDS = 4  # tests/conftest.py's short_budget_prelude caps every run at this


def test_there_is_one_launcher_per_method():
    names = {p.stem for p in EXAMPLES}
    assert {"launch_random_search", "launch_bayesopt", "launch_asha_stopping", "launch_asha_promotion",
            "launch_pasha", "launch_mobster", "launch_hyperband_brackets", "launch_synchronous_random_search",
            "launch_plot_results"} <= names


def test_examples_that_pause_and_resume_trials_use_a_checkpointing_script():
    verdicts = {p.stem: scripts_that_do_not_checkpoint(p.read_text()) for p in EXAMPLES}
    checked = {name for name, missing in verdicts.items() if missing is not None}
    assert {"launch_asha_promotion", "launch_pasha", "launch_pbt", "launch_sync_hyperband"} <= checked
    assert not {name: missing for name, missing in verdicts.items() if missing}


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
    went_back = trials_that_went_back()
    assert not went_back, f"trials whose resource went back (a resume restarted the training): {went_back}"
    seconds = claimed_seconds(example.read_text())
    if seconds is not None:
        # Each run should use its (capped) time budget, not end early on another criterion.
        budget = min(seconds, SHORT_BUDGET_SECONDS)
        short = {name: t for name, t in tuner_seconds().items() if t < 0.7 * budget}
        assert not short, f"claims {seconds} seconds, but these runs ended early (seconds): {short}"
