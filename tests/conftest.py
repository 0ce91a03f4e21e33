"""Shared fixtures: every test writes results below a temporary folder, never into ~."""
from __future__ import annotations

import pytest

from syne_tune.constants import SYNE_TUNE_FOLDER_ENV


@pytest.fixture(autouse=True)
def _results_root(tmp_path, monkeypatch):
    root = tmp_path / "syne-tune-results"
    monkeypatch.setenv(SYNE_TUNE_FOLDER_ENV, str(root))
    return root
