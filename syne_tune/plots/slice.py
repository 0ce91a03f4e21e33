"""Slice plot: the metric against each hyperparameter, one panel each (trials coloured by their id)."""
from __future__ import annotations

import numpy as np

from syne_tune.constants import ST_TRIAL_ID
from syne_tune.plots._trials import config_column, label_axis, positions, trial_frame


def plot_slice(experiment, metric: str | None = None, params: list[str] | None = None, axes=None):
    """One panel per hyperparameter (default: all that vary), each trial's last value of ``metric``
    against it; a later trial is drawn darker. Returns the array of axes."""
    from syne_tune.experiment_plots import pyplot

    table, encodings, metric = trial_frame(experiment, metric)
    names = _checked(params, encodings)
    if axes is None:
        _, axes = pyplot().subplots(1, len(names), figsize=(3.2 * len(names), 3.4), sharey=True, squeeze=False)
        axes = axes[0]
    axes = np.atleast_1d(axes)
    for axis, name in zip(axes, names):
        points = axis.scatter(positions(encodings[name], table[config_column(name)]), table[metric], s=14,
                              c=table[ST_TRIAL_ID], cmap="Blues", edgecolors="grey", linewidths=0.3)
        label_axis(axis, encodings[name])
        axis.set_xlabel(name)
    axes[0].set_ylabel(metric)
    axes[0].figure.suptitle(f"{experiment.name}: {metric} per hyperparameter")
    axes[0].figure.colorbar(points, ax=list(axes), label="trial id")
    return axes


def _checked(params, encodings) -> list[str]:
    names = list(params) if params is not None else list(encodings)
    unknown = [n for n in names if n not in encodings]
    if unknown or not names:
        raise ValueError(f"The 'params' argument must name hyperparameters of the experiment ({list(encodings)}). "
                         f"Got {params!r}.")
    return names
