"""Plots of stored experiments: best value so far against time, learning curves, several runs with bands.

Matplotlib is imported inside the functions (``pip install 'syne-tune[plot]'``), so importing
this module stays cheap. Every function draws into ``ax`` if given, else into a new figure,
and returns the axes; ``figure.savefig`` writes it to a file.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from syne_tune.backend.trial_status import Status
from syne_tune.best import running_best
from syne_tune.constants import ST_TRIAL_ID, ST_TUNER_TIME

# Final status -> (colour, end marker) of a learning curve.
_STATUS_STYLE = {
    Status.completed: ("tab:blue", "o"),
    Status.stopped: ("tab:red", "x"),
    Status.paused: ("tab:orange", "|"),
    Status.failed: ("black", "v"),
    Status.in_progress: ("tab:green", ">"),
}


def pyplot():
    """matplotlib.pyplot, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("Plotting needs matplotlib, which is not installed: "
                          "pip install 'syne-tune[plot]' (or pip install matplotlib).") from error
    return plt


def best_so_far(experiment) -> tuple[np.ndarray, np.ndarray]:
    """(tuner time in seconds, best value of the first metric reported up to then), from the first
    report that can be best on. Non-finite values (and infeasible reports of a constrained
    experiment) are skipped (``syne_tune.best``): a report of -inf in mode "min" leaves the best
    so far as it was."""
    metric = experiment._metric()
    frame = experiment.results.sort_values(ST_TUNER_TIME, kind="stable")
    best = running_best(experiment.metric_values(metric).loc[frame.index], experiment.metric_mode())
    shown = ~np.isnan(best)
    return frame[ST_TUNER_TIME].to_numpy(float)[shown], best[shown]


def plot_best_so_far(experiment, ax=None, **plot_kwargs):
    """Best value of the first metric so far against the tuner's wallclock time (a step line)."""
    times, values = best_so_far(experiment)
    ax = ax if ax is not None else pyplot().subplots()[1]
    ax.step(times, values, where="post", **plot_kwargs)
    ax.set_xlabel("wallclock time (s)")
    ax.set_ylabel(f"best {experiment._metric()} ({experiment.metric_mode()})")
    ax.set_title(experiment.name)
    return ax


def plot_learning_curves(experiment, ax=None, resource_attr: str | None = None):
    """Every trial's metric against its resource; colour and end marker say how the trial ended.

    The resource is ``resource_attr`` (default: the one stored in the metadata), else the
    number of reports so far. Stopped trials end in a red x, paused ones in an orange bar.
    """
    metric = experiment._metric()
    resource_attr = resource_attr or experiment.metadata.get("resource_attr")
    frame = experiment.results.dropna(subset=[metric]).sort_values(ST_TUNER_TIME)
    status = experiment.trials(resource_attr=resource_attr).set_index(ST_TRIAL_ID)["status"]
    ax = ax if ax is not None else pyplot().subplots()[1]
    seen = set()
    for trial_id, curve in frame.groupby(ST_TRIAL_ID):
        x = curve[resource_attr] if resource_attr in curve else np.arange(1, len(curve) + 1)
        final = status.get(trial_id, Status.in_progress)
        colour, marker = _STATUS_STYLE.get(final, ("grey", "."))
        ax.plot(x, curve[metric], color=colour, alpha=0.5, linewidth=1)
        ax.plot(np.asarray(x)[-1:], curve[metric].to_numpy()[-1:], linestyle="none", marker=marker, color=colour,
                label=final if final not in seen else None)
        seen.add(final)
    ax.set_xlabel(resource_attr if resource_attr in frame else "reports")
    ax.set_ylabel(metric)
    ax.set_title(f"{experiment.name}: learning curves")
    if seen:
        ax.legend(title="trial ended", fontsize="small")
    return ax


def plot_pareto_front(experiment, metrics: Sequence[str] | None = None, modes: Sequence[str] | None = None,
                      ax=None, last_report_only: bool = False):
    """Two metrics against each other: every report (grey) and the Pareto front (a red staircase).

    ``metrics`` default to the first two of the experiment; see ``ExperimentResult.pareto_front``.
    """
    metrics = list(metrics or experiment.metric_names()[:2])
    if len(metrics) != 2:
        raise ValueError(f"The 'metrics' argument of plot_pareto_front must name two metrics. Got {metrics!r}.")
    front = experiment.pareto_front(metrics, modes, last_report_only=last_report_only)
    ax = ax if ax is not None else pyplot().subplots()[1]
    ax.scatter(experiment.results[metrics[0]], experiment.results[metrics[1]], s=8, color="lightgrey",
               label="reports")
    ax.step(front[metrics[0]], front[metrics[1]], where="post", color="tab:red", marker="o", label="Pareto front")
    ax.set_xlabel(metrics[0])
    ax.set_ylabel(metrics[1])
    ax.set_title(f"{experiment.name}: Pareto front")
    ax.legend(fontsize="small")
    return ax


