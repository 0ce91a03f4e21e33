"""What the dashboard shows, as JSON-ready dicts: read from the results folder, never written to.

Every function takes an experiment's name, which must be a folder directly inside the results
root (``experiment_folder`` refuses anything else with a ValueError). An experiment that
cannot be read (a corrupt metadata.json, a half-written journal) is reported as such
(``ExperimentUnreadable``) instead of breaking the page.
"""
from __future__ import annotations

import math
import threading

import numpy as np
import pandas as pd

from syne_tune.constants import ST_TRIAL_ID, ST_TUNER_TIME
from syne_tune.results_path import experiment_folder, results_root

# Learning curves sent per experiment at most (the page stays responsive with thousands of trials).
MAX_CURVES = 200
_RENDER_LOCK = threading.Lock()  # matplotlib is not thread safe
_SUMMARIES: dict[str, tuple[tuple, dict]] = {}  # folder -> (stamps of its files, summary)
_STAMPED_FILES = ("metadata.json", "journal.jsonl", "results.csv.zip", "results.csv", "tuner.dill")


class ExperimentUnreadable(Exception):
    """The experiment exists but cannot be read; the message says why."""


def experiment_list() -> list[dict]:
    """One entry per folder with a metadata.json, newest first: name, created, scheduler, status,
    metric, mode, best, trials started and reported, rows; or name and error if it is unreadable."""
    root = results_root()
    folders = [f for f in root.iterdir() if (f / "metadata.json").exists()] if root.is_dir() else []
    entries = []
    for folder in folders:
        try:
            entries.append(_cached_summary(folder))
        except Exception as error:  # noqa: BLE001 - one broken experiment must not hide the others
            entries.append({"name": folder.name, "status": "unreadable", "error": _reason(error), "created": 0})
    return sorted(entries, key=lambda e: e.get("created") or 0, reverse=True)


def experiment_detail(name: str) -> dict:
    """The summary, plus the trials table, the best-so-far curve, learning curves and the plot kinds."""
    from syne_tune.plots import PLOTS

    experiment = load(name)
    detail = _summary(experiment)
    try:
        trials = experiment.trials()
    except Exception as error:  # noqa: BLE001
        raise ExperimentUnreadable(f"its trials cannot be summarized ({_reason(error)})") from error
    detail["trials_table"] = {"columns": list(trials.columns), "rows": _records(trials)}
    detail["best_curve"] = _best_curve(experiment)
    detail["curves"] = _learning_curves(experiment)
    detail["plots"] = [kind for kind in PLOTS if kind != "pareto" or len(experiment.metric_names()) > 1]
    return detail


def rows_since(name: str, since: int) -> dict:
    """Report rows from number ``since`` on (0-based, in the order they were written) and the total."""
    experiment = load(name)
    results = experiment.results if experiment.results is not None else pd.DataFrame()
    return {"name": name, "status": _status(experiment.folder), "total": len(results), "since": since,
            "columns": list(results.columns),
            "rows": _records(results.iloc[since:])}


