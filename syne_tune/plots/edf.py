"""Empirical distribution (EDF) of trials' values, one curve per experiment or method."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from syne_tune.plots._trials import new_axes, trial_frame


def plot_edf(experiments: Sequence, metric: str | None = None, group_by: str | Callable | None = "method", ax=None):
    """For each group of ``experiments`` (``group_by`` as in ``plot_experiments``; None: one curve
    per experiment), the share of trials whose last ``metric`` is at most x (mode "min") or at
    least x (mode "max"). A curve further up-left (min) finds good configurations more often.
    Returns the axes."""
    from syne_tune.experiment_pareto import experiment_metric_modes
    from syne_tune.experiment_plots import group_label

    experiments = [experiments] if hasattr(experiments, "results") else list(experiments)
    if not experiments:
        raise ValueError("The 'experiments' argument of plot_edf must hold at least one experiment. Got [].")
    metric = metric or experiments[0].metric_names()[0]
    modes = {experiment_metric_modes(e, [metric])[0] for e in experiments}
    if len(modes) > 1:
        raise ValueError(f"The experiments optimize '{metric}' in different modes {sorted(modes)}; compare runs "
                         "of one mode.")
    mode = modes.pop()
    groups: dict[str, list] = {}
    for experiment in experiments:
        label = experiment.name if group_by is None else group_label(experiment, group_by)
        groups.setdefault(label, []).append(trial_frame(experiment, metric)[0][metric].to_numpy(float))
    ax = new_axes(ax, figsize=(6, 4))
    for label, arrays in groups.items():
        values = np.sort(np.concatenate(arrays))
        values = values if mode == "min" else values[::-1]  # best first: share i/n is at least as good
        share = np.arange(1, len(values) + 1) / len(values)
        ax.step(values, share, where="post", label=f"{label} ({len(values)} trials)")
    ax.set_xlabel(metric)
    ax.set_ylabel(f"share of trials with {metric} {'<=' if mode == 'min' else '>='} x")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"empirical distribution of {metric}")
    ax.legend(fontsize="small")
    return ax
