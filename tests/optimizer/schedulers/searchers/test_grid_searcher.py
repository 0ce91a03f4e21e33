"""GridSearcher: exactly the grid, each config once, points_to_evaluate first, None at the end."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import choice, finrange, loguniform, randint, uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import GridSearch
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler
from syne_tune.optimizer.schedulers.synchronous.hyperband import SynchronousHyperbandScheduler
from syne_tune.optimizer.schedulers.searchers.grid_searcher import GridSearcher


def _all_configs(searcher) -> list[dict]:
    configs = []
    for trial_id in range(10_000):
        config = searcher.get_config(trial_id=str(trial_id))
        if config is None:
            return configs
        configs.append(config)
    raise AssertionError("the grid never ran out")


def _keys(configs: list[dict]) -> list[tuple]:
    return [tuple(sorted(c.items())) for c in configs]


def test_finite_space_is_enumerated_exactly_once():
    space = {"act": choice(["relu", "tanh", "elu"]), "n": randint(1, 4), "w": finrange(0.0, 1.0, 2), "epochs": 5}
    searcher = GridSearcher(space, "loss", points_to_evaluate=[], random_seed=3)
    configs = _all_configs(searcher)
    expected = [{"act": a, "n": n, "w": w} for a, n, w in itertools.product(["relu", "tanh", "elu"], [1, 2, 3, 4],
                                                                            [0.0, 1.0])]
    assert len(configs) == 24 and sorted(_keys(configs)) == sorted(_keys(expected))
    assert searcher.get_config(trial_id="99") is None  # stays exhausted


def test_continuous_domains_take_num_samples_values_in_their_scale():
    space = {"lr": loguniform(1e-4, 1e-1), "x": uniform(0, 1), "opt": choice(["sgd", "adam"])}
    searcher = GridSearcher(space, "loss", points_to_evaluate=[], num_samples={"lr": 3, "x": 5}, random_seed=0)
    configs = _all_configs(searcher)
    assert len(configs) == 3 * 5 * 2 and len(set(_keys(configs))) == 30
    assert sorted({c["lr"] for c in configs}) == pytest.approx([10 ** -3.5, 10 ** -2.5, 10 ** -1.5])
    assert sorted({c["x"] for c in configs}) == pytest.approx([0.1, 0.3, 0.5, 0.7, 0.9])


def test_integer_domain_values_as_the_original():
    searcher = GridSearcher({"a": randint(1, 100)}, "loss", points_to_evaluate=[], num_samples={"a": 4})
    assert sorted(c["a"] for c in _all_configs(searcher)) == [13, 38, 63, 88]
    small = GridSearcher({"a": randint(1, 3)}, "loss", points_to_evaluate=[], num_samples={"a": 10})
    assert sorted(c["a"] for c in _all_configs(small)) == [1, 2, 3]  # all values, never more


def test_points_to_evaluate_come_first_and_are_not_repeated():
    space = {"x": uniform(0, 1), "c": choice(["a", "b"])}
    points = [{"x": 0.1, "c": "b"}, {"x": 0.42, "c": "a"}]  # on the grid, off the grid
    searcher = GridSearcher(space, "loss", points_to_evaluate=points, num_samples={"x": 5}, random_seed=1)
    configs = _all_configs(searcher)
    assert configs[:2] == points
    assert len(configs) == 10 + 1 and len(set(_keys(configs))) == 11  # the grid plus the off-grid point


def test_default_midpoint_goes_first_only_when_it_is_on_the_grid():
    on_grid = GridSearcher({"x": uniform(0, 1)}, "loss", num_samples={"x": 5}, random_seed=2)
    configs = _all_configs(on_grid)
    assert configs[0] == {"x": 0.5} and len(configs) == 5
    off_grid = GridSearcher({"x": uniform(0, 1)}, "loss", num_samples={"x": 2}, random_seed=2)
    assert sorted(c["x"] for c in _all_configs(off_grid)) == [0.25, 0.75]


def test_shuffle_config_false_keeps_the_original_order_and_true_shuffles_by_seed():
    space = {"b": choice(["x", "y"]), "a": randint(1, 3), "f": finrange(0, 1, 2)}
    ordered = _all_configs(GridSearcher(space, "loss", points_to_evaluate=[], shuffle_config=False))
    # finite domains in reversed order (f, then b), then numeric ones; the last key varies fastest
    assert [(c["f"], c["b"], c["a"]) for c in ordered[:4]] == [(0.0, "x", 1), (0.0, "x", 2), (0.0, "x", 3),
                                                                 (0.0, "y", 1)]
    shuffled = [_all_configs(GridSearcher(space, "loss", points_to_evaluate=[], random_seed=s)) for s in (0, 0, 1)]
    assert shuffled[0] == shuffled[1] != shuffled[2]
    assert sorted(_keys(shuffled[2])) == sorted(_keys(ordered))


def test_allow_duplicates_serves_the_grid_again():
    searcher = GridSearcher({"c": choice([1, 2, 3])}, "loss", points_to_evaluate=[], allow_duplicates=True,
                            shuffle_config=False)
    assert [searcher.get_config(trial_id=str(i))["c"] for i in range(7)] == [1, 2, 3, 1, 2, 3, 1]


def test_bad_options_name_the_problem():
    with pytest.raises(ValueError, match="unknown hyperparameter 'lrr'. Did you mean 'lr'"):
        GridSearcher({"lr": uniform(0, 1)}, "loss", num_samples={"lrr": 3})
    with pytest.raises(ValueError, match="'num_samples'"):
        GridSearcher({"lr": uniform(0, 1)}, "loss", num_samples={"lr": 0})
    with pytest.raises(ValueError, match="'shuffle_config'"):
        GridSearcher({"lr": uniform(0, 1)}, "loss", shuffle_config="yes")
    with pytest.raises(ValueError, match="MAX_GRID_SIZE|more than"):
        GridSearcher({f"x{i}": uniform(0, 1) for i in range(8)}, "loss", num_samples={f"x{i}": 10 for i in range(8)})


def test_original_spellings_build_grid_schedulers():
    space = {"c": choice([1, 2]), "epochs": 3}
    for scheduler in (GridSearch(space, metric="loss"), FIFOScheduler(space, searcher="grid", metric="loss"),
                      HyperbandScheduler(space, searcher="grid", metric="loss", resource_attr="epoch", max_t=3),
                      SynchronousHyperbandScheduler(space, searcher="grid", metric="loss", resource_attr="epoch",
                                                    max_t=3)):
        assert isinstance(scheduler.searcher, GridSearcher)
        configs = [scheduler.suggest(i) for i in range(3)]
        assert sorted(s.config["c"] for s in configs[:2]) == [1, 2] and configs[2] is None


def test_tuner_with_grid_search_ends_when_the_grid_is_exhausted():
    space = {"x": uniform(0, 1), "c": choice(["a", "b", "c"])}

    def objective(config, fidelity, seed):
        return {"loss": (config["x"] - 0.3) ** 2 + (config["c"] != "b"), "elapsed_time": 10.0}

    blackbox = from_function(space, objective, objectives_names=["loss", "elapsed_time"])
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time")
    scheduler = GridSearch(space, metric="loss", search_options={"num_samples": {"x": 4}}, random_seed=0)
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=10_000), n_workers=2, progress="off")
    tuner.run()
    results = load_experiment(tuner.name).results
    final = results.groupby("trial_id").last()
    assert len(final) == 12  # 4 x 3, and the midpoint (x=0.5) is not a grid point here
    assert sorted(zip(final["config_x"].round(6), final["config_c"])) == sorted(
        itertools.product([0.125, 0.375, 0.625, 0.875], ["a", "b", "c"]))
    assert results["st_tuner_time"].max() < 1000  # ended at exhaustion, long before the time limit
    assert math.isclose(final["loss"].min(), (0.375 - 0.3) ** 2) and np.isfinite(final["loss"]).all()


def test_one_warning_names_the_continuous_domains_without_a_count(caplog):
    space = {"x": uniform(0, 1), "y": uniform(0, 1), "n": randint(1, 3), "c": choice([1, 2])}
    with caplog.at_level("WARNING", logger="syne_tune.optimizer.schedulers.searchers.grid_searcher"):
        searcher = GridSearcher(space, "loss", points_to_evaluate=[], num_samples={"y": 2})
    (message,) = [r.getMessage() for r in caplog.records if "num_samples" in r.getMessage()]
    assert "'x'" in message and "'y'" not in message and "'n'" not in message
    assert len(_all_configs(searcher)) == 5 * 2 * 3 * 2