def plot_png(name: str, kind: str) -> bytes:
    """The analysis plot ``kind`` (a key of ``syne_tune.plots.PLOTS``) of the experiment as PNG
    bytes; ValueError when it cannot be drawn yet (e.g. too few trials for importance)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from syne_tune.plots import plot_function

    experiment = load(name)
    function = plot_function(kind)
    with _RENDER_LOCK:
        import matplotlib.pyplot as plt

        axes = function(experiment)
        figure = getattr(axes, "figure", None) or np.atleast_1d(axes)[0].figure
        buffer = io.BytesIO()
        try:
            figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        finally:
            plt.close(figure)
    return buffer.getvalue()


def load(name: str):
    """The experiment ``name`` (exactly: no prefix or pattern); ValueError for a path, FileNotFoundError
    for a missing folder, ExperimentUnreadable when its files cannot be read."""
    from syne_tune.experiments import load_experiment

    folder = experiment_folder(name)  # refuses paths and names leading outside the results root
    if not (folder / "metadata.json").is_file():
        raise FileNotFoundError(f"No experiment '{name}' in {results_root()}.")
    try:
        experiment = load_experiment(name)
    except Exception as error:  # noqa: BLE001
        raise ExperimentUnreadable(_reason(error)) from error
    if not isinstance(experiment.metadata.get("metric_names"), list) or not experiment.metadata["metric_names"]:
        raise ExperimentUnreadable("its metadata.json names no metrics")
    return experiment


def _cached_summary(folder) -> dict:
    """``_summary`` of the experiment in ``folder``, read again only when one of its files changed
    (the list is polled every few seconds; most experiments are finished). The status is always fresh."""
    stamps = tuple((name, stat.st_mtime_ns, stat.st_size) for name in _STAMPED_FILES
                   if (stat := _stat(folder / name)) is not None)
    cached = _SUMMARIES.get(str(folder))
    if cached is None or cached[0] != stamps:
        cached = (stamps, _summary(load(folder.name)))
        _SUMMARIES[str(folder)] = cached
    return dict(cached[1], status=_status(folder))


def _stat(path):
    try:
        return path.stat()
    except OSError:
        return None


def _summary(experiment) -> dict:
    from syne_tune.best import best_label

    metadata = experiment.metadata
    metric, mode = experiment.metric_names()[0], metadata.get("metric_mode", "min")
    results = experiment.results if experiment.results is not None else pd.DataFrame()
    count = experiment.trial_count()
    best = None
    if metric in results:
        label = best_label(experiment.metric_values(metric), mode)
        if label is not None:
            row = results.loc[label]
            best = {"value": _json(row[metric]), "trial_id": _json(row.get(ST_TRIAL_ID)),
                    "config": {k[7:]: _json(v) for k, v in row.items() if k.startswith("config_")}}
    return {"name": experiment.name, "created": _json(metadata.get("st_tuner_creation_timestamp")),
            "scheduler": metadata.get("scheduler_name"), "method": metadata.get("method"), "status": _status(experiment.folder),
            "metric": metric, "mode": mode, "metric_names": experiment.metric_names(),
            "resource_attr": metadata.get("resource_attr"), "best": best, "trials": count.started,
            "reported": count.with_reports, "rows": len(results)}


def _status(folder) -> str:
    """running (its lock is held), finished (its final table is written), else stopped
    (interrupted or crashed)."""
    from syne_tune.experiment_lock import lock_holder

    if lock_holder(folder) is not None:
        return "running"
    return "finished" if any(folder.glob("results.csv*")) else "stopped"


def _best_curve(experiment) -> list:
    from syne_tune.experiment_plots import best_so_far

    try:
        times, best = best_so_far(experiment)
    except (ValueError, KeyError):
        return []
    return [[_json(t), _json(v)] for t, v in zip(times, best)]


def _learning_curves(experiment) -> dict:
    """{trial id: [[resource, value], ...]} of the first metric, the last ``MAX_CURVES`` trials."""
    results, metric = experiment.results, experiment.metric_names()[0]
    if results is None or metric not in results or ST_TRIAL_ID not in results:
        return {}
    resource = experiment.metadata.get("resource_attr")
    frame = results.sort_values(ST_TUNER_TIME, kind="stable") if ST_TUNER_TIME in results else results
    curves = {}
    for trial_id, rows in list(frame.groupby(ST_TRIAL_ID))[-MAX_CURVES:]:
        x = rows[resource] if resource in rows else pd.Series(np.arange(1, len(rows) + 1))
        curves[str(int(trial_id))] = [[_json(a), _json(b)] for a, b in zip(x, rows[metric])]
    return curves


def _records(frame: pd.DataFrame) -> list[list]:
    """Rows as lists of JSON values (NaN and infinities become null: JSON has none)."""
    return [[_json(v) for v in row] for row in frame.itertuples(index=False, name=None)] if len(frame.columns) \
        else [[] for _ in range(len(frame))]


def _json(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
