"""MLflowCallback: the experiment as an MLflow parent run with one nested run per trial.

Each trial's run holds its config as params and every numeric value it reported as a metric,
with the resource (e.g. ``epoch``) as the step and the report's time as the timestamp; its
status is FINISHED (Completed), KILLED (Stopped by the scheduler, or Paused when tuning ended)
or FAILED, and the tag ``st_status`` holds the trial's status in our words. The parent run
gets the best trial's config (params ``best_<name>``), value (metric ``best_<metric>``) and id.
Needs ``pip install 'syne-tune[mlflow]'``.
"""
from __future__ import annotations

from syne_tune.backend.trial_status import Status
from syne_tune.callbacks.tracker import BestTrial, ExperimentInfo, TrackedReport, TrackerCallback

_RUN_STATUS = {Status.completed: "FINISHED", Status.stopped: "KILLED", Status.paused: "KILLED",
               Status.failed: "FAILED"}
_MAX_PARAM_LENGTH = 6000  # MLflow rejects longer param values


class MLflowCallback(TrackerCallback):
    """Logs the experiment to MLflow (see the module docstring).

    Args:
        tracking_uri: where runs go, e.g. ``http://localhost:5000`` or ``sqlite:///mlflow.db``.
            Default: MLflow's own (``MLFLOW_TRACKING_URI``, else its local store).
        experiment_name: the MLflow experiment holding the runs; created if missing.
            Default: the tuning experiment's name.
        tags: tags set on the parent run.
        flush_timeout, max_pending: see :class:`~syne_tune.callbacks.tracker.TrackerCallback`.
    """

    _MODULE = "mlflow"
    _EXTRA = "mlflow"

    def __init__(self, tracking_uri: str | None = None, experiment_name: str | None = None,
                 tags: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.tracking_uri = tracking_uri
        self.experiment_name = experiment_name
        self.tags = dict(tags or {})

    def _open(self, experiment: ExperimentInfo) -> None:
        from mlflow import MlflowClient

        self._client = MlflowClient(tracking_uri=self.tracking_uri)
        self._runs: dict[int, str] = {}
        self._paused: set[int] = set()
        name = self.experiment_name or experiment.name
        found = self._client.get_experiment_by_name(name)
        experiment_id = found.experiment_id if found is not None else self._client.create_experiment(name)
        self._experiment_id = experiment_id
        tags = {"st_experiment_path": experiment.path, "st_metrics": ",".join(experiment.metric_names),
                **{k: str(v) for k, v in self.tags.items()}}
        self._parent = self._client.create_run(experiment_id, run_name=experiment.name, tags=tags).info.run_id

    def _start_trial(self, trial_id: int, config: dict, resumed: bool) -> None:
        from mlflow.entities import Param, RunStatus

        if resumed and trial_id in self._runs:
            self._paused.discard(trial_id)
            self._client.update_run(self._runs[trial_id], status=RunStatus.to_string(RunStatus.RUNNING))
            self._client.set_tag(self._runs[trial_id], "st_status", Status.in_progress)
            return
        run = self._client.create_run(self._experiment_id, run_name=f"trial-{trial_id}",
                                      tags={"mlflow.parentRunId": self._parent, "trial_id": str(trial_id)})
        self._runs[trial_id] = run.info.run_id
        params = [Param(str(k), str(v)[:_MAX_PARAM_LENGTH]) for k, v in config.items()]
        self._client.log_batch(run.info.run_id, params=params)

    def _log(self, trial_id: int, reports: list[TrackedReport]) -> None:
        from mlflow.entities import Metric

        metrics = [Metric(key, value, int(report.timestamp * 1000), report.step)
                   for report in reports for key, value in report.metrics.items()]
        for start in range(0, len(metrics), 1000):  # MLflow takes at most 1000 metrics per batch
            self._client.log_batch(self._runs[trial_id], metrics=metrics[start:start + 1000])

    def _end_trial(self, trial_id: int, status: str) -> None:
        run_id = self._runs[trial_id]
        self._client.set_tag(run_id, "st_status", status)
        if status == Status.paused:  # it may be resumed: its run goes on
            self._paused.add(trial_id)
        else:
            self._client.set_terminated(run_id, status=_RUN_STATUS.get(status, "FINISHED"))

    def _close(self, best: BestTrial | None) -> None:
        from mlflow.entities import Metric, Param

        for trial_id in sorted(self._paused):  # still paused when tuning ended
            self._client.set_terminated(self._runs[trial_id], status=_RUN_STATUS[Status.paused])
        if best is not None:
            params = [Param(f"best_{k}", str(v)[:_MAX_PARAM_LENGTH]) for k, v in best.config.items()]
            metrics = [Metric(f"best_{best.metric}", float(best.value), 0, 0)]
            self._client.log_batch(self._parent, metrics=metrics, params=params)
            self._client.set_tag(self._parent, "best_trial_id", str(best.trial_id))
        self._client.set_terminated(self._parent, status="FINISHED")
