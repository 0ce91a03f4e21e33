"""EHVI searcher: one GP per objective, pending evaluations fantasized, end to end through a Tuner."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import EHVI, RandomSearch
from syne_tune.optimizer.schedulers.multiobjective.hypervolume import hypervolume
from syne_tune.optimizer.schedulers.searchers.ehvi_searcher import EHVISearcher

SPACE = {"x": uniform(0.0, 1.0), "y": uniform(0.0, 1.0)}
REFERENCE = np.array([1.5, 1.5])


def _objectives(config):
    """Two objectives in conflict along x; y only hurts both (the front is y = 0, x in [0, 1])."""
    x, y = config["x"], config["y"]
    return {"f1": x ** 2 + y, "f2": (1 - x) ** 2 + y, "time": 1.0}


def _run(scheduler, trials=20):
    blackbox = from_function(SPACE, lambda c, fidelity, seed: _objectives(c), objectives_names=["f1", "f2", "time"])
    tuner = Tuner(UserBlackboxBackend(blackbox, elapsed_time_attr="time"), scheduler,
                  StoppingCriterion(max_num_trials_finished=trials), n_workers=2, progress="off", sleep_time=0)
    tuner.run()
    results = load_experiment(tuner.name).results.sort_values("trial_id").head(trials)
    return hypervolume(results[["f1", "f2"]].to_numpy(), REFERENCE), results


def test_ehvi_beats_random_search_at_equal_numbers_of_evaluations():
    ehvi, random = [], []
    for seed in range(1):
        ehvi.append(_run(EHVI(SPACE, metric=["f1", "f2"], mode="min", random_seed=seed))[0])
        random.append(_run(RandomSearch(SPACE, metric=["f1", "f2"], mode=["min", "min"], random_seed=seed))[0])
    optimum = hypervolume(np.array([[x ** 2, (1 - x) ** 2] for x in np.linspace(0, 1, 2001)]), REFERENCE)
    assert min(ehvi) > max(random)
    assert min(ehvi) > 0.97 * optimum


def test_max_mode_metrics_and_pending_fantasies():
    searcher = EHVISearcher(SPACE, ["a", "b"], mode=["max", "min"], random_seed=0, num_init_random=0,
                            points_to_evaluate=[])
    # the front at x = 0, 0.2, ..., 1 and three points off it at y = 0.6, 0.9 (a = −f1 maximized)
    configs = [{"x": i / 5, "y": 0.0} for i in range(6)] + [{"x": x, "y": y} for x, y in [(0.1, 0.6), (0.5, 0.9),
                                                                                         (0.9, 0.6)]]
    for i, config in enumerate(configs):
        values = _objectives(config)
        searcher.on_trial_result(str(i), config, {"a": -values["f1"], "b": values["f2"]}, update=True)
    searcher.register_pending("p", {"x": 0.5, "y": 0.0})
    config = searcher.get_config(trial_id="7")
    assert config["y"] < 0.3                     # y hurts both objectives
    assert abs(config["x"] - 0.5) > 0.05         # the gap around the pending x = 0.5 is being filled already
    with pytest.raises(ValueError, match="at least two"):
        EHVISearcher(SPACE, "a")
    with pytest.raises(ValueError, match="'b'"):
        searcher.on_trial_result("9", {"x": 0.1, "y": 0.1}, {"a": 1.0}, update=True)
