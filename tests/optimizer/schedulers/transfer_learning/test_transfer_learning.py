"""BoundingBox, ZeroShotTransfer and warm starts on hand-made earlier results, and end to end
through a Tuner on a simulated backend."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import choice, finrange, randint, uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import BayesianOptimization, RandomSearch, ZeroShotTransfer
from syne_tune.optimizer.schedulers.transfer_learning import (
    BoundingBox, TransferLearningTaskEvaluations, evaluations_from_blackbox, evaluations_from_experiment, warm_start,
)
from syne_tune.optimizer.schedulers.transfer_learning.zero_shot import ZeroShotTransfer as ZeroShotSearcher

SPACE = {"x": uniform(0.0, 10.0), "n": randint(0, 10), "kind": choice(["a", "b", "z"]), "epochs": 5}


def _task(optimum: float, kind: str, num_seeds: int = 1) -> TransferLearningTaskEvaluations:
    """Ten configs x = n = 0..9; the loss is |x - optimum| (+1 unless kind matches)."""
    configs = pd.DataFrame({"x": np.arange(10.0), "n": np.arange(10), "kind": list("abzabbazab")})
    loss = np.abs(configs["x"].to_numpy() - optimum) + (configs["kind"].to_numpy() != kind)
    values = np.repeat(loss[:, None, None, None], num_seeds, axis=1)
    return TransferLearningTaskEvaluations(SPACE, configs, ["loss"], values)


TASKS = {"t2": _task(2, "z"), "t5": _task(5, "b"), "t6": _task(6, "a")}   # each optimum: loss 0


def test_task_evaluations_check_their_shape_and_rank_configs_by_mean_over_seeds_best_over_fidelities():
    configs = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="objectives_evaluations.*num_evals=3"):
        TransferLearningTaskEvaluations(SPACE, configs, ["loss"], np.zeros((2, 1, 1, 1)))
    with pytest.raises(ValueError, match="'bogus'"):
        TransferLearningTaskEvaluations(SPACE, configs.assign(bogus=1), ["loss"], np.zeros((3, 1, 1, 1)))
    # (evals, seeds=2, fidelities=2): config 1 has the best mean (over seeds) at its best fidelity
    values = np.array([[[3.0, 2.0], [3.0, 2.0]], [[9.0, 0.0], [9.0, 2.0]], [[1.5, 1.5], [1.5, 1.5]]])[..., None]
    task = TransferLearningTaskEvaluations(SPACE, configs, ["loss"], values)
    assert [c["x"] for c in task.top_k_hyperparameter_configurations(2, "min", "loss")] == [2.0, 3.0]
    assert [c["x"] for c in task.top_k_hyperparameter_configurations(1, "max", "loss")] == [2.0]


def test_bounding_box_is_the_box_of_the_best_configs_of_each_task():
    made = []

    def scheduler_fun(space, mode, metric):
        made.append((space, mode, metric))
        return RandomSearch(space, metric=metric, mode=mode, random_seed=0)

    scheduler = BoundingBox(scheduler_fun, SPACE, "loss", TASKS)
    space, mode, metric = made[0]
    assert (mode, metric) == ("min", "loss")
    # best per task: x = n = 2 (kind z), 5 (kind b), 6 (kind a)
    assert (space["x"].lower, space["x"].upper) == (2.0, 6.0)
    assert (space["n"].lower, space["n"].upper) == (2, 6)
    assert space["kind"].categories == ["a", "b", "z"]
    assert space["epochs"] == 5
    assert scheduler.config_space is space and scheduler.metric_names() == ["loss"]
    for trial_id in range(20):
        config = scheduler.suggest(trial_id).config
        assert 2.0 <= config["x"] <= 6.0 and 2 <= config["n"] <= 6 and config["epochs"] == 5


def test_bounding_box_keeps_only_the_categories_and_grid_points_of_the_best_configs():
    space = {"k": choice(["b", "a", "z", "q"]), "r": finrange(0.0, 1.0, 11)}
    configs = pd.DataFrame({"k": ["z", "a", "q"], "r": [0.3, 0.5, 0.9]})
    task = TransferLearningTaskEvaluations(space, configs, ["y"], np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1, 1))
    made = []
    BoundingBox(lambda cs, mode, metric: made.append(cs) or RandomSearch(cs, metric=metric, mode=mode), space, "y",
                {"t": task}, num_hyperparameters_per_task=2)
    assert made[0]["k"].categories == ["a", "z"]
    assert made[0]["r"].values == pytest.approx([0.3, 0.4, 0.5])
    made.clear()
    BoundingBox(lambda cs, mode, metric: made.append(cs) or RandomSearch(cs, metric=metric, mode=mode), space, "y",
                {"t": task}, mode="max", num_hyperparameters_per_task=1)
    assert made[0]["k"].categories == ["q"] and made[0]["r"].values == pytest.approx([0.9])


def test_bounding_box_names_the_task_lacking_a_hyperparameter():
    bad = TransferLearningTaskEvaluations(SPACE, pd.DataFrame({"x": [1.0]}), ["loss"], np.zeros((1, 1, 1, 1)))
    with pytest.raises(ValueError, match="'bad'.*'n'"):
        BoundingBox(lambda cs, mode, metric: None, SPACE, "loss", {"bad": bad})


def test_zero_shot_picks_the_greedy_set_of_lowest_mean_rank():
    space = {"x": randint(0, 9)}
    tasks = {}
    for optimum in (2, 5, 6):
        configs = pd.DataFrame({"x": np.arange(10)})
        tasks[f"t{optimum}"] = TransferLearningTaskEvaluations(
            space, configs, ["loss"], np.abs(np.arange(10) - optimum).astype(float).reshape(10, 1, 1, 1))
    searcher = ZeroShotSearcher(space, "loss", tasks, random_seed=0)
    picks = [searcher.get_config()["x"] for _ in range(4)]
    # 5 is best on average; then 2 covers task t2 while 5 still covers t5 and t6; then 6 finishes t6 ...
    assert picks == [5, 2, 6, 4]      # the original's order on this problem (docs/reference)
    rest = [searcher.get_config() for _ in range(6)]
    assert sorted([p["x"] for p in rest] + picks) == list(range(10))
    assert searcher.get_config() is None


def test_zero_shot_in_max_mode_negates_and_averages_seeds():
    space = {"x": randint(0, 3)}
    configs = pd.DataFrame({"x": [0, 1, 2, 3]})
    values = np.array([[1.0, 1.0], [0.0, 4.0], [3.0, 3.0], [2.0, 2.0]]).reshape(4, 2, 1, 1)  # means 1, 2, 3, 2
    task = TransferLearningTaskEvaluations(space, configs, ["acc"], values)
    searcher = ZeroShotSearcher(space, "acc", {"t": task}, mode="max")
    assert searcher.get_config() == {"x": 2}


def test_zero_shot_needs_aligned_tasks_or_surrogates():
    space = {"x": uniform(0.0, 10.0)}
    a = TransferLearningTaskEvaluations(space, pd.DataFrame({"x": [1.0, 2.0, 8.0]}), ["y"],
                                        np.array([0.0, 1.0, 5.0]).reshape(3, 1, 1, 1))
    b = TransferLearningTaskEvaluations(space, pd.DataFrame({"x": [1.5, 7.0]}), ["y"],
                                        np.array([0.0, 4.0]).reshape(2, 1, 1, 1))
    with pytest.raises(ValueError, match="use_surrogates"):
        ZeroShotSearcher(space, "y", {"a": a, "b": b})
    searcher = ZeroShotSearcher(space, "y", {"a": a, "b": b}, use_surrogates=True, random_seed=1)
    assert searcher.get_config()["x"] < 4.5   # the nearest evaluated configs of both tasks are good there


def _simulated(space, function, names=("loss", "time")):
    blackbox = from_function(space, lambda config, fidelity, seed: function(config), objectives_names=list(names))
    return blackbox, UserBlackboxBackend(blackbox, elapsed_time_attr="time")


def _loss(config):
    return {"loss": abs(config["x"] - 5.0) + abs(config["n"] - 5) + (config["kind"] != "b"), "time": 10.0}


def test_zero_shot_and_bounding_box_run_through_the_tuner():
    _, backend = _simulated(SPACE, _loss)
    scheduler = ZeroShotTransfer(SPACE, TASKS, metric="loss", random_seed=0)
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=10_000), n_workers=2, progress="off",
                  sleep_time=0)
    tuner.run()
    experiment = load_experiment(tuner.name)
    first = experiment.results.sort_values("trial_id")["config_x"].tolist()
    assert first[0] == 5.0 and len(first) == 10     # all ten transferred configs, then the searcher is done

    _, backend = _simulated(SPACE, _loss)
    box = BoundingBox(lambda cs, mode, metric: BayesianOptimization(cs, metric=metric, mode=mode, random_seed=0),
                      SPACE, "loss", TASKS)
    tuner = Tuner(backend, box, StoppingCriterion(max_num_trials_finished=8), n_workers=2, progress="off",
                  sleep_time=0)
    tuner.run()
    results = load_experiment(tuner.name).results
    assert results["config_x"].between(2.0, 6.0).all() and results["config_n"].between(2, 6).all()


def test_warm_start_feeds_an_earlier_experiment_to_the_gp_searcher():
    blackbox, backend = _simulated(SPACE, _loss)
    tuner = Tuner(backend, RandomSearch(SPACE, metric="loss", random_seed=3),
                  StoppingCriterion(max_num_trials_finished=6), n_workers=1, progress="off", sleep_time=0)
    tuner.run()
    earlier = evaluations_from_experiment(tuner.name)
    n = len(earlier.hyperparameters)
    assert n >= 6 and earlier.objectives_evaluations.shape == (n, 1, 1, 1)
    assert list(earlier.hyperparameters) == ["x", "n", "kind"]

    scheduler = BayesianOptimization(SPACE, metric="loss", random_seed=0, points_to_evaluate=[])
    assert warm_start(scheduler, tuner.name) == n
    assert scheduler.searcher.dataset_size() == n
    # with data, the first suggestion is already a BO decision, and never an earlier config
    config = scheduler.suggest(0).config
    earlier_x = set(earlier.hyperparameters["x"].round(6))
    assert round(config["x"], 6) not in earlier_x

    from_table = evaluations_from_blackbox(blackbox, ["loss"], configurations=[
        {"x": 1.0, "n": 2, "kind": "a"}, {"x": 5.0, "n": 5, "kind": "b"}])
    assert from_table.objective_values("loss")[:, 0, 0].tolist() == [8.0, 0.0]


def test_warm_start_gives_constrained_bo_its_constraint_values_too():
    space = {"x": uniform(0.0, 1.0)}
    blackbox = from_function(space, lambda config, fidelity, seed: {"f": -config["x"], "c": config["x"] - 0.5,
                                                                    "time": 1.0}, objectives_names=["f", "c", "time"])
    tuner = Tuner(UserBlackboxBackend(blackbox, elapsed_time_attr="time"), RandomSearch(space, metric="f", random_seed=0),
                  StoppingCriterion(max_num_trials_finished=5), n_workers=1, progress="off", sleep_time=0)
    tuner.run()
    from syne_tune.optimizer.baselines import ConstrainedBayesianOptimization

    scheduler = ConstrainedBayesianOptimization(space, metric="f", constraint_attr="c", random_seed=0,
                                                points_to_evaluate=[])
    fed = warm_start(scheduler, tuner.name)
    assert fed >= 5 and scheduler.searcher.dataset_size() == fed
    assert scheduler.suggest(0).config["x"] <= 0.6      # a model decision: towards the feasible side's best end
