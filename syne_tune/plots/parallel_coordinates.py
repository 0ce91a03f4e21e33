"""Parallel coordinates: one line per trial through its hyperparameters, coloured by the metric."""
from __future__ import annotations

import numpy as np

from syne_tune.plots._trials import config_column, new_axes, trial_frame, unit_positions
from syne_tune.plots.slice import _checked


def plot_parallel_coordinates(experiment, metric: str | None = None, params: list[str] | None = None, ax=None):
    """Each trial (its last report) as a line over one vertical axis per hyperparameter and a
    last one for ``metric``; every axis spans its range (log-scaled ones by their log), and the
    line's colour is the metric's value. Returns the axes."""
    table, encodings, metric = trial_frame(experiment, metric)
    names = _checked(params, encodings)
    ax = new_axes(ax, figsize=(1.8 * (len(names) + 1) + 2, 4))
    values = table[metric].to_numpy(float)
    low, high = values.min(), values.max()
    columns = [unit_positions(encodings[n], table[config_column(n)]) for n in names]
    columns.append((values - low) / (high - low) if high > low else np.full(len(values), 0.5))
    lines = np.column_stack(columns)
    import matplotlib as mpl
    from matplotlib.collections import LineCollection

    norm = mpl.colors.Normalize(low, high)
    x = np.arange(len(names) + 1)
    collection = LineCollection([np.column_stack([x, row]) for row in lines], array=values, cmap="viridis",
                                norm=norm, linewidths=1, alpha=0.7)
    ax.add_collection(collection)
    for position, name in enumerate(names):
        ax.axvline(position, color="black", linewidth=0.8)
        encoding = encodings[name]
        bottom, top = (encoding.categories[0], encoding.categories[-1]) if encoding.categories else \
            (f"{encoding.lower:.3g}", f"{encoding.upper:.3g}")
        ax.text(position, -0.04, str(bottom), ha="center", va="top", fontsize="x-small")
        ax.text(position, 1.04, str(top), ha="center", va="bottom", fontsize="x-small")
    ax.axvline(len(names), color="black", linewidth=0.8)
    ax.set_xticks(list(x))
    ax.set_xticklabels(names + [metric])
    ax.set_xlim(-0.2, len(names) + 0.2)
    ax.set_ylim(-0.1, 1.1)
    ax.set_yticks([])
    ax.figure.colorbar(collection, ax=ax, label=metric)
    ax.set_title(f"{experiment.name}: parallel coordinates ({len(table)} trials)", pad=14)
    return ax
