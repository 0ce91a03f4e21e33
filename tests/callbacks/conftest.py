"""Fixtures of the tracker tests: a private home folder, and the experiment of tracked_experiment.py."""
from __future__ import annotations

import pytest

from tracked_experiment import run_tracked_experiment


@pytest.fixture
def private_home(tmp_path, monkeypatch):
    """Tools that write below the home directory or the working directory write below tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(home))
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture
def run_experiment():
    """``run_experiment(callbacks, type="stopping", num_trials=8, name="tracked") -> (tuner, results)``."""
    return run_tracked_experiment