def plot_experiment(experiment, learning_curves: bool = False, ax=None, **plot_kwargs):
    """Best so far; with ``learning_curves``, a second panel with every trial's curve (returns both axes)."""
    if not learning_curves:
        return plot_best_so_far(experiment, ax=ax, **plot_kwargs)
    _, axes = pyplot().subplots(1, 2, figsize=(11, 4))
    plot_best_so_far(experiment, ax=axes[0], **plot_kwargs)
    plot_learning_curves(experiment, ax=axes[1])
    axes[0].figure.tight_layout()
    return axes


def group_label(experiment, group_by: str | Callable = "method") -> str:
    """Name of the curve an experiment belongs to: ``group_by(experiment)``, or that metadata entry,
    falling back to the scheduler's name."""
    if callable(group_by):
        return str(group_by(experiment))
    return str(experiment.metadata.get(group_by) or experiment.metadata.get("scheduler_name") or experiment.name)


def plot_experiments(experiments: Sequence, group_by: str | Callable = "method", ax=None,
                     quantiles: tuple[float, float] = (0.25, 0.75), num_points: int = 200):
    """Several experiments (ExperimentResults; ``syne_tune.experiments.plot_experiments`` also takes
    names) on one figure: per group (e.g. a method
    run with several seeds), the median best-so-far curve and a band between the ``quantiles``.

    Experiments with different metrics (or modes) are never averaged together: each metric gets
    its own panel, and the function returns an array of axes, one per metric (a single axes when
    all experiments share their metric). ``ax`` may then be one axes per metric.
    Curves are compared on a common time grid up to the longest run of the panel, from the time
    every run of the group has reported on; a run keeps its last value after it ended.
    """
    if not experiments:
        raise ValueError("The 'experiments' argument of plot_experiments must hold at least one experiment. Got [].")
    names = [e for e in experiments if isinstance(e, str)]
    if names:
        raise TypeError(f"plot_experiments of syne_tune.experiment_plots takes ExperimentResults; got the name(s) "
                        f"{names}. Load them with load_experiment, or call syne_tune.experiments.plot_experiments, "
                        f"which takes names too.")
    panels: dict[tuple[str, str], list] = {}
    for experiment in experiments:
        panels.setdefault((experiment._metric(), experiment.metric_mode()), []).append(experiment)
    if ax is None:
        _, axes = pyplot().subplots(1, len(panels), figsize=(6.4 * len(panels), 4.8), squeeze=False)
        axes = axes[0]
    else:
        axes = np.atleast_1d(np.asarray(ax, dtype=object))
        if len(axes) != len(panels):
            raise ValueError(f"The 'ax' argument of plot_experiments must hold one axes per metric: the experiments "
                             f"have {len(panels)} ({', '.join(f'{m} ({mode})' for m, mode in panels)}). "
                             f"Got {len(axes)}; pass ax=None to get a new figure with one panel per metric.")
    for axis, ((metric, mode), members) in zip(axes, panels.items()):
        _plot_group_curves(axis, members, group_by, quantiles, num_points)
        axis.set_ylabel(f"best {metric} ({mode})")
    if len(panels) > 1:
        axes[0].figure.tight_layout()
    return axes[0] if len(panels) == 1 else axes


def _plot_group_curves(ax, experiments: list, group_by, quantiles: tuple[float, float], num_points: int) -> None:
    """Median and quantile band of the best-so-far curves of each group, experiments of one metric."""
    curves: dict[str, list] = {}
    for experiment in experiments:
        curves.setdefault(group_label(experiment, group_by), []).append(best_so_far(experiment))
    end = max((times[-1] for group in curves.values() for times, _ in group if len(times)), default=0.0)
    grid = np.linspace(0.0, end, num_points)
    for label, group in curves.items():
        values = np.array([_on_grid(times, best, grid) for times, best in group])
        low, median, high = np.full((3, num_points), np.nan)
        complete = ~np.isnan(values).any(axis=0)  # from the time every run of the group has reported
        if complete.any():
            low[complete], median[complete], high[complete] = np.quantile(
                values[:, complete], [quantiles[0], 0.5, quantiles[1]], axis=0)
        line, = ax.plot(grid, median, label=f"{label} ({len(group)} run{'s' if len(group) > 1 else ''})")
        if len(group) > 1:
            ax.fill_between(grid, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel("wallclock time (s)")
    ax.set_title(f"median and {int(100 * quantiles[0])}-{int(100 * quantiles[1])}% band over runs")
    ax.legend(fontsize="small")


def _on_grid(times: np.ndarray, best: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Step function ``best`` at ``grid``; NaN before the first report."""
    if not len(times):
        return np.full(len(grid), np.nan)
    index = np.searchsorted(times, grid, side="right") - 1
    return np.where(index >= 0, best[np.clip(index, 0, None)], np.nan)

