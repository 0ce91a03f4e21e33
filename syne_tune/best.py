"""The one rule for "best", used by every view of an experiment.

A value can be best only if it is a finite real number: NaN, +inf and -inf (a diverged or
broken trial) and non-numeric values never are, in either mode. Among those that can, the
smallest is best in mode "min" and the largest in mode "max". The tuner's summary
(``TuningStatus.best_trial``), ``ExperimentResult.best_config()``, ``trials()``, the plots, the
``syne-tune`` command and the comparison runner all decide through these functions.

``rankable`` and ``rankable_values`` are the only places that say which values may be best.
Constrained tuning adds one rule on top (:func:`is_feasible`, :func:`feasible_values`): when the
experiment's metadata names constraint attributes (``constraint_attr``, as the original's
ConstrainedBayesianOptimization), a report counts only if every constraint value is a finite
number <= 0; other reports are never best. The scalar functions use the standard library only
(the tuner calls them); numpy and pandas load with the first function on a frame.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real
from typing import TYPE_CHECKING, Hashable

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MODES = ("min", "max")


def rankable(value) -> bool:
    """True for a finite real number (bools and numeric strings are not numbers here)."""
    kind = type(value)
    if kind is float or kind is int:  # fast path first: called for every reported value
        return value - value == 0  # False for NaN and +-inf
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


CONSTRAINT_KEY = "constraint_attr"


def constraint_names(metadata: dict) -> list[str]:
    """The constraint attributes of an experiment, from its metadata (or a scheduler's
    ``metadata()``): ``constraint_attr`` is one name or a list of names; none without it."""
    names = metadata.get(CONSTRAINT_KEY) if isinstance(metadata, dict) else None
    if names is None:
        return []
    return [names] if isinstance(names, str) else list(names)


def is_feasible(result: dict, constraints: list[str]) -> bool:
    """True if every constraint value of ``result`` is a finite number <= 0 (a missing one is not)."""
    return all(rankable(result.get(name)) and result[name] <= 0 for name in constraints)


def feasible_values(frame: pd.DataFrame, metric: str, constraints: list[str]) -> pd.Series:
    """``frame[metric]`` with NaN (never best) in every row that is not feasible (:func:`is_feasible`)."""
    values = frame[metric]
    if not constraints:
        return values
    import numpy as np

    feasible = np.ones(len(frame), dtype=bool)
    for name in constraints:
        column = rankable_values(frame[name]) if name in frame else None
        feasible &= False if column is None else (column <= 0).to_numpy()
    return rankable_values(values).where(feasible)


def rankable_values(values) -> pd.Series:
    """``values`` as floats, NaN where a value cannot be best (non-finite or not a number)."""
    import numpy as np
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype == bool:
        return pd.Series(np.nan, index=series.index)
    numbers = pd.to_numeric(series, errors="coerce").astype(float)
    return numbers.where(np.isfinite(numbers))


def best_item(items: Iterable[tuple[Hashable, object]], mode: str):
    """The (key, value) pair with the best value, or None if no value can be best."""
    candidates = [(key, value) for key, value in items if rankable(value)]
    if not candidates:
        return None
    pick = max if _check_mode(mode) == "max" else min
    return pick(candidates, key=lambda item: item[1])


def ranked_items(items: Iterable[tuple[Hashable, object]], mode: str) -> list[tuple[Hashable, object]]:
    """(key, value) pairs whose value can be best, best first (ties keep their order)."""
    candidates = [(key, value) for key, value in items if rankable(value)]
    return sorted(candidates, key=lambda item: item[1], reverse=_check_mode(mode) == "max")


def best_label(values: pd.Series, mode: str):
    """Index label of the best value of ``values`` (the first on ties), or None."""
    numbers = rankable_values(values).dropna()
    if numbers.empty:
        return None
    return numbers.idxmax() if _check_mode(mode) == "max" else numbers.idxmin()


def best_value(values, mode: str) -> float | None:
    """The best value of ``values``, or None if none can be best."""
    numbers = rankable_values(values).dropna()
    if numbers.empty:
        return None
    return float(numbers.max() if _check_mode(mode) == "max" else numbers.min())


def best_per_group(values: pd.Series, groups, mode: str) -> pd.Series:
    """The best value of each group (NaN for a group without a value that can be best)."""
    grouped = rankable_values(values).groupby(groups, sort=True)
    return grouped.max() if _check_mode(mode) == "max" else grouped.min()


def running_best(values, mode: str) -> np.ndarray:
    """After each value, the best value so far: non-finite values are skipped (the best so far
    stays), NaN before the first value that can be best."""
    import numpy as np

    numbers = rankable_values(values).to_numpy(float)
    accumulate = np.fmax.accumulate if _check_mode(mode) == "max" else np.fmin.accumulate
    return accumulate(numbers) if len(numbers) else numbers


def sort_best_first(frame: pd.DataFrame, column: str, mode: str) -> pd.DataFrame:
    """``frame`` sorted by ``column``, best first; values that cannot be best go last (stable)."""
    key = rankable_values(frame[column])
    order = key.sort_values(ascending=_check_mode(mode) == "min", na_position="last", kind="stable").index
    return frame.loc[order]


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"The 'mode' argument must be 'min' or 'max'. Got {mode!r}.")
    return mode
