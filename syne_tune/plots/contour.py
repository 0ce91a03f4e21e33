"""Contour plot: the metric over a pair of hyperparameters, interpolated between trials."""
from __future__ import annotations

from syne_tune.plots._trials import config_column, label_axis, new_axes, positions, trial_frame


def plot_contour(experiment, params: tuple[str, str] | None = None, metric: str | None = None, ax=None):
    """Filled contours of each trial's last ``metric`` over ``params`` (default: the two most
    important hyperparameters, ``ExperimentResult.importance``), linearly interpolated on the
    triangles between trials, with the trials as dots and the best one as a star. Returns the axes."""
    import numpy as np

    table, encodings, metric = trial_frame(experiment, metric)
    if params is None:
        params = _two_most_important(experiment, metric, list(encodings))
    params = list(params)
    if len(params) != 2 or any(p not in encodings for p in params) or params[0] == params[1]:
        raise ValueError(f"The 'params' argument of plot_contour must name two hyperparameters of the experiment "
                         f"({list(encodings)}). Got {params!r}.")
    x = positions(encodings[params[0]], table[config_column(params[0])])
    y = positions(encodings[params[1]], table[config_column(params[1])])
    z = table[metric].to_numpy(float)
    ax = new_axes(ax, figsize=(5.5, 4.5))
    tx = np.log(x) if encodings[params[0]].log_scale else x
    ty = np.log(y) if encodings[params[1]].log_scale else y
    filled = None
    if len(np.unique(np.column_stack([tx, ty]), axis=0)) >= 3:
        import matplotlib.tri as mtri

        try:  # triangulate in the plotted (log) coordinates, draw in the data's
            triangles = mtri.Triangulation(tx, ty)
            filled = ax.tricontourf(mtri.Triangulation(x, y, triangles.triangles), z, levels=14, cmap="viridis")
        except (ValueError, RuntimeError):  # all points on a line: no triangles, dots only
            filled = None
    dots = ax.scatter(x, y, c=z, cmap="viridis", s=12, edgecolors="white", linewidths=0.5)
    mode = _mode(experiment, metric)
    best = int(np.argmin(z) if mode == "min" else np.argmax(z))
    ax.plot(x[best], y[best], marker="*", markersize=14, color="tab:red", linestyle="none", label="best")
    label_axis(ax, encodings[params[0]], "x")
    label_axis(ax, encodings[params[1]], "y")
    ax.set_xlabel(params[0])
    ax.set_ylabel(params[1])
    ax.legend(fontsize="small", loc="best")
    ax.figure.colorbar(filled if filled is not None else dots, ax=ax, label=metric)
    ax.set_title(f"{experiment.name}: {metric}")
    return ax


def _mode(experiment, metric: str) -> str:
    from syne_tune.experiment_pareto import experiment_metric_modes

    return experiment_metric_modes(experiment, [metric])[0]


def _two_most_important(experiment, metric: str, names: list[str]) -> list[str]:
    if len(names) < 2:
        raise ValueError(f"A contour plot needs two hyperparameters that vary; experiment {experiment.name} has "
                         f"{names}. Use plot_slice instead.")
    try:
        return list(experiment.importance(metric=metric)["hyperparameter"][:2])
    except ValueError:  # too few trials to rank: the first two
        return names[:2]
