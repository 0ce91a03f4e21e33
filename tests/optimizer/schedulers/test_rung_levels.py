import pytest

from syne_tune.optimizer.schedulers.rung_levels import (
    bracket_probabilities, check_rung_levels, compute_rung_levels,
)


@pytest.mark.parametrize("grace_period, reduction_factor, max_t, expected", [
    (1, 3, 81, [1, 3, 9, 27, 81]),       # tutorial
    (1, 3, 56, [1, 3, 9, 27, 56]),       # tutorial: max_t is always the last level
    (1, 3, 100, [1, 3, 9, 27, 81, 100]),
    (1, 3, 27, [1, 3, 9, 27]),
    (1, 3, 10, [1, 3, 9, 10]),
    (1, 3, 5, [1, 3, 5]),
    (3, 3, 27, [3, 9, 27]),
    (1, 10, 1000, [1, 10, 100, 1000]),   # log(1000)/log(10) = 2.999..., must not lose a level
    (1, 2, 8, [1, 2, 4, 8]),
    (2, 2.5, 40, [2, 5, 13, 31, 40]),    # 12.5 and 31.25 rounded half up
    (1, 3, 2, [1, 2]),
])
def test_compute_rung_levels(grace_period, reduction_factor, max_t, expected):
    assert compute_rung_levels(grace_period, reduction_factor, max_t) == expected


def test_grace_period_not_below_max_t_is_an_error():
    with pytest.raises(ValueError, match="grace_period"):
        compute_rung_levels(10, 3, 10)


@pytest.mark.parametrize("given, max_t, expected", [
    ([1, 2, 4], 10, [1, 2, 4, 10]),
    ([1, 5, 10], 10, [1, 5, 10]),
    ((2, 7), 7, [2, 7]),
])
def test_check_rung_levels_appends_max_t(given, max_t, expected):
    assert check_rung_levels(given, max_t) == expected


@pytest.mark.parametrize("given", [[], [0, 2], [1, 3, 3], [4, 2], [1.5, 3], "1,3", [True, 3], [1, 20]])
def test_check_rung_levels_rejects(given):
    with pytest.raises(ValueError, match="rung_levels"):
        check_rung_levels(given, 10)


@pytest.mark.parametrize("brackets, expected", [
    (1, [1.0]),
    (2, [0.706, 0.294]),
    (3, [0.624, 0.260, 0.116]),
    (5, [0.569, 0.237, 0.105, 0.053, 0.035]),
    (9, [0.569, 0.237, 0.105, 0.053, 0.035]),  # capped at the number of levels
])
def test_bracket_probabilities_reference_numbers(brackets, expected):
    probabilities = bracket_probabilities([1, 3, 9, 27, 81], brackets)
    assert probabilities == pytest.approx(expected, abs=5e-4)
    assert sum(probabilities) == pytest.approx(1.0)
    assert all(a > b for a, b in zip(probabilities, probabilities[1:]))  # smaller brackets more likely
