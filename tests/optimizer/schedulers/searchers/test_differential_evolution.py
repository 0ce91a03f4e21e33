"""DE's variation and selection (rand/1 mutation, binomial crossover, selection) and the unit encoding."""
import math

import numpy as np
import pytest

from syne_tune.config_space import choice, loguniform, randint, uniform
from syne_tune.optimizer.schedulers.searchers.differential_evolution import (
    UnitEncoding, child_replaces_target, crossover_binomial, mutate_rand1,
)


def test_rand1_is_one_parent_plus_scaled_difference_of_two_others():
    pool = np.array([[0.2, 0.2], [0.6, 0.4], [0.5, 0.3]])
    mutant = mutate_rand1(pool, 0.5, np.random.RandomState(0))
    candidates = [pool[a] + 0.5 * (pool[b] - pool[c])
                  for a in range(3) for b in range(3) for c in range(3) if len({a, b, c}) == 3]
    assert any(np.allclose(mutant, c) for c in candidates)


def test_rand1_redraws_coordinates_outside_the_unit_cube():
    pool = np.array([[0.9, 0.5], [1.0, 0.5], [0.0, 0.5]])  # with F=1, x0 leaves [0, 1] unless a is 0.0
    for seed in range(20):
        mutant = mutate_rand1(pool, 1.0, np.random.RandomState(seed))
        assert np.all((mutant >= 0.0) & (mutant <= 1.0))
        assert mutant[1] == pytest.approx(0.5)  # in range: kept


def test_rand1_needs_three_parents():
    with pytest.raises(ValueError, match="at least 3 parents"):
        mutate_rand1(np.zeros((2, 3)), 0.5, np.random.RandomState(0))


def test_binomial_crossover_takes_at_least_one_mutant_coordinate():
    target, mutant = np.zeros(5), np.ones(5)
    for seed in range(10):
        child = crossover_binomial(target, mutant, 0.0, np.random.RandomState(seed))
        assert child.sum() == 1  # exactly the forced coordinate
    assert np.array_equal(crossover_binomial(target, mutant, 1.0, np.random.RandomState(0)), mutant)
    child = crossover_binomial(target, mutant, 0.5, np.random.RandomState(3))
    assert set(child) <= {0.0, 1.0}  # each coordinate from one of the two


@pytest.mark.parametrize("child, target, replaces", [(0.1, 0.2, True), (0.2, 0.2, True), (0.3, 0.2, False),
                                                    (0.5, math.inf, True), (math.nan, math.inf, False),
                                                    (math.inf, math.inf, False)])
def test_selection_keeps_the_better_ties_to_the_child(child, target, replaces):
    assert child_replaces_target(child, target) is replaces


def test_unit_encoding_one_coordinate_per_hyperparameter_round_trips():
    space = {"a": uniform(0, 1), "lr": loguniform(1e-4, 1), "act": choice(["relu", "tanh", "elu"]),
             "n": randint(1, 10), "flag": choice([True, False])}
    encoding = UnitEncoding(space)
    config = {"a": 0.3, "lr": 0.01, "act": "elu", "n": 4, "flag": False}
    u = encoding.encode(config)
    assert u.shape == (5,) and np.all((u >= 0) & (u <= 1))
    decoded = encoding.decode(u)
    assert decoded["act"] == "elu" and decoded["n"] == 4 and decoded["flag"] is False
    assert decoded["a"] == pytest.approx(0.3) and decoded["lr"] == pytest.approx(0.01)
    # every point of the cube decodes to a valid config
    for point in np.random.RandomState(0).uniform(size=(20, 5)):
        config = encoding.decode(point)
        assert all(space[k].is_valid(v) for k, v in config.items())
