"""The deprecated module syne_tune.search_space: a warning on import, the config-space functions."""
import importlib
import subprocess
import sys

import pytest

import syne_tune.config_space as config_space


def test_importing_warns_and_reexports_the_config_space_functions():
    sys.modules.pop("syne_tune.search_space", None)
    with pytest.warns(DeprecationWarning, match="syne_tune.config_space"):
        module = importlib.import_module("syne_tune.search_space")
    for name in ("uniform", "loguniform", "choice", "randint", "lograndint", "finrange", "logfinrange",
                 "add_to_argparse", "quniform", "reverseloguniform", "randn"):
        assert getattr(module, name) is getattr(config_space, name)


def test_the_warning_is_an_error_under_w_error():
    run = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", "import syne_tune.search_space"],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "DeprecationWarning" in run.stderr
    run = subprocess.run([sys.executable, "-c", "from syne_tune.search_space import randint; print(randint(1, 3))"],
                         capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "randint(1, 3)"
