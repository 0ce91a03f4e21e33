"""Bar plot of hyperparameter importance (``syne_tune.importance``, PED-ANOVA)."""
from __future__ import annotations

from syne_tune.plots._trials import new_axes


def plot_importance(experiment, metric: str | None = None, rung: float | None = None, quantile: float = 0.1,
                    ax=None):
    """One horizontal bar per hyperparameter, most important on top, with its share written next
    to it. Returns the axes."""
    table = experiment.importance(metric=metric, rung=rung, quantile=quantile)
    ax = new_axes(ax, figsize=(5.5, 0.5 * len(table) + 1.5))
    bars = ax.barh(table["hyperparameter"][::-1], table["importance"][::-1], color="tab:blue")
    ax.bar_label(bars, labels=[f"{v:.2f}" for v in table["importance"][::-1]], padding=3, fontsize="small")
    ax.set_xlim(0, min(1.0, table["importance"].max() * 1.25 + 1e-9))
    ax.set_xlabel("importance (PED-ANOVA, sums to 1)")
    where = f" at {experiment.metadata.get('resource_attr', 'resource')}={rung}" if rung is not None else ""
    ax.set_title(f"{experiment.name}: importance for {metric or experiment.metric_names()[0]}{where}")
    return ax
