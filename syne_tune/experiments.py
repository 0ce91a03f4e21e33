"""Reading finished, running or crashed experiments back from the results folder.

Results come from ``results.csv.zip`` when it is complete (written at the end of tuning) and
from the journal ``journal.jsonl`` otherwise (a running or crashed experiment). Names are
experiment folders inside the results root: a name that leads outside it is refused. A name
may also be a unique prefix of an experiment's name or a glob pattern matching one, as on the
``syne-tune`` command line (:func:`resolve_experiment_name`).
"""
from __future__ import annotations

import fnmatch
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from syne_tune.best import best_label, constraint_names, feasible_values
from syne_tune.constants import ST_TRIAL_ID, ST_TUNER_CREATION_TIMESTAMP
from syne_tune.results_journal import JOURNAL_NAME, journal_rows, rows_frame
from syne_tune.results_path import experiment_folder, experiment_path, results_root
from syne_tune.trial_count import TrialCount

logger = logging.getLogger(__name__)


@dataclass(repr=False)
class ExperimentResult:
    """Results (one row per report), metadata and, optionally, the pickled tuner.

    ``path`` is the experiment's folder, as in the original; None (when built by hand) means
    ``<results root>/<name>``.
    """

    name: str
    results: pd.DataFrame | None
    metadata: dict
    tuner: object | None = None
    path: Path | None = None

    def __post_init__(self):
        if self.path is not None:
            self.path = Path(self.path)

    @property
    def folder(self) -> Path:
        """The experiment's folder: ``path``, else ``<results root>/<name>``."""
        return self.path if self.path is not None else experiment_path(self.name)

    def __repr__(self) -> str:  # short: a list of experiments prints one line each, not their frames
        rows = "None" if self.results is None else f"<{len(self.results)} rows>"
        return (f"ExperimentResult(name={self.name!r}, results={rows}, metric_names={self.metadata.get('metric_names')}, "
                f"metric_mode={self.metadata.get('metric_mode')!r}, tuner={'loaded' if self.tuner else None})")

    def __str__(self) -> str:
        if self.results is None or self.results.empty:
            return f"Experiment {self.name} has no results yet"
        return (f"Experiment {self.name} contains {len(self.results)} evaluations from "
                f"{self.results['trial_id'].nunique()} trials")

    def creation_date(self):
        import datetime

        return datetime.datetime.fromtimestamp(self.metadata[ST_TUNER_CREATION_TIMESTAMP])

    def metric_names(self) -> list[str]:
        return self.metadata["metric_names"]

    def metric_mode(self) -> str:
        return self.metadata["metric_mode"]

    def entrypoint_name(self) -> str:
        return self.metadata.get("entrypoint")

    def _metric(self) -> str:
        metric = self.metric_names()[0]
        if self.results is None or metric not in self.results:
            raise ValueError(f"Experiment {self.name} has no reported values of '{metric}' yet.")
        return metric

    def constraint_attrs(self) -> list[str]:
        """The constraint attributes of a constrained experiment (feasible where every value is <= 0),
        from its metadata; [] otherwise."""
        return constraint_names(self.metadata)

    def metric_values(self, metric: str | None = None):
        """The reported values of ``metric`` (default: the first), NaN where a report cannot be best:
        in a constrained experiment, every infeasible report (``syne_tune.best.feasible_values``)."""
        metric = metric or self._metric()
        return feasible_values(self.results, metric, self.constraint_attrs())

    def best_config(self) -> dict:
        """The row of the best value of the first metric: trial_id, metrics and config_* entries.

        NaN, infinite and non-numeric values never count as best (``syne_tune.best``); in a
        constrained experiment, neither do infeasible reports.
        """
        metric = self._metric()
        label = best_label(self.metric_values(metric), self.metric_mode())
        if label is None:
            feasible = " feasible" if self.constraint_attrs() else ""
            raise ValueError(f"Experiment {self.name} has no{feasible} finite value of '{metric}' yet.")
        return {k: _builtin(v) for k, v in self.results.loc[label].items() if not k.startswith("st_")}

    def trial_count(self) -> TrialCount:
        """Trials started (with a start event in the journal, or a report) and how many reported;
        ``str()`` says so: "41 trials (38 with reports)". See ``syne_tune.trial_count``."""
        from syne_tune.experiment_trials import tuner_record

        _, configs = tuner_record(self.folder, self.tuner)
        reported = set() if self.results is None or ST_TRIAL_ID not in self.results \
            else set(self.results[ST_TRIAL_ID].dropna().astype(int))
        return TrialCount(len(reported | set(configs)), len(reported))

    def trials(self, resource_attr: str | None = None) -> pd.DataFrame:
        """One row per trial that started (reported or not; see ``syne_tune.trial_count``): status,
        best and last value of the first metric, resource reached, number of reports, wall and
        worker time, and the config (``config_*`` columns). The best value is finite or NaN
        (``syne_tune.best``), so ``sort_values(f"best_{metric}")`` puts diverged trials last.

        Final statuses come from the journal's trial events (or the loaded tuner). The
        resource is the highest ``resource_attr`` reported (default: the scheduler's, from the
        metadata). See ``syne_tune.experiment_trials.trials_table``.
        """
        from syne_tune.experiment_trials import trials_table, tuner_record

        final_status, configs = tuner_record(self.folder, self.tuner)
        return trials_table(self.results, self.metric_names()[0], self.metric_mode(),
                            resource_attr=resource_attr or self.metadata.get("resource_attr"),
                            final_status=final_status, configs=configs, constraints=self.constraint_attrs())

    def pareto_front(self, metrics: list[str] | None = None, modes: list[str] | None = None,
                     last_report_only: bool = False) -> pd.DataFrame:
        """Reports on the Pareto front of ``metrics`` (default: all metrics of the scheduler), best
        first metric first; ``modes`` default to the scheduler's (see ``experiment_pareto``).
        With ``last_report_only``, each trial counts with its last report only."""
        from syne_tune.experiment_pareto import experiment_metric_modes, pareto_front

        metrics = list(metrics or self.metric_names())
        if self.results is None or self.results.empty:
            raise ValueError(f"Experiment {self.name} has no results yet.")
        modes = list(modes) if modes is not None else experiment_metric_modes(self, metrics)
        if len(modes) != len(metrics) or any(m not in ("min", "max") for m in modes):
            raise ValueError(f"The 'modes' argument of pareto_front must list 'min' or 'max' for each of {metrics}. "
                             f"Got {modes!r}.")
        return pareto_front(self.results, metrics, modes, last_report_only)

    def hypervolume_over_time(self, reference_point: list[float], metrics: list[str] | None = None,
                              modes: list[str] | None = None) -> pd.DataFrame:
        """Tuner time and hypervolume of the reports so far, per report, for ``metrics`` (default:
        all) against ``reference_point`` (one value per metric, in its own units)."""
        from syne_tune.experiment_pareto import experiment_metric_modes, hypervolume_over_time

        metrics = list(metrics or self.metric_names())
        if self.results is None or self.results.empty:
            raise ValueError(f"Experiment {self.name} has no results yet.")
        modes = list(modes) if modes is not None else experiment_metric_modes(self, metrics)
        return hypervolume_over_time(self.results, metrics, modes, reference_point)

    def lineage(self) -> pd.DataFrame:
        """Population-based training's lineage: one row per cloned trial (trial_id, parent_trial_id,
        the parent's resource when cloned, timestamp, config, parent_config); empty if the run
        had no PBTLineageCallback or cloned nothing."""
        from syne_tune.optimizer.schedulers.pbt_lineage import LINEAGE_FILE

        path = self.folder / LINEAGE_FILE
        columns = ["trial_id", "parent_trial_id", "resource", "timestamp", "config", "parent_config"]
        rows = json.loads(path.read_text()) if path.exists() else []
        return pd.DataFrame(rows, columns=columns)

    def importance(self, metric: str | None = None, rung: float | None = None,
                   quantile: float = 0.1) -> pd.DataFrame:
        """Importance of each hyperparameter (PED-ANOVA, summing to 1), most important first; on
        each trial's last value of ``metric`` (default the first), or its value at resource ``rung``.
        See ``syne_tune.importance``."""
        from syne_tune.importance import hyperparameter_importance

        return hyperparameter_importance(self, metric=metric, rung=rung, quantile=quantile)

    def plot(self, ax=None, learning_curves: bool = False, **plot_kwargs):
        """Best value of the first metric so far against the tuner's wallclock time; with
        ``learning_curves``, also every trial's metric against its resource, stopped and paused
        trials marked (returns both axes). Needs matplotlib (the ``plot`` extra)."""
        from syne_tune.experiment_plots import plot_experiment

        return plot_experiment(self, learning_curves=learning_curves, ax=ax, **plot_kwargs)

    def plot_analysis(self, kind: str, **kwargs):
        """One of the analysis plots of ``syne_tune.plots``: ``kind`` is "parallel" (parallel
        coordinates), "slice", "contour", "edf", "pareto" or "importance"; ``kwargs`` go to its
        function (e.g. ``params=("lr", "batch_size")`` for "contour"). Returns the axes."""
        from syne_tune.plots import plot_function

        return plot_function(kind)(self, **kwargs)


