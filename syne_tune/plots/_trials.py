"""What the analysis plots share: each trial's last value and its hyperparameters as plot positions."""
from __future__ import annotations

import numpy as np
import pandas as pd

from syne_tune.constants import ST_CONFIG_PREFIX
from syne_tune.importance import Encoding, hyperparameter_encodings, trial_values


def trial_frame(experiment, metric: str | None = None) -> tuple[pd.DataFrame, dict[str, Encoding], str]:
    """(one row per trial with a finite value of ``metric``: its last report, its encodings, metric)."""
    metric = metric or experiment.metric_names()[0]
    table = trial_values(experiment, metric)
    table = table[np.isfinite(pd.to_numeric(table[metric], errors="coerce").to_numpy(float))]
    if table.empty:
        raise ValueError(f"Experiment {experiment.name} has no trial with a finite '{metric}' yet.")
    return table.reset_index(drop=True), hyperparameter_encodings(experiment, table), metric


def positions(encoding: Encoding, values: pd.Series) -> np.ndarray:
    """Where values go on a plot axis: numbers as they are, a category at its index."""
    if encoding.categories is None:
        return pd.to_numeric(values, errors="coerce").to_numpy(float)
    return encoding.category_index(values)


def unit_positions(encoding: Encoding, values: pd.Series) -> np.ndarray:
    """Positions on [0, 1]: a log-scaled number by its log, a category spread evenly."""
    if encoding.categories is None:
        return encoding.unit(values)
    return positions(encoding, values) / max(len(encoding.categories) - 1, 1)


def label_axis(axis, encoding: Encoding, which: str = "x") -> None:
    """Category names as ticks, a log scale for log-scaled numbers."""
    if encoding.categories is not None:
        ticks = range(len(encoding.categories))
        getattr(axis, f"set_{which}ticks")(list(ticks))
        getattr(axis, f"set_{which}ticklabels")([str(c) for c in encoding.categories])
    elif encoding.log_scale:
        getattr(axis, f"set_{which}scale")("log")


def config_column(name: str) -> str:
    return ST_CONFIG_PREFIX + name


def new_axes(ax=None, **subplots_kwargs):
    """``ax``, else the axes of a new figure (pyplot imported here, with a message if missing)."""
    from syne_tune.experiment_plots import pyplot

    return ax if ax is not None else pyplot().subplots(**subplots_kwargs)[1]
