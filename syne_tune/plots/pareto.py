"""Pareto front of a multi-objective experiment: two metrics, every trial, the front, coloured by time."""
from __future__ import annotations

from typing import Sequence

from syne_tune.plots._trials import new_axes


def plot_pareto(experiment, metrics: Sequence[str] | None = None, modes: Sequence[str] | None = None, ax=None):
    """Each trial's last report in the plane of two ``metrics`` (default the first two), coloured by
    when it was reported, and the front of those reports as a red staircase (see
    ``ExperimentResult.pareto_front`` with ``last_report_only``). Returns the axes."""
    from syne_tune.constants import ST_TRIAL_ID, ST_TUNER_TIME

    metrics = list(metrics or experiment.metric_names()[:2])
    if len(metrics) != 2:
        raise ValueError(f"The 'metrics' argument of plot_pareto must name two metrics; experiment "
                         f"{experiment.name} has {experiment.metric_names()}. Got {metrics!r}.")
    front = experiment.pareto_front(metrics, modes, last_report_only=True)
    last = experiment.results.groupby(ST_TRIAL_ID).tail(1)
    ax = new_axes(ax, figsize=(5.5, 4.5))
    colour = last[ST_TUNER_TIME] if ST_TUNER_TIME in last else None
    points = ax.scatter(last[metrics[0]], last[metrics[1]], c=colour, cmap="Blues", s=16, edgecolors="grey",
                        linewidths=0.3, label="trials (last report)")
    ax.step(front[metrics[0]], front[metrics[1]], where="post", color="tab:red", marker="o", label="Pareto front")
    if colour is not None:
        ax.figure.colorbar(points, ax=ax, label="tuner time (s)")
    ax.set_xlabel(metrics[0])
    ax.set_ylabel(metrics[1])
    ax.set_title(f"{experiment.name}: Pareto front ({len(front)} of {len(last)} trials)")
    ax.legend(fontsize="small")
    return ax