def _builtin(value):
    return value.item() if hasattr(value, "item") else value


def load_experiment(tuner_name: str, load_tuner: bool = False) -> ExperimentResult:
    """Loads ``<results root>/<tuner_name>``: ``tuner_name`` is an experiment's name, a unique
    prefix of it or a glob pattern matching one (:func:`resolve_experiment_name`).

    ``load_tuner=True`` also unpickles ``tuner.dill`` (with dill): load only experiments you trust.
    """
    tuner_name = resolve_experiment_name(tuner_name)
    path = experiment_folder(tuner_name)
    metadata_file = path / "metadata.json"
    try:
        metadata = _checked_metadata(json.loads(metadata_file.read_text())) if metadata_file.exists() else {}
    except ValueError as error:
        raise ValueError(f"{metadata_file} cannot be read: {error}. Fix or remove the file "
                         f"(syne-tune remove {tuner_name}).") from error
    tuner = None
    if load_tuner and (path / "tuner.dill").exists():
        from syne_tune.tuner import Tuner

        tuner = Tuner.load(path)
    return ExperimentResult(name=tuner_name, results=_read_results(path), metadata=metadata, tuner=tuner,
                            path=path)


def experiment_names() -> list[str]:
    """Names of the stored experiments (folders of the results root with a metadata.json), sorted."""
    root = results_root()
    if not root.is_dir():
        return []
    return sorted(folder.name for folder in root.iterdir() if (folder / "metadata.json").exists())


