"""Synchronous Hyperband, BOHB, KDE, PBT and MOASHA end to end with the SimulatorBackend."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarking import comparison
from benchmarking.methods import METHODS
from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import randint, uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import MOASHA


@pytest.mark.parametrize("name", ["SYNC-HB", "SYNC-BOHB", "BOHB", "KDE", "PBT"])
def test_method_runs_in_simulated_time(name):
    result = comparison.run_one(name, METHODS[name], "synthetic-mf",
                                     comparison.SIMULATED_BENCHMARKS["synthetic-mf"], 0, 900.0)
    assert result.error is None and result.num_trials >= 4
    assert len(result.best) > 0 and np.isfinite(result.best[-1])
    assert result.times[-1] <= 900.0  # simulated seconds


def test_moasha_in_simulated_time_finds_a_pareto_front():
    def two_objectives(config, epoch, seed):
        error = (config["x"] - 0.3) ** 2 + 1.0 / epoch
        return {"error": error, "size": config["width"] * 1.0, "elapsed_time": 10.0 * epoch}

    space = {"x": uniform(0, 1), "width": randint(1, 10)}
    blackbox = from_function(space, two_objectives, fidelity_space={"epoch": randint(1, 9)},
                             objectives_names=["error", "size", "elapsed_time"], fidelity_values=list(range(1, 10)))
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time")
    scheduler = MOASHA(space, metric=["error", "size"], mode=["min", "min"], resource_attr="epoch", max_t=9,
                       random_seed=0)
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=1200), n_workers=4, progress="off")
    tuner.run()
    experiment = load_experiment(tuner.name)
    assert experiment.results["st_tuner_time"].max() <= 1200 + 10
    front = experiment.pareto_front()
    assert len(front) >= 2 and front["size"].is_monotonic_decreasing
    stopped_early = experiment.results.groupby("trial_id")["epoch"].max() < 9
    assert stopped_early.any()  # MOASHA stopped dominated trials at lower rungs
