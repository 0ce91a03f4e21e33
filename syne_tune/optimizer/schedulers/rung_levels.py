"""Rung levels and bracket probabilities of (asynchronous) successive halving and Hyperband,
and the resource level of a report.

Pure functions, table-tested in tests/optimizer/schedulers/test_rung_levels.py.
"""
from __future__ import annotations

import logging
import math
import numbers
from typing import Sequence

logger = logging.getLogger(__name__)


def compute_rung_levels(grace_period: int, reduction_factor: float, max_t: int) -> list[int]:
    """Rung levels ``grace_period * reduction_factor**k`` below ``max_t``, then ``max_t`` itself.

    ``max_t`` is always the last level, whether or not it is of the form above
    (tutorial: max_t=81 gives 1, 3, 9, 27, 81; max_t=56 gives 1, 3, 9, 27, 56).
    Powers are computed directly and rounded half up, so 10**3 does not lose its level
    to floating-point error as a logarithm-based count would.
    """
    if grace_period >= max_t:
        raise ValueError(f"The 'grace_period' argument of HyperbandScheduler must be smaller than "
                         f"max_t = {max_t}. Got {grace_period}. Lower grace_period or raise max_t.")
    levels: list[int] = []
    k = 0
    while True:
        level = math.floor(grace_period * reduction_factor ** k + 0.5)
        if level >= max_t:
            break
        if not levels or level > levels[-1]:
            levels.append(level)
        k += 1
    return levels + [max_t]


def check_rung_levels(rung_levels: Sequence[int], max_t: int) -> list[int]:
    """Validates user-given ``rung_levels``; appends ``max_t`` if it is not the last level."""
    levels = list(rung_levels) if isinstance(rung_levels, (list, tuple)) else None
    if not levels or not all(isinstance(r, numbers.Integral) and not isinstance(r, bool) and r >= 1
                             for r in levels):
        raise ValueError("The 'rung_levels' argument of HyperbandScheduler must be a non-empty list of "
                         f"positive integers. Got {rung_levels!r}.")
    if any(a >= b for a, b in zip(levels, levels[1:])):
        raise ValueError("The 'rung_levels' argument of HyperbandScheduler must be strictly increasing. "
                         f"Got {rung_levels!r}.")
    if levels[-1] > max_t:
        raise ValueError(f"The 'rung_levels' argument of HyperbandScheduler must not exceed max_t = {max_t}. "
                         f"Got {rung_levels!r}. Drop the levels above max_t or raise max_t.")
    levels = [int(r) for r in levels]
    return levels if levels[-1] == max_t else levels + [max_t]


def bracket_probabilities(levels: Sequence[int], brackets: int) -> list[float]:
    """Probability of each of ``min(brackets, len(levels))`` brackets for a new trial.

    Bracket s starts at ``levels[s]``; p_s is proportional to L / ((L - s) * levels[s]) with
    L = len(levels), so smaller brackets are more likely (the original library's rule; for levels
    1, 3, 9, 27, 81 and 3 brackets: 0.624, 0.260, 0.116).
    """
    num_levels = len(levels)
    weights = [num_levels / ((num_levels - s) * levels[s]) for s in range(min(brackets, num_levels))]
    total = sum(weights)
    return [w / total for w in weights]


def reported_resource(result: dict, resource_attr: str) -> int | None:
    """``result[resource_attr]`` as an int if it is a finite number >= 1; else None, with a warning
    (the report is then ignored for scheduling decisions)."""
    value = result.get(resource_attr)
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value) and value >= 1:
        return int(value)
    logger.warning("A report without a positive '%s' is ignored for scheduling: %s", resource_attr, result)
    return None