def resolve_experiment_names(pattern: str) -> list[str]:
    """The experiments ``pattern`` stands for: its full name, else those a glob pattern ('rs-*')
    matches, else those it is a prefix of. At least one, else FileNotFoundError naming it."""
    if experiment_folder(pattern).is_dir():  # refuses paths
        return [pattern]
    names = experiment_names()
    matches = fnmatch.filter(names, pattern) if any(c in pattern for c in "*?[") else \
        [name for name in names if name.startswith(pattern)]
    if not matches:
        raise FileNotFoundError(f"No experiment matches '{pattern}' in {results_root()}; "
                                "list_experiments() or 'syne-tune list' shows those that exist.")
    return matches


def resolve_experiment_name(name: str) -> str:
    """The one experiment ``name`` stands for: a full name, a unique prefix or a glob pattern
    matching one experiment. Several matches are a ValueError listing them; none, a FileNotFoundError.
    ``load_experiment`` and the ``syne-tune`` command both resolve names here."""
    matches = resolve_experiment_names(name)
    if len(matches) > 1:
        shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
        raise ValueError(f"'{name}' matches {len(matches)} experiments ({shown}); "
                         "give a longer prefix or the full name.")
    return matches[0]


def _read_results(path: Path) -> pd.DataFrame | None:
    """Rows of the experiment: the journal if it is newer than the csv (running or crashed) and
    holds at least as many rows, else the csv (a truncated journal never hides rows)."""
    journal = path / JOURNAL_NAME
    csv_files = [path / name for name in ("results.csv.zip", "results.csv") if (path / name).exists()]
    if journal.exists() and (not csv_files or journal.stat().st_mtime > csv_files[0].stat().st_mtime):
        rows = rows_frame(journal_rows(journal))
        table = _read_csv(csv_files[0]) if csv_files else None
        if table is None or len(rows) >= len(table):
            return rows
        logger.warning("%s holds %d result rows, fewer than the %d of %s (truncated?): showing %s.",
                       journal, len(rows), len(table), csv_files[0].name, csv_files[0].name)
        return table
    return _read_csv(csv_files[0]) if csv_files else None


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:  # written before the first report arrived
        return pd.DataFrame()


