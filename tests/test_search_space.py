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


def test_a_launcher_sees_the_warning_under_default_filters(tmp_path):
    launcher = tmp_path / "launch_old.py"
    launcher.write_text("from syne_tune.search_space import randint\nprint(randint(1, 3))\n")
    run = subprocess.run([sys.executable, str(launcher)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "randint(1, 3)"
    assert "launch_old.py:1: DeprecationWarning: syne_tune.search_space is deprecated" in run.stderr
