"""RegularizedEvolution (REA): random until the population is full, then one-hyperparameter mutations."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import choice, randint, uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import REA
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler
from syne_tune.optimizer.schedulers.searchers.regularized_evolution import RegularizedEvolution

SPACE = {"x": uniform(0, 1), "y": uniform(0, 1), "n": randint(1, 20), "act": choice(["relu", "tanh"])}


def _loss(config: dict) -> float:
    return (config["x"] - 0.3) ** 2 + (config["y"] - 0.7) ** 2 + 0.01 * abs(config["n"] - 12) \
        + 0.2 * (config["act"] != "tanh")


def _differences(a: dict, b: dict) -> int:
    return sum(a[k] != b[k] for k in SPACE)


def _complete(searcher, trial_id: int, config: dict, loss: float) -> None:
    searcher.on_trial_result(str(trial_id), config, {"loss": loss}, update=True)


def test_random_until_the_population_is_full_then_children_of_the_best_sampled():
    searcher = RegularizedEvolution(SPACE, "loss", points_to_evaluate=[], population_size=4, sample_size=10,
                                    random_seed=0)
    initial = [searcher.get_config(trial_id=str(i)) for i in range(4)]
    for i, config in enumerate(initial):
        _complete(searcher, i, config, [3.0, 1.0, 2.0, 4.0][i])
    # ten draws with replacement from 4 members: the parent is usually initial[1], always a member
    children = [searcher.get_config(trial_id=str(4 + i)) for i in range(20)]
    for child in children:
        assert min(_differences(child, parent) for parent in initial) == 1
    assert sum(_differences(child, initial[1]) == 1 for child in children) >= 10


def test_oldest_member_leaves_first_and_max_mode_prefers_large_values():
    searcher = RegularizedEvolution(SPACE, "acc", mode="max", points_to_evaluate=[], population_size=3,
                                    sample_size=10, random_seed=1)
    configs = [searcher.get_config(trial_id=str(i)) for i in range(4)]
    for i, (config, acc) in enumerate(zip(configs, [0.99, 0.1, 0.2, 0.3])):
        searcher.on_trial_result(str(i), config, {"acc": acc}, update=True)
    assert [member[0] for member in searcher.population] == configs[1:]  # 0.99 aged out although best
    child = searcher.get_config(trial_id="4")
    assert _differences(child, configs[3]) == 1  # ten draws from three: the best, 0.3, is almost surely drawn


def test_children_are_never_duplicates_and_nan_counts_as_worst():
    space = {"a": choice([1, 2, 3]), "b": choice([1, 2])}
    searcher = RegularizedEvolution(space, "loss", points_to_evaluate=[], population_size=2, sample_size=2,
                                    random_seed=0)
    seen = []
    for i in range(6):
        config = searcher.get_config(trial_id=str(i))
        assert config is not None and config not in seen
        seen.append(config)
        _complete(searcher, i, config, float("nan") if i == 0 else float(i))
        if i == 1:
            assert [score for _, score in searcher.population] == [np.inf, 1.0]
    assert searcher.get_config(trial_id="6") is None  # all 6 configs proposed
    assert [score for _, score in searcher.population] == [4.0, 5.0]


def test_bad_arguments_are_rejected_by_name():
    with pytest.raises(ValueError, match="more than one value"):
        RegularizedEvolution({"x": choice([1]), "c": 3}, "loss")
    with pytest.raises(ValueError, match="'population_size'"):
        REA(SPACE, metric="loss", population_size=0)
    with pytest.raises(ValueError, match="'sample_size'.*once"):
        REA(SPACE, metric="loss", sample_size=3, search_options={"sample_size": 4})
    with pytest.raises(ValueError, match="FIFOScheduler"):
        HyperbandScheduler(SPACE, searcher="rea", metric="loss", resource_attr="epoch", max_t=9)


def test_spellings_and_defaults():
    rea = REA(SPACE, metric="loss", random_seed=0)
    assert isinstance(rea.searcher, RegularizedEvolution)
    assert (rea.searcher.population_size, rea.searcher.sample_size) == (100, 10)
    fifo = FIFOScheduler(SPACE, searcher="rea", metric="loss", search_options={"population_size": 5}, random_seed=0)
    assert fifo.searcher.population_size == 5
    assert rea.metadata()["search_options"]["sample_size"] == 10


@pytest.mark.parametrize("seed", [0, 1])
def test_rea_through_a_tuner_mutates_good_configs_and_improves(seed):
    def objective(config, fidelity, s):
        return {"loss": _loss(config), "elapsed_time": 5.0}

    blackbox = from_function(SPACE, objective, objectives_names=["loss", "elapsed_time"])
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time")
    scheduler = REA(SPACE, metric="loss", population_size=10, sample_size=5, random_seed=seed)
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_num_trials_completed=60), n_workers=1, progress="off")
    tuner.run()
    final = load_experiment(tuner.name).results.groupby("trial_id").last().sort_index()
    assert len(final) >= 60
    configs = [{k: row[f"config_{k}"] for k in SPACE} for _, row in final.iterrows()]
    for i in range(10, len(configs)):  # with one worker, trial i starts after i trials completed
        assert min(_differences(configs[i], earlier) for earlier in configs[:i]) == 1, f"trial {i}"
    losses = final["loss"].to_numpy()
    assert np.median(losses[-20:]) < np.median(losses[:10])
    assert losses[10:].min() < losses[:10].min()