def get_metadata(name_filter=None) -> dict[str, dict]:
    """{tuner name: metadata} of every experiment whose name passes ``name_filter``.

    An experiment whose metadata.json cannot be read is skipped with a warning.
    """
    root = results_root()
    metadata = {}
    if root.is_dir():
        for folder in root.iterdir():
            file = folder / "metadata.json"
            if not file.exists() or (name_filter is not None and not name_filter(folder.name)):
                continue
            try:
                metadata[folder.name] = _checked_metadata(json.loads(file.read_text()))
            except (OSError, ValueError) as error:
                logger.warning("Skipping experiment %s: its metadata.json cannot be read (%s).", folder.name, error)
    return metadata


def _checked_metadata(metadata) -> dict:
    """``metadata`` if it is an object whose creation timestamp (when present) is a finite number."""
    if not isinstance(metadata, dict):
        raise ValueError(f"an object was expected, not {type(metadata).__name__}")
    stamp = metadata.get(ST_TUNER_CREATION_TIMESTAMP)
    if stamp is not None and not (isinstance(stamp, (int, float)) and not isinstance(stamp, bool)
                                  and math.isfinite(stamp)):
        raise ValueError(f"its {ST_TUNER_CREATION_TIMESTAMP} is {stamp!r}, not a number of seconds")
    return metadata


def list_experiments(name_filter=None, experiment_filter=None, load_tuner: bool = False) -> list[ExperimentResult]:
    """All stored experiments, newest first."""
    experiments = []
    for name in get_metadata(name_filter):
        try:
            experiment = load_experiment(name, load_tuner=load_tuner)
        except Exception as error:  # noqa: BLE001 - one broken experiment must not hide the others
            logger.warning("Skipping experiment %s: it cannot be read (%s).", name, error)
            continue
        if experiment_filter is None or experiment_filter(experiment):
            experiments.append(experiment)
    return sorted(experiments, key=lambda e: e.metadata.get(ST_TUNER_CREATION_TIMESTAMP, 0.0), reverse=True)


def load_experiments_df(name_filter=None, experiment_filter=None) -> pd.DataFrame:
    """Results of all matching experiments in one frame, with ``tuner_name`` and scalar metadata."""
    frames = []
    for experiment in list_experiments(name_filter, experiment_filter):
        if experiment.results is None:
            continue
        frame = experiment.results.copy()
        frame["tuner_name"] = experiment.name
        for key, value in experiment.metadata.items():
            if isinstance(value, (str, int, float, bool)):
                frame[key] = value
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def plot_experiments(experiments_or_names, group_by="method", ax=None, quantiles: tuple[float, float] = (0.25, 0.75),
                     num_points: int = 200):
    """Several experiments (ExperimentResults, or names as :func:`load_experiment` takes them) on one
    figure: per group, the median best-so-far curve and a band between the ``quantiles`` (see
    :func:`syne_tune.experiment_plots.plot_experiments`). Needs matplotlib (the ``plot`` extra)."""
    from syne_tune.experiment_plots import plot_experiments as plot

    experiments = [load_experiment(e) if isinstance(e, str) else e for e in experiments_or_names]
    return plot(experiments, group_by=group_by, ax=ax, quantiles=quantiles, num_points=num_points)
