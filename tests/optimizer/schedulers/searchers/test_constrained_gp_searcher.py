"""Constrained BO: feasibility first, EI × P(feasible), and the feasible optimum of a small analytic problem."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import ConstrainedBayesianOptimization
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler
from syne_tune.optimizer.schedulers.searchers.constrained_gp_searcher import ConstrainedGPFIFOSearcher

SPACE = {"x1": uniform(0.0, 1.0), "x2": uniform(0.0, 1.0)}


def _problem(config):
    """min (x1 − 0.8)² + (x2 − 0.8)² s.t. x1 + x2 − 1 <= 0: the feasible optimum is (0.5, 0.5), 0.18."""
    x1, x2 = config["x1"], config["x2"]
    return {"f": (x1 - 0.8) ** 2 + (x2 - 0.8) ** 2, "c": x1 + x2 - 1.0, "time": 1.0}


def test_searcher_looks_for_feasibility_first():
    searcher = ConstrainedGPFIFOSearcher({"x": uniform(0.0, 1.0)}, "f", points_to_evaluate=[], random_seed=0,
                                         constraint_attr="c", num_init_random=0)
    for i, x in enumerate([0.5, 0.6, 0.7, 0.8, 0.9, 1.0]):       # all infeasible: c = x − 0.3 > 0
        searcher.on_trial_result(str(i), {"x": x}, {"f": -x, "c": x - 0.3}, update=True)
    proposals = []
    for i in range(6, 9):
        config = searcher.get_config(trial_id=str(i))
        proposals.append(config["x"])
        searcher.on_trial_result(str(i), config, {"f": -config["x"], "c": config["x"] - 0.3}, update=True)
    assert proposals[0] < 0.45          # towards the feasible region, although f is better to the right
    assert min(proposals) <= 0.3        # and reaches it


def test_several_constraints_multiply_their_probabilities_of_feasibility():
    """Feasible band 0.3 <= x <= 0.45 (two constraints); the metric alone would pull towards x = 1."""
    searcher = ConstrainedGPFIFOSearcher({"x": uniform(0.0, 1.0)}, "f", points_to_evaluate=[], random_seed=1,
                                         constraint_attr=["upper", "lower"], num_init_random=0)

    def result(x):
        return {"f": -x, "upper": x - 0.45, "lower": 0.3 - x}

    for i, x in enumerate([0.0, 0.1, 0.2, 0.6, 0.8, 1.0]):      # none feasible
        searcher.on_trial_result(str(i), {"x": x}, result(x), update=True)
    proposals = []
    for i in range(6, 12):
        config = searcher.get_config(trial_id=str(i))
        proposals.append(config["x"])
        searcher.on_trial_result(str(i), config, result(config["x"]), update=True)
    assert all(0.3 <= x <= 0.45 for x in proposals[:2])    # P(feasible) of both constraints leads into the band
    assert max(x for x in proposals if 0.3 <= x <= 0.45) > 0.44   # and EI to its best end (f = -x)


def test_constraint_attr_is_required_and_named_in_errors():
    with pytest.raises(ValueError, match="constraint_attr"):
        ConstrainedGPFIFOSearcher(SPACE, "f")
    searcher = ConstrainedGPFIFOSearcher(SPACE, "f", constraint_attr=["c", "d"])
    with pytest.raises(ValueError, match="'d'"):
        searcher.on_trial_result("0", {"x1": 0.1, "x2": 0.1}, {"f": 1.0, "c": -1.0}, update=True)
    scheduler = FIFOScheduler(SPACE, searcher="bayesopt_constrained", search_options={"constraint_attr": "c"},
                              metric="f")
    assert scheduler.metadata()["constraint_attr"] == ["c"]


def test_reaches_the_feasible_optimum_and_never_reports_an_infeasible_trial_as_best():
    blackbox = from_function(SPACE, lambda config, fidelity, seed: _problem(config), objectives_names=["f", "c", "time"])
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="time")
    scheduler = ConstrainedBayesianOptimization(SPACE, metric="f", constraint_attr="c", random_seed=1,
                                                points_to_evaluate=[{"x1": 0.8, "x2": 0.8}])
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_num_trials_finished=25), n_workers=2, progress="off",
                  sleep_time=0)
    tuner.run()
    experiment = load_experiment(tuner.name)
    results = experiment.results
    assert results["f"].min() == 0.0                   # the infeasible unconstrained optimum was evaluated ...
    trial_id, value = tuner.best_trial()               # ... yet no view reports it
    best = experiment.best_config()
    # (pandas < 2 parses floats of results.csv.zip to within an ulp)
    assert best["c"] <= 0 and best["trial_id"] == trial_id and best["f"] == pytest.approx(value, rel=1e-12)
    assert value == pytest.approx(0.18, abs=0.02)
    assert np.hypot(best["config_x1"] - 0.5, best["config_x2"] - 0.5) < 0.15
    assert (results["c"] <= 0).mean() > 0.4            # the search spends most of its time where it is feasible
