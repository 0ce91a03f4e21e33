"""TensorboardCallback: TensorBoard event files, one run per trial, written with tensorboardX.

``tensorboard --logdir <tuner path>/tensorboard_output`` then shows, per trial (run
``trial_<id>``), every numeric value it reported against the resource (the step; e.g.
``epoch``) and against time (TensorBoard's Relative and Wall axes: each value carries the time
it was reported), and in the HParams view the trial's config, its metrics and its status. The
run ``experiment`` holds the best value of the first metric so far against the number of
results. Needs ``pip install 'syne-tune[tensorboard]'`` (tensorboardX, which is lighter than
torch; reading the files needs the ``tensorboard`` package).
"""
from __future__ import annotations

from pathlib import Path

from syne_tune.backend.trial_status import Status
from syne_tune.callbacks.tracker import BestTrial, ExperimentInfo, TrackedReport, TrackerCallback

# The HParams plugin knows success, failure, running and unknown: early-stopped trials are "unknown".
_SESSION_STATUS = {Status.completed: "STATUS_SUCCESS", Status.failed: "STATUS_FAILURE"}


class TensorboardCallback(TrackerCallback):
    """Writes TensorBoard event files (see the module docstring).

    Args:
        logdir: folder of the runs; default ``<tuner path>/tensorboard_output``.
        ignore_metrics: reported keys not to log.
        target_metric: the metric whose best value so far the ``experiment`` run shows;
            default the scheduler's first metric.
        mode: 'min' or 'max' for ``target_metric``; default the scheduler's mode for it.
        log_hyperparameters: write each trial's config for the HParams view.
        flush_timeout, max_pending: see :class:`~syne_tune.callbacks.tracker.TrackerCallback`.
    """

    _MODULE = "tensorboardX"
    _EXTRA = "tensorboard"

    def __init__(self, logdir: str | Path | None = None, ignore_metrics: list[str] | None = None,
                 target_metric: str | None = None, mode: str | None = None, log_hyperparameters: bool = True,
                 **kwargs):
        super().__init__(**kwargs)
        if mode not in (None, "min", "max"):
            raise ValueError(f"The 'mode' argument of TensorboardCallback must be 'min', 'max' or None. Got {mode!r}.")
        self.logdir = logdir
        self.ignore_metrics = set(ignore_metrics or ())
        self.target_metric = target_metric
        self.mode = mode
        self.log_hyperparameters = bool(log_hyperparameters)

    def _open(self, experiment: ExperimentInfo) -> None:
        from tensorboardX import SummaryWriter

        self._writer_class = SummaryWriter
        self._root = Path(self.logdir) if self.logdir is not None else Path(experiment.path) / "tensorboard_output"
        self._metrics = [m for m in experiment.metric_names if m not in self.ignore_metrics]
        self._writers = {}
        self._paused: set[int] = set()
        self._openings: dict[int, int] = {}
        self._target = self.target_metric or experiment.metric_names[0]
        mode = self.mode
        if mode is None:
            names = experiment.metric_names
            mode = experiment.metric_modes[names.index(self._target)] if self._target in names else "min"
        self._target_sign = -1.0 if mode == "max" else 1.0
        self._best_value = None
        self._count = 0
        self._experiment_writer = SummaryWriter(str(self._root / "experiment"))

    def _start_trial(self, trial_id: int, config: dict, resumed: bool) -> None:
        self._paused.discard(trial_id)
        writer = self._writers[trial_id] = self._new_writer(trial_id)
        if self.log_hyperparameters and not resumed:
            from tensorboardX.summary import hparams

            values = {k: v if isinstance(v, (bool, int, float, str)) else str(v) for k, v in config.items()}
            experiment, session_start, _ = hparams(values, {m: 0.0 for m in self._metrics})
            writer.file_writer.add_summary(experiment)
            writer.file_writer.add_summary(session_start)

    def _new_writer(self, trial_id: int):
        """A writer of a new event file in the trial's run: a resumed trial's file must not replace the
        one before (their names differ only by this suffix if they are opened in the same second)."""
        count = self._openings[trial_id] = self._openings.get(trial_id, -1) + 1
        return self._writer_class(str(self._root / f"trial_{trial_id}"), filename_suffix=f".{count:05d}")

    def _log(self, trial_id: int, reports: list[TrackedReport]) -> None:
        writer = self._writers[trial_id]
        for report in reports:
            for key, value in report.metrics.items():
                if key not in self.ignore_metrics:
                    writer.add_scalar(key, value, global_step=report.step, walltime=report.timestamp)
            self._count += 1
            value = report.metrics.get(self._target)
            best = self._best_value
            if value is not None and value - value == 0 and (best is None or self._target_sign * (value - best) < 0):
                best = self._best_value = value
            if best is not None:
                self._experiment_writer.add_scalar(f"best_{self._target}", best, global_step=self._count,
                                                   walltime=report.timestamp)

    def _end_trial(self, trial_id: int, status: str) -> None:
        writer = self._writers.pop(trial_id, None)
        if writer is None:
            return
        if status == Status.paused:
            self._paused.add(trial_id)
        elif self.log_hyperparameters:
            writer.file_writer.add_summary(_session_end(status))
        writer.close()  # a resumed trial opens a new event file in the same run folder

    def _close(self, best: BestTrial | None) -> None:
        for trial_id in list(self._writers):
            self._end_trial(trial_id, Status.stopped)
        for trial_id in sorted(self._paused):  # still paused when tuning ended
            self._writers[trial_id] = self._new_writer(trial_id)
            self._end_trial(trial_id, Status.stopped)
        if best is not None:
            self._experiment_writer.add_text("best_config", str(best.config))
        self._experiment_writer.close()


def _session_end(status: str):
    """The HParams plugin's session-end summary, with the trial's status."""
    from tensorboardX.proto.api_pb2 import Status as SessionStatus
    from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData, SessionEndInfo
    from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata

    info = SessionEndInfo(status=SessionStatus.Value(_SESSION_STATUS.get(status, "STATUS_UNKNOWN")))
    content = HParamsPluginData(session_end_info=info, version=0)
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="hparams",
                                                                       content=content.SerializeToString()))
    return Summary(value=[Summary.Value(tag="_hparams_/session_end_info", metadata=metadata)])
