"""Every example in examples/tools runs to its end (each skips without the package it shows)."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
# example -> (the package it needs, the seconds its tuning budget is capped at: trials must get to report)
EXAMPLES = {
    "ask_tell.py": (None, None),
    "launch_mlflow.py": ("mlflow", 4),
    "launch_tensorboard.py": ("tensorboardX", 4),
    "launch_wandb.py": ("wandb", 4),
    "launch_lightgbm.py": ("lightgbm", 15),
    "launch_lightning.py": ("lightning", 40),
}


def test_every_example_in_examples_tools_is_run_here():
    assert sorted(p.name for p in (REPO / "examples" / "tools").glob("*.py")) == sorted(EXAMPLES)


def _budget_prelude(seconds: int) -> str:
    return (f"import syne_tune.stopping_criterion as _c\n_p = _c.StoppingCriterion.__post_init__\n"
            f"def _short(self):\n    _p(self)\n    self.max_wallclock_time = min(self.max_wallclock_time or {seconds}, "
            f"{seconds})\n_c.StoppingCriterion.__post_init__ = _short\n")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs(name, tmp_path):
    module, seconds = EXAMPLES[name]
    if module is not None and importlib.util.find_spec(module) is None:
        pytest.skip(f"{name} needs {module}: pip install 'syne-tune[trackers,frameworks]' (CI runs it in .ci/run's trackers step)")
    example = REPO / "examples" / "tools" / name
    program = tmp_path / name
    prelude = _budget_prelude(seconds) if seconds else ""
    program.write_text(prelude + f"\n__file__ = {str(example)!r}\n" + example.read_text())
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home), XDG_CACHE_HOME=str(home),
               WANDB_MODE="offline", WANDB_DIR=str(tmp_path), MLFLOW_TRACKING_URI=f"sqlite:///{tmp_path / 'mlflow.db'}",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    run = subprocess.run([sys.executable, str(program)], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    if name == "ask_tell.py":
        assert run.stdout.startswith("best trial")
    else:
        assert "Tuning finished" in run.stderr
        assert "could not" not in run.stderr, run.stderr[-3000:]  # no tracker call failed
