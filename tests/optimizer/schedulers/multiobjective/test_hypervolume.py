"""Hypervolume against hand-computed areas and volumes."""
import math

import numpy as np
import pytest

from syne_tune.optimizer.schedulers.multiobjective.hypervolume import (
    default_reference_point, hypervolume, hypervolume_cumulative,
)


def test_two_objectives_staircase():
    Y = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0], [2.5, 2.5]])  # the last is dominated
    # area below (4, 4): 3*1 + 2*1 + 1*1 = 6
    assert hypervolume(Y, np.array([4.0, 4.0])) == pytest.approx(6.0)
    assert hypervolume(Y[:1], np.array([4.0, 4.0])) == pytest.approx(3.0)
    assert hypervolume(np.array([[5.0, 0.0]]), np.array([4.0, 4.0])) == 0.0  # outside the box


def test_three_objectives_union_of_boxes():
    Y = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    # boxes to (2, 2, 2): 2*2*1 = 4 and 1*1*2 = 2, overlapping in 1*1*1 = 1
    assert hypervolume(Y, np.array([2.0, 2.0, 2.0])) == pytest.approx(5.0)


def test_cumulative_is_monotone_and_ignores_non_finite():
    Y = np.array([[3.0, 1.0], [math.nan, 0.0], [1.0, 3.0], [2.0, 2.0]])
    values = hypervolume_cumulative(Y, np.array([4.0, 4.0]))
    assert values.tolist() == pytest.approx([3.0, 3.0, 5.0, 6.0])
    assert default_reference_point(Y).tolist() == pytest.approx([3.0 + 4e-6, 3.0 + 4e-6])
