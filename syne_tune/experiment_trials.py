"""One row per trial of a stored experiment: config, final status, best and last metric, resource, times.

The results hold one row per report, so a trial's final status is not always in them: a
trial that ran to its end last reported while still ``InProgress``, and a trial that failed
before its first report has no row. The journal's trial events (``journal.jsonl``) know both,
so they are used; without a journal the status is inferred from the last report.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from syne_tune.backend.trial_status import Status
from syne_tune.best import best_per_group, feasible_values
from syne_tune.constants import (
    ST_CONFIG_PREFIX, ST_DECISION, ST_STATUS, ST_TRIAL_ID, ST_TUNER_TIME, ST_WORKER_TIME,
)
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.results_journal import JOURNAL_NAME, rows_frame, trial_records

logger = logging.getLogger(__name__)


def trials_table(results: pd.DataFrame, metric: str, mode: str, resource_attr: str | None = None,
                 final_status: dict[int, str] | None = None, configs: dict[int, dict] | None = None,
                 constraints: list[str] | None = None) -> pd.DataFrame:
    """Summarizes reports per trial: one row per trial that started (with a report, or in
    ``configs``); sorted by trial id.

    Columns: ``trial_id``, ``status``, ``best_<metric>`` (the best finite value, NaN if the trial
    reported none: see ``syne_tune.best``), ``last_<metric>``, ``resource`` (the
    highest ``resource_attr`` reported; only with ``resource_attr``), ``reports``, ``wall_time``
    (seconds from the trial's first start to its last report, time paused included), ``worker_time`` (seconds
    the training script ran, summed over pause/resume), then the ``config_*`` columns.

    With ``constraints`` (constrained tuning), ``best_<metric>`` is over feasible reports only
    (``syne_tune.best.feasible_values``) and a ``feasible`` column says whether the trial had one.

    Args:
        final_status: {trial id: status} as the tuner last saw it; overrides the inferred status.
        configs: {trial id: config} of all trials, so trials without any report get a row.
    """
    frame = results if results is not None else pd.DataFrame()
    if ST_TUNER_TIME in frame:
        frame = frame.sort_values(ST_TUNER_TIME, kind="stable")
    config_columns = [c for c in frame.columns if c.startswith(ST_CONFIG_PREFIX)]
    if frame.empty or ST_TRIAL_ID not in frame:
        table = pd.DataFrame({ST_TRIAL_ID: pd.Series(dtype=int)})
    else:
        groups = frame.groupby(ST_TRIAL_ID, sort=True)
        table = pd.DataFrame(index=groups.size().index)
        table["status"] = _status_from_reports(groups)
        if metric in frame:
            values = feasible_values(frame, metric, constraints or [])
            table[f"best_{metric}"] = best_per_group(values, frame[ST_TRIAL_ID], mode)
            if constraints:
                table["feasible"] = values.notna().groupby(frame[ST_TRIAL_ID]).any()
            table[f"last_{metric}"] = groups[metric].last()
        if resource_attr is not None and resource_attr in frame:
            table["resource"] = groups[resource_attr].max()
        table["reports"] = groups.size()
        if ST_TUNER_TIME in frame:
            start = groups[ST_TUNER_TIME].first()
            if ST_WORKER_TIME in frame:
                start = start - groups[ST_WORKER_TIME].first().fillna(0.0)
            table["wall_time"] = groups[ST_TUNER_TIME].last() - start
        if ST_WORKER_TIME in frame:
            table["worker_time"] = _worker_time(frame)
        for column in config_columns:
            table[column] = groups[column].last()
        table = table.reset_index()
    table = _add_unreported(table, configs or {})
    if final_status:
        table["status"] = [final_status.get(t, s) for t, s in zip(table[ST_TRIAL_ID], table["status"])]
    return table.sort_values(ST_TRIAL_ID, ignore_index=True)


def _status_from_reports(groups) -> pd.Series:
    """STOP or PAUSE decisions on the last report, else the status seen with it."""
    last = groups[[ST_DECISION, ST_STATUS]].last() if ST_DECISION in groups.obj else None
    if last is None:
        return pd.Series(Status.in_progress, index=groups.size().index)
    decided = last[ST_DECISION].map({SchedulerDecision.STOP: Status.stopped, SchedulerDecision.PAUSE: Status.paused})
    return decided.fillna(last[ST_STATUS])


def _worker_time(frame: pd.DataFrame) -> pd.Series:
    """Each run of a trial restarts st_worker_time; sum the longest time of every run."""
    times = frame[[ST_TRIAL_ID, ST_WORKER_TIME]].dropna()
    run = times.groupby(ST_TRIAL_ID)[ST_WORKER_TIME].transform(lambda s: (s.diff() < 0).cumsum())
    return times.assign(run=run).groupby([ST_TRIAL_ID, "run"])[ST_WORKER_TIME].max().groupby(level=0).sum()


def _add_unreported(table: pd.DataFrame, configs: dict[int, dict]) -> pd.DataFrame:
    missing = sorted(set(configs) - set(table[ST_TRIAL_ID]))
    if not missing:
        return table
    rows = rows_frame([{ST_TRIAL_ID: t, "status": Status.failed, "reports": 0,
                        **{ST_CONFIG_PREFIX + k: v for k, v in configs[t].items()}} for t in missing])
    return pd.concat([table, rows], ignore_index=True) if not table.empty else rows


def tuner_record(tuner_path: Path, tuner=None) -> tuple[dict[int, str], dict[int, dict]]:
    """(final status, config) of every trial: from ``tuner`` if given, else from the journal's
    trial events (nothing is unpickled). ({}, {}) when neither is there."""
    status = getattr(tuner, "tuning_status", None)
    if status is not None:
        return dict(status.last_trial_status_seen), dict(status.trial_configs)
    path = Path(tuner_path)
    journal, results = path / JOURNAL_NAME, path / "results.csv.zip"
    if not journal.exists():
        return {}, {}
    ended = results.exists() and results.stat().st_mtime >= journal.stat().st_mtime
    return trial_records(journal, ended)
