"""Reading finished (or running) experiments back from the results folder."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from syne_tune.constants import ST_TUNER_CREATION_TIMESTAMP
from syne_tune.experiment_plots import plot_experiments  # noqa: F401 (re-exported; matplotlib loads on use)
from syne_tune.results_path import experiment_path, results_root

logger = logging.getLogger(__name__)


@dataclass
class ExperimentResult:
    """Results (one row per report), metadata and, optionally, the pickled tuner."""

    name: str
    results: pd.DataFrame | None
    metadata: dict
    tuner: object | None = None

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

    def best_config(self) -> dict:
        """The row of the best value of the first metric: trial_id, metrics and config_* entries."""
        metric = self._metric()
        values = self.results[metric]
        row = self.results.loc[values.idxmax() if self.metric_mode() == "max" else values.idxmin()]
        return {k: _builtin(v) for k, v in row.items() if not k.startswith("st_")}

    def trials(self, resource_attr: str | None = None) -> pd.DataFrame:
        """One row per trial: status, best and last value of the first metric, resource reached,
        number of reports, wall and worker time, and the config (``config_*`` columns).

        Final statuses come from the stored tuner (``tuner.dill``) when it can be read. The
        resource is the highest ``resource_attr`` reported (default: the scheduler's, from the
        metadata). See ``syne_tune.experiment_trials.trials_table``.
        """
        from syne_tune.experiment_trials import trials_table, tuner_record

        final_status, configs = tuner_record(experiment_path(self.name), self.tuner)
        return trials_table(self.results, self.metric_names()[0], self.metric_mode(),
                            resource_attr=resource_attr or self.metadata.get("resource_attr"),
                            final_status=final_status, configs=configs)

    def plot(self, ax=None, learning_curves: bool = False, **plot_kwargs):
        """Best value of the first metric so far against the tuner's wallclock time; with
        ``learning_curves``, also every trial's metric against its resource, stopped and paused
        trials marked (returns both axes). Needs matplotlib (the ``plot`` extra)."""
        from syne_tune.experiment_plots import plot_experiment

        return plot_experiment(self, learning_curves=learning_curves, ax=ax, **plot_kwargs)


def _builtin(value):
    return value.item() if hasattr(value, "item") else value


def load_experiment(tuner_name: str, load_tuner: bool = False) -> ExperimentResult:
    """Loads ``<results root>/<tuner_name>``; a missing folder is an error naming it."""
    path = experiment_path(tuner_name)
    if not path.is_dir():
        raise FileNotFoundError(f"No experiment '{tuner_name}' in {results_root()}. "
                                "list_experiments() shows those that exist.")
    metadata_file = path / "metadata.json"
    metadata = json.loads(metadata_file.read_text()) if metadata_file.exists() else {}
    results = None
    for name in ("results.csv.zip", "results.csv"):
        if (path / name).exists():
            try:
                results = pd.read_csv(path / name)
            except pd.errors.EmptyDataError:  # written before the first report arrived
                results = pd.DataFrame()
            break
    tuner = None
    if load_tuner and (path / "tuner.dill").exists():
        from syne_tune.tuner import Tuner

        tuner = Tuner.load(path)
    return ExperimentResult(name=tuner_name, results=results, metadata=metadata, tuner=tuner)


def get_metadata(name_filter=None) -> dict[str, dict]:
    """{tuner name: metadata} of every experiment whose name passes ``name_filter``."""
    root = results_root()
    metadata = {}
    if root.is_dir():
        for folder in root.iterdir():
            file = folder / "metadata.json"
            if file.exists() and (name_filter is None or name_filter(folder.name)):
                metadata[folder.name] = json.loads(file.read_text())
    return metadata


def list_experiments(name_filter=None, experiment_filter=None, load_tuner: bool = False) -> list[ExperimentResult]:
    """All stored experiments, newest first."""
    experiments = []
    for name in get_metadata(name_filter):
        experiment = load_experiment(name, load_tuner=load_tuner)
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

