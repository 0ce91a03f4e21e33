"""Non-dominated sorting on hand-made fronts."""
import math

import numpy as np

from syne_tune.optimizer.schedulers.multiobjective.non_dominated import (
    nondominated_fronts, nondominated_order, pareto_mask, rank_of_last, to_losses,
)

#   front 0: (0, 3), (1, 1), (3, 0); front 1: (2, 2), (1, 3); front 2: (3, 3)
Y = np.array([[2, 2], [0, 3], [3, 3], [1, 1], [3, 0], [1, 3]], dtype=float)


def test_pareto_mask_and_fronts():
    assert pareto_mask(Y).tolist() == [False, True, False, True, True, False]
    assert [sorted(f.tolist()) for f in nondominated_fronts(Y)] == [[1, 3, 4], [0, 5], [2]]
    assert pareto_mask(np.array([[1.0, 1.0], [1.0, 1.0]])).tolist() == [True, True]  # equal points both stay


def test_order_front_by_front_spread_within():
    order = nondominated_order(Y).tolist()
    # front 0 starts at the best first loss (1: (0, 3)), then the farthest point (4: (3, 0)), then 3
    assert order == [1, 4, 3, 5, 0, 2]
    assert rank_of_last(Y) == 3  # the last row, 5, is fourth


def test_non_finite_points_are_last():
    Y2 = np.vstack([Y, to_losses([math.nan, 0.0], ["min", "min"]), to_losses([-math.inf, 0.0], ["min", "min"])])
    assert nondominated_order(Y2).tolist()[-2:] == [6, 7]
    assert to_losses([0.9, 2.0], ["max", "min"]).tolist() == [-0.9, 2.0]
