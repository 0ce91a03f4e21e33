"""Shared fixtures: every test writes results below a temporary folder, never into ~."""
from __future__ import annotations

import textwrap

import pytest

from syne_tune.constants import SYNE_TUNE_FOLDER_ENV


@pytest.fixture(autouse=True)
def _results_root(tmp_path, monkeypatch):
    root = tmp_path / "syne-tune-results"
    monkeypatch.setenv(SYNE_TUNE_FOLDER_ENV, str(root))
    return root


SHORT_BUDGET_SECONDS = 4

# Prepended to example and docs programs: caps every StoppingCriterion at a short budget.
SHORT_BUDGET_PRELUDE = textwrap.dedent(f"""
    import syne_tune.stopping_criterion as _criterion
    _post_init = _criterion.StoppingCriterion.__post_init__
    def _short_budget(self):
        _post_init(self)
        self.max_wallclock_time = min(self.max_wallclock_time or {SHORT_BUDGET_SECONDS}, {SHORT_BUDGET_SECONDS})
    _criterion.StoppingCriterion.__post_init__ = _short_budget
""")


@pytest.fixture
def short_budget_prelude() -> str:
    return SHORT_BUDGET_PRELUDE
