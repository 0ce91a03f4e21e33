"""The Pareto front of a stored multi-objective experiment (see ``ExperimentResult.pareto_front``).

A report is on the front when no other report is at least as good in every metric and better
in one. Reports with a missing or non-finite value of any metric are left out.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from syne_tune.constants import ST_TRIAL_ID, ST_TUNER_TIME
from syne_tune.optimizer.schedulers.multiobjective.non_dominated import pareto_mask

logger = logging.getLogger(__name__)


def experiment_metric_modes(experiment, metrics: list[str]) -> list[str]:
    """The mode of each metric: from the metadata ('metric_modes'), else from a tuner loaded with
    ``load_tuner=True``, else from 'metric_mode': a list of one mode per metric (the original
    library's multi-objective metadata) or one mode for every metric. Nothing is unpickled here."""
    names = experiment.metric_names()
    modes = experiment.metadata.get("metric_modes")
    if modes is None:
        stored = getattr(getattr(experiment.tuner, "scheduler", None), "metric_modes", None)
        modes = stored() if callable(stored) else None
    if modes is None:
        mode = experiment.metadata.get("metric_mode")
        if isinstance(mode, str):
            modes = [mode] * len(names)
        elif isinstance(mode, list) and len(mode) == len(names):
            modes = list(mode)
    if modes is None or not set(metrics) <= set(names):
        raise ValueError(f"The modes of {metrics} in experiment {experiment.name} are unknown (its metrics: {names}). "
                         "Pass modes=[...], one 'min' or 'max' per metric.")
    return [modes[names.index(m)] for m in metrics]


def pareto_front(results: pd.DataFrame, metrics: list[str], modes: list[str],
                 last_report_only: bool = False) -> pd.DataFrame:
    """Rows of ``results`` on the Pareto front of ``metrics``, sorted by the first metric (best first).

    With ``last_report_only`` each trial counts with its last report only (its final model);
    otherwise every report counts (a checkpoint at any resource level).
    """
    missing = [m for m in metrics if m not in results]
    if missing:
        raise ValueError(f"The results have no column {missing[0]!r}; they hold {sorted(results.columns)}.")
    frame = results.groupby(ST_TRIAL_ID).tail(1) if last_report_only else results
    losses = _losses(frame, metrics, modes)
    finite = np.isfinite(losses).all(axis=1)
    frame, losses = frame[finite], losses[finite]
    if frame.empty:
        return frame
    front = frame[pareto_mask(losses)]
    return front.sort_values(metrics[0], ascending=modes[0] == "min").drop_duplicates(subset=metrics)


def hypervolume_over_time(results: pd.DataFrame, metrics: list[str], modes: list[str],
                          reference_point: list[float]) -> pd.DataFrame:
    """``st_tuner_time`` and the hypervolume of all reports up to then, one row per report.

    ``reference_point`` is in the metrics' own units (one value per metric, worse than any value
    that should count); compare runs with the same reference point.
    """
    from syne_tune.optimizer.schedulers.multiobjective.hypervolume import hypervolume_cumulative

    if len(reference_point) != len(metrics):
        raise ValueError(f"The 'reference_point' argument must hold one value per metric {metrics}. "
                         f"Got {reference_point!r}.")
    frame = results.sort_values(ST_TUNER_TIME) if ST_TUNER_TIME in results else results
    values = hypervolume_cumulative(_losses(frame, metrics, modes), np.asarray(reference_point, dtype=float)
                                    * _signs(modes))
    times = frame[ST_TUNER_TIME].to_numpy(float) if ST_TUNER_TIME in frame else np.arange(len(frame), dtype=float)
    return pd.DataFrame({ST_TUNER_TIME: times, "hypervolume": values})


def _signs(modes: list[str]) -> np.ndarray:
    """+1 for a metric to minimize, -1 for one to maximize: metric values times these are losses."""
    return np.array([1.0 if mode == "min" else -1.0 for mode in modes])


def _losses(frame: pd.DataFrame, metrics: list[str], modes: list[str]) -> np.ndarray:
    """``(rows, metrics)`` losses of ``frame``'s reports; NaN where a value is missing or not a number."""
    return frame[metrics].apply(pd.to_numeric, errors="coerce").to_numpy(float) * _signs(modes)
