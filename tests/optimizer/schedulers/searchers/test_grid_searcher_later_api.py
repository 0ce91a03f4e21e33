"""The original library's later public grid-searcher tests (tst/schedulers/test_grid_searcher.py),
adapted: its get_state/clone_from_state round trip becomes a pickle round trip (our searchers are
checkpointed with the scheduler)."""
from __future__ import annotations

import pickle

import pytest

from syne_tune.config_space import choice, randint, uniform
from syne_tune.optimizer.schedulers.searchers import GridSearcher

COMMON = {"char_attr": choice(["a", "b"]), "int_attr": choice([1, 2])}
def _as_set(configs) -> set:
    return {tuple(sorted(c.items())) for c in configs}


ALL_ON_GRID = [{"char_attr": "a", "int_attr": 1}, {"char_attr": "b", "int_attr": 1},
               {"char_attr": "a", "int_attr": 2}, {"char_attr": "b", "int_attr": 2}]


@pytest.mark.parametrize("config_space", [{"single_attr": choice(["a", "b", "c", "d"])},
                                          {"attr_with_duplicates": choice([1, 1, 2, 2]),
                                           "other_attr": choice(["a", "b"])}])
def test_four_configs_then_none(config_space):
    searcher = GridSearcher(config_space, metric="accuracy", points_to_evaluate=[])
    configs = [searcher.get_config(trial_id=i) for i in range(4)]
    assert all(c is not None for c in configs) and len(_as_set(configs)) == 4
    assert searcher.get_config(trial_id=4) is None


def test_every_candidate_is_on_the_grid_and_shuffle_false_keeps_the_order():
    shuffled = GridSearcher(COMMON, metric="accuracy", points_to_evaluate=[])
    assert _as_set(shuffled.get_config(trial_id=i) for i in range(4)) == _as_set(ALL_ON_GRID)
    ordered = GridSearcher(COMMON, metric="accuracy", shuffle_config=False, points_to_evaluate=[])
    assert [ordered.get_config(trial_id=i) for i in range(4)] == ALL_ON_GRID


@pytest.mark.parametrize("points_to_evaluate, rest", [
    ([], ALL_ON_GRID[1:]),
    ([{"char_attr": "a", "int_attr": 1}, {"char_attr": "b", "int_attr": 2}], [ALL_ON_GRID[1], ALL_ON_GRID[2]]),
])
def test_a_restored_searcher_continues_the_grid(points_to_evaluate, rest):
    searcher = GridSearcher(COMMON, metric="accuracy", points_to_evaluate=points_to_evaluate, shuffle_config=False)
    assert searcher.get_config(trial_id=0) == ALL_ON_GRID[0]
    restored = pickle.loads(pickle.dumps(searcher))
    served = [restored.get_config(trial_id=i) for i in range(1, 4)]
    expected = points_to_evaluate[1:] + rest
    assert served[:len(expected)] == expected and restored.get_config(trial_id=9) is None


def test_numeric_domains_take_num_samples_values():
    config_space = {"char_attr": choice(["a", "b"]), "float_attr": uniform(1, 5), "int_attr": randint(10, 40)}
    searcher = GridSearcher(config_space, num_samples={"float_attr": 2, "int_attr": 2}, metric="accuracy",
                            points_to_evaluate=[])
    configs = [searcher.get_config(trial_id=i) for i in range(8)]
    expected = [{"char_attr": c, "float_attr": f, "int_attr": n}
                for c in ("a", "b") for f in (2.0, 4.0) for n in (17, 33)]
    assert _as_set(configs) == _as_set(expected)
    assert searcher.get_config(trial_id=8) is None


def test_initial_configs_that_cover_the_grid_leave_nothing_else():
    all_configs = [{"a": a, "b": b} for a in (0, 1) for b in ("a", "b")]
    searcher = GridSearcher({"a": randint(0, 1), "b": choice(["a", "b"])}, metric="accuracy",
                            points_to_evaluate=all_configs)
    assert [searcher.get_config(trial_id=i) for i in range(4)] == all_configs
    assert searcher.get_config(trial_id=4) is None
