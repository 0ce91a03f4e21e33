"""End-to-end MOBSTER: HyperbandScheduler(searcher='bayesopt') + Tuner + LocalBackend."""
from pathlib import Path

import pandas as pd
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import randint
from syne_tune.optimizer.schedulers import HyperbandScheduler
from syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher import GPMultiFidelitySearcher

SCRIPT = Path(__file__).parents[3] / "examples" / "training_scripts" / "height_example" / "train_height_checkpoint.py"


@pytest.mark.parametrize("type", ["stopping", "promotion"])
def test_mobster_with_local_backend(type, _results_root):
    space = {"epochs": 9, "width": randint(1, 20), "height": randint(-100, 100), "sleep_time": 0.02}
    scheduler = HyperbandScheduler(space, type=type, searcher="bayesopt", metric="mean_loss", mode="min",
                                   resource_attr="epoch", max_resource_attr="epochs", grace_period=1,
                                   reduction_factor=3, random_seed=2,
                                   search_options={"num_init_random": 3, "debug_log": False})
    assert isinstance(scheduler.searcher, GPMultiFidelitySearcher)
    tuner = Tuner(LocalBackend(str(SCRIPT)), scheduler, StoppingCriterion(max_num_trials_started=10), n_workers=2,
                  sleep_time=0.05, results_update_interval=1.0, tuner_name=f"mobster-{type}")
    tuner.run()
    assert str(tuner.tuner_path).startswith(str(_results_root))
    results = pd.read_csv(tuner.tuner_path / "results.csv.zip")
    assert results["trial_id"].nunique() >= 8
    configs = results.groupby("trial_id")[["config_width", "config_height"]].first()
    assert not configs.duplicated().any(), "MOBSTER suggested a config twice"
    searcher = scheduler.searcher
    assert searcher.dataset_size() >= 8
    assert set(searcher.resource_histogram()) <= {1, 3, 9}
    assert "BO" in searcher._decision
