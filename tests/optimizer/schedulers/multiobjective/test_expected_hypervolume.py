"""EHVI against brute force: HVI(y) = hypervolume(front ∪ {y}) − hypervolume(front), averaged over draws."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune.optimizer.schedulers.multiobjective.expected_hypervolume import (
    ehvi_2d, ehvi_monte_carlo, expected_hypervolume_improvement, hypervolume_improvement,
)
from syne_tune.optimizer.schedulers.multiobjective.hypervolume import hypervolume


def _brute_hvi(y, front, reference):
    return hypervolume(np.vstack([front, y]), reference) - hypervolume(front, reference)


@pytest.mark.parametrize("m", [2, 3, 4])
def test_hypervolume_improvement_equals_brute_force(m):
    rng = np.random.RandomState(m)
    for _ in range(20):
        front = rng.uniform(size=(rng.randint(0, 7), m))
        reference = np.full(m, 1.1)
        Y = rng.uniform(-0.2, 1.2, size=(5, m))
        expected = [_brute_hvi(y, front, reference) for y in Y]
        assert hypervolume_improvement(Y, front, reference) == pytest.approx(expected, abs=1e-12)


def test_hand_computed_two_dimensional_case():
    front = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    reference = np.array([4.0, 4.0])
    # y = (1.5, 1.5): its box [1.5, 4]² (6.25) minus the dominated 2.5 + 2 + 0.5
    y = np.array([[1.5, 1.5]])
    assert hypervolume_improvement(y, front, reference)[0] == pytest.approx(1.25)
    assert _brute_hvi(y, front, reference) == pytest.approx(1.25)
    assert hypervolume_improvement(np.array([[0.0, 0.0]]), front, reference)[0] == pytest.approx(16.0 - 6.0)
    assert hypervolume_improvement(np.array([[2.5, 2.5]]), front, reference)[0] == 0.0
    # a candidate known exactly (std ~ 0): EHVI = HVI
    assert ehvi_2d(y, np.full((1, 2), 1e-14), front, reference)[0] == pytest.approx(_brute_hvi(y, front, reference))


@pytest.mark.parametrize("front_size", [0, 1, 4])
def test_exact_two_dimensional_ehvi_equals_brute_force_monte_carlo(front_size):
    rng = np.random.RandomState(front_size)
    front = rng.uniform(size=(front_size, 2))
    reference = np.array([1.2, 1.1])
    mean = rng.uniform(0.0, 1.0, size=(3, 2))
    std = rng.uniform(0.05, 0.4, size=(3, 2))
    draws = mean[:, None, :] + std[:, None, :] * rng.normal(size=(3, 20000, 2))
    brute = [np.mean([_brute_hvi(y, front, reference) for y in draws[i, :1000]]) for i in range(3)]
    assert ehvi_2d(mean, std, front, reference) == pytest.approx(brute, rel=0.06, abs=2e-3)
    # the vectorized grid HVI on all 20000 draws pins it tighter
    grid = [hypervolume_improvement(draws[i], front, reference).mean() for i in range(3)]
    assert ehvi_2d(mean, std, front, reference) == pytest.approx(grid, rel=0.02, abs=5e-4)


def test_monte_carlo_ehvi_converges_to_the_exact_value_and_dispatches_by_dimension():
    rng = np.random.RandomState(7)
    front = rng.uniform(size=(4, 2))
    reference = np.array([1.1, 1.1])
    mean, std = rng.uniform(size=(4, 2)), rng.uniform(0.05, 0.3, size=(4, 2))
    exact = ehvi_2d(mean, std, front, reference)
    mc = ehvi_monte_carlo(mean, std, front, reference, 20000, np.random.RandomState(0))
    assert mc == pytest.approx(exact, rel=0.03, abs=1e-3)
    assert np.array_equal(expected_hypervolume_improvement(mean, std, front, reference), exact)
    front3 = rng.uniform(size=(3, 3))
    mean3, std3 = rng.uniform(size=(2, 3)), np.full((2, 3), 0.1)
    draws = mean3[:, None, :] + std3[:, None, :] * rng.normal(size=(2, 500, 3))
    brute = [np.mean([_brute_hvi(y, front3, np.full(3, 1.1)) for y in draws[i]]) for i in range(2)]
    value = expected_hypervolume_improvement(mean3, std3, front3, np.full(3, 1.1), num_samples=4000)
    assert value == pytest.approx(brute, rel=0.15, abs=3e-3)
