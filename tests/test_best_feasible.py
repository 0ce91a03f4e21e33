"""Constrained experiments: every "best" view picks feasible reports only (syne_tune.best)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from syne_tune import StoppingCriterion, Tuner
from syne_tune.best import constraint_names, feasible_values, is_feasible
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.cli import main
from syne_tune.config_space import uniform
from syne_tune.experiment_plots import best_so_far
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import RandomSearch


def test_feasible_means_every_constraint_is_a_finite_number_at_most_zero():
    assert is_feasible({"c": 0.0, "d": -1}, ["c", "d"]) and is_feasible({"loss": 1.0}, [])
    assert not is_feasible({"c": 0.1, "d": -1}, ["c", "d"])
    assert not is_feasible({"c": float("nan")}, ["c"]) and not is_feasible({}, ["c"])
    assert constraint_names({"constraint_attr": "c"}) == ["c"] and constraint_names({}) == []
    assert constraint_names({"constraint_attr": ["c", "d"]}) == ["c", "d"]
    frame = pd.DataFrame({"loss": [1.0, 0.5, 2.0, 0.1], "c": [-1.0, 1.0, 0.0, np.nan]})
    assert feasible_values(frame, "loss", ["c"]).tolist()[::2] == [1.0, 2.0]
    assert feasible_values(frame, "loss", ["c"]).isna().tolist() == [False, True, False, True]
    assert feasible_values(frame, "loss", ["missing"]).isna().all()


def _run(constraint_attr):
    """x in [0, 1]: loss = x (lower is better), feasible where x >= 0.5 (c = 0.5 - x <= 0)."""
    space = {"x": uniform(0.0, 1.0)}
    blackbox = from_function(space, lambda config, fidelity, seed: {
        "loss": config["x"], "c": 0.5 - config["x"], "time": 1.0}, objectives_names=["loss", "c", "time"])
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="time")
    tuner = Tuner(backend, RandomSearch(space, metric="loss", random_seed=4, points_to_evaluate=[{"x": 0.01}]),
                  StoppingCriterion(max_num_trials_finished=20), n_workers=2, progress="off", sleep_time=0,
                  metadata={"constraint_attr": constraint_attr} if constraint_attr else None)
    tuner.run()
    return tuner


def test_summary_best_config_trials_plots_and_cli_pick_feasible_trials_only(capsys):
    tuner = _run("c")
    experiment = load_experiment(tuner.name)
    results = experiment.results
    assert (results["x"] if "x" in results else results["config_x"]).min() < 0.5     # infeasible trials ran (x=0.01)
    feasible_best = results.loc[results["c"] <= 0, "loss"].min()

    trial_id, value = tuner.best_trial()
    assert value == feasible_best and value >= 0.5
    assert experiment.constraint_attrs() == ["c"]
    best = experiment.best_config()
    assert best["loss"] == feasible_best and best["c"] <= 0 and best["trial_id"] == trial_id
    trials = experiment.trials()
    assert trials.loc[trials["feasible"], "best_loss"].min() == feasible_best
    assert trials.loc[~trials["feasible"], "best_loss"].isna().all()
    _, running = best_so_far(experiment)
    assert running.min() == feasible_best and (running >= 0.5).all()

    assert main(["list"]) == 0
    assert f"loss {feasible_best:.6g}" in capsys.readouterr().out
    assert main(["show", tuner.name]) == 0
    out = capsys.readouterr().out
    assert f"best loss: {feasible_best:.6g}" in out


def test_without_a_constraint_the_best_is_the_plain_minimum():
    tuner = _run(None)
    assert tuner.best_trial()[1] == 0.01
    assert load_experiment(tuner.name).best_config()["loss"] == 0.01
