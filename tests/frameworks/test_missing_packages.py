"""Without its package, each tracker and framework callback says which extra installs it (no package needed)."""
from __future__ import annotations

import subprocess
import sys

import pytest

HIDE = ("import importlib.util as u; real = u.find_spec; "
        "u.find_spec = lambda name, *a: None if name.split('.')[0] == {module!r} else real(name, *a); ")


@pytest.mark.parametrize("module, extra, statement", [
    ("mlflow", "mlflow", "from syne_tune.callbacks import MLflowCallback; MLflowCallback()"),
    ("tensorboardX", "tensorboard", "from syne_tune.callbacks import TensorboardCallback; TensorboardCallback()"),
    ("wandb", "wandb", "from syne_tune.callbacks import WandbCallback; WandbCallback()"),
    ("lightning", "lightning", "import syne_tune.frameworks.lightning"),
    ("lightgbm", "lightgbm", "import syne_tune.frameworks.lightgbm"),
])
def test_a_missing_package_names_its_extra(module, extra, statement):
    run = subprocess.run([sys.executable, "-c", HIDE.format(module=module) + statement], capture_output=True, text=True)
    assert run.returncode != 0
    assert "ImportError: " in run.stderr and f"pip install 'syne-tune[{extra}]'" in run.stderr, run.stderr[-2000:]
