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


@pytest.fixture(scope="session")
def stored_experiments(tmp_path_factory):
    """Two real LocalBackend runs in their own results root: random search (trials run to their end)
    and ASHA with promotion (trials paused and resumed). Returns (root, {"fifo": name, "asha": name})."""
    from pathlib import Path

    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler

    root = tmp_path_factory.mktemp("stored-experiments")
    script = str(Path(__file__).parent / "scripts" / "configurable_script.py")
    space = {"x": uniform(0, 1), "epochs": 4, "sleep": 0.05}
    schedulers = {
        "fifo": (FIFOScheduler(space, metric="loss", mode="min", random_seed=1),
                 StoppingCriterion(max_num_trials_completed=5)),
        "asha": (HyperbandScheduler(space, type="promotion", max_t=4, grace_period=1, reduction_factor=2,
                                    metric="loss", mode="min", random_seed=1),
                 StoppingCriterion(max_num_trials_started=10)),
    }
    names = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SYNE_TUNE_FOLDER_ENV, str(root))
        for key, (scheduler, stop) in schedulers.items():
            tuner = Tuner(LocalBackend(script), scheduler, stop, n_workers=2, sleep_time=0.2,
                          tuner_name=f"stored-{key}", metadata={"method": key.upper()}, progress="off")
            tuner.run()
            names[key] = tuner.name
    return root, names
