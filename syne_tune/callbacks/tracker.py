"""TrackerCallback: sends an experiment to a tracking tool (MLflow, TensorBoard, W&B) from another process.

The Tuner's thread only appends each results row and each trial's end (the Tuner's
``on_trial_end`` hook: nothing is polled) to a list, handed on at most every
``_SEND_INTERVAL`` seconds; a child process (:mod:`syne_tune.callbacks.tracker_process`) gets
them, in order and in batches, and hands them to the tool. A slow or failing tool therefore never slows or
stops the experiment: a failing call logs a warning (the first time; later ones are counted
and summarized at the end) and the child goes on with the next events. The tool's package is
imported in the child, so it costs the Tuner no start-up time either.

A subclass implements, all called in the child (keep its constructor's arguments in public
attributes: the callback is pickled to the child without its private ones):

- ``_open(experiment)``: import the package, create the experiment (an :class:`ExperimentInfo`);
- ``_start_trial(trial_id, config, resumed)``: a trial's first result (or its first after a pause);
- ``_log(trial_id, reports)``: consecutive results of one trial, a list of :class:`TrackedReport`;
- ``_end_trial(trial_id, status)``: the trial ended (Completed, Stopped, Failed) or was Paused;
- ``_close(best)``: the experiment ended; ``best`` is a :class:`BestTrial` or None.
"""
from __future__ import annotations

import logging
import numbers
import time
from dataclasses import dataclass

from syne_tune.backend.trial_status import Status
from syne_tune.constants import ST_CONFIG_PREFIX, ST_TRIAL_ID, ST_TUNER_TIME
from syne_tune.optional_dependency import require
from syne_tune.tuner_callback import TunerCallback

logger = logging.getLogger(__name__)

_ROW, _END, _CLOSE = "row", "end", "close"  # events: (_ROW, report number, row), (_END, trial id, status), ...
# Seconds between two batches to the tracking process: each batch wakes its feeding thread and
# costs a pickle and a write, so a loop that handles a few results each turn sends no batch of its own.
_SEND_INTERVAL = 0.5


@dataclass(frozen=True)
class ExperimentInfo:
    """What a tracker knows about the experiment when it starts."""

    name: str
    path: str
    metric_names: list
    metric_modes: list
    resource_attr: str | None  # the key results are plotted against; None: the report's number
    start_timestamp: float  # UNIX time at which the tuner time was 0


@dataclass(frozen=True)
class TrackedReport:
    """One result of a trial: its numeric values, step (the resource, or the report's number) and times."""

    step: int
    tuner_time: float
    timestamp: float  # UNIX time: start_timestamp + tuner_time
    metrics: dict


@dataclass(frozen=True)
class BestTrial:
    trial_id: int
    metric: str
    value: float
    config: dict


@dataclass
class _TrialState:  # in the tracking process
    config: dict
    open: bool = True


class TrackerCallback(TunerCallback):
    """Base class of the tracking callbacks (see the module docstring).

    Args:
        max_reports_per_second: per trial, at most this many results a second (of tuner time)
            go to the tool; of a faster burst, the last result before a gap, and a trial's last
            result, are always sent. None: every result. The experiment's own results keep all.
        flush_timeout: seconds the end of tuning waits for the tool to take what is left
            (then the rest is dropped with a warning).
        max_pending: results waiting for the tool beyond which new ones are dropped (with a
            warning), so that a tool that cannot keep up costs bounded memory.
    """

    _MODULE = ""  # the package the tool needs, e.g. "mlflow"
    _EXTRA = ""  # the setup.py extra that installs it

    def __init__(self, max_reports_per_second: float | None = 20.0, flush_timeout: float = 60.0,
                 max_pending: int = 200_000):
        require(self._MODULE, self._EXTRA, type(self).__name__)
        if max_reports_per_second is not None and not max_reports_per_second > 0:
            raise ValueError(f"The 'max_reports_per_second' argument of {type(self).__name__} must be a number > 0 "
                             f"or None (every result). Got {max_reports_per_second!r}.")
        self.max_reports_per_second = max_reports_per_second
        self.flush_timeout = float(flush_timeout)
        self.max_pending = int(max_pending)
        self._reset()

    def _reset(self) -> None:
        self._tuner = None
        self._events: list = []
        self._rows_queued = 0  # row events in self._events
        self._next_send = 0.0  # time.monotonic() from which on_loop_end sends a batch
        self._running: set[int] = set()  # trials with results whose end was not yet seen
        self._channel = None  # a TrackerChannel while tuning runs
        self._last_sent: dict[int, float] = {}  # trial id -> tuner time of its last row sent
        self._held: dict[int, tuple] = {}  # trial id -> its latest row event not sent (faster than the rate cap)
        self._numbers: dict[int, int] = {}  # trial id -> results seen (the step when there is no resource)
        self._dropped = 0
        self._failures: dict[str, int] = {}
        self._metric: str | None = None
        self._mode = "min"
        # seconds of tuner time between two rows of a trial sent to the tool (0: every row)
        self._min_gap = 0.0 if self.max_reports_per_second is None else 1.0 / self.max_reports_per_second

    # -- Tuner thread: cheap ----------------------------------------------------------------------
    def on_tuning_start(self, tuner) -> None:
        try:
            self._tuner = tuner
            scheduler = tuner.scheduler
            names = list(scheduler.metric_names())
            modes = getattr(scheduler, "metric_modes", None)
            modes = list(modes()) if callable(modes) else [scheduler.metric_mode()] * len(names)
            resources = [a.name for a in scheduler.required_attributes() if a.name not in names]
            info = ExperimentInfo(name=str(tuner.name), path=str(tuner.tuner_path), metric_names=names,
                                  metric_modes=modes, resource_attr=resources[0] if resources else None,
                                  start_timestamp=time.time() - float(tuner.tuning_status.wallclock_time))
            self._metric, self._mode = names[0], modes[0]
            from syne_tune.callbacks.tracker_process import TrackerChannel

            self._channel = TrackerChannel(self, info, type(self).__name__)
        except Exception as error:  # noqa: BLE001 - a tracker never stops the experiment
            self._warn("on_tuning_start", error)

    def on_result_row(self, row: dict) -> None:
        trial_id = row[ST_TRIAL_ID]
        self._running.add(trial_id)
        number = self._numbers[trial_id] = self._numbers.get(trial_id, 0) + 1
        event = (_ROW, number, row)
        if self._min_gap:
            now = row.get(ST_TUNER_TIME) or 0.0
            last = self._last_sent.get(trial_id)
            if last is not None and now - last < self._min_gap:
                self._held[trial_id] = event  # sent if it stays the trial's last row for a while, or at its end
                return
            held = self._held.pop(trial_id, None)
            if held is not None:
                self._send(held)
            self._last_sent[trial_id] = now
        self._send(event)

    def _send(self, event: tuple) -> None:
        if self._channel is None or self._channel.pending + self._rows_queued >= self.max_pending:
            self._dropped += 1
            return
        self._events.append(event)
        self._rows_queued += 1

    def on_trial_end(self, trial_id: int, status: str) -> None:
        if trial_id not in self._running or self._channel is None:  # nothing of it reached the tool
            return
        self._running.discard(trial_id)
        held = self._held.pop(trial_id, None)
        if held is not None:
            self._send(held)
        self._last_sent.pop(trial_id, None)
        self._events.append((_END, trial_id, status))

    def on_loop_end(self) -> None:
        if self._events and self._channel is not None:
            now = time.monotonic()
            if now >= self._next_send:
                self._next_send = now + _SEND_INTERVAL
                self._put()

    def _put(self) -> None:
        self._channel.put(self._events, self._rows_queued)
        self._events = []
        self._rows_queued = 0

    def on_tuning_end(self) -> None:
        if self._channel is None:
            return
        for trial_id in sorted(self._running):  # the Tuner marked them Stopped; a paused one stays Paused
            held = self._held.pop(trial_id, None)
            if held is not None:
                self._send(held)
            self._events.append((_END, trial_id, Status.stopped))
        self._running.clear()
        self._events.append((_CLOSE, self._best_trial()))
        self._put()
        if not self._channel.close(self.flush_timeout):
            logger.warning("%s: the tracking tool did not take the last results within flush_timeout=%s s; "
                           "they are dropped (the experiment's own results are complete).",
                           type(self).__name__, self.flush_timeout)
        if self._dropped:
            logger.warning("%s dropped %d results because the tracking tool could not keep up (more than "
                           "max_pending=%d waiting); the experiment's own results are complete.",
                           type(self).__name__, self._dropped, self.max_pending)
        self._channel = None

    def _best_trial(self) -> BestTrial | None:
        """The experiment's best trial by the first metric, from the tuning status (finite values only)."""
        try:
            status = self._tuner.tuning_status
            found = status.best_trial(self._metric, self._mode)
            if found is None:
                return None
            trial_id, value = found
            return BestTrial(trial_id, self._metric, value, dict(status.trial_configs.get(trial_id) or {}))
        except Exception as error:  # noqa: BLE001 - a tracker never stops the experiment
            self._warn("find the best trial", error)
            return None

    # -- the tracking process ---------------------------------------------------------------------
    def _serve(self, info: ExperimentInfo, batches) -> None:
        """Hands the events of ``batches`` (an iterable of lists) to the tool, in order; in the child."""
        if not self._call("open", self._open, info):
            for _ in batches:  # the tool is unusable: keep reading so the Tuner's side never waits
                pass
            return
        trials: dict[int, _TrialState] = {}
        for batch in batches:
            run: list = []  # consecutive row events of one trial
            for event in batch:
                if event[0] == _ROW:
                    if run and run[0][2][ST_TRIAL_ID] != event[2][ST_TRIAL_ID]:
                        self._send_rows(info, trials, run)
                        run = []
                    run.append(event)
                    continue
                if run:
                    self._send_rows(info, trials, run)
                    run = []
                if event[0] == _END:
                    state = trials.get(event[1])
                    if state is not None and state.open:
                        state.open = False
                        self._call("end_trial", self._end_trial, event[1], event[2])
                else:
                    self._call("close", self._close, event[1])
            if run:
                self._send_rows(info, trials, run)
        failures = sum(self._failures.values())
        if failures:
            logger.warning("%s: %d calls to the tracking tool failed (%s); the experiment was not affected.",
                           type(self).__name__, failures, ", ".join(f"{k}: {v}" for k, v in self._failures.items()))

    def _send_rows(self, info: ExperimentInfo, trials: dict, events: list) -> None:
        first = events[0][2]
        trial_id = first[ST_TRIAL_ID]
        state = trials.get(trial_id)
        if state is None or not state.open:
            config = {k[len(ST_CONFIG_PREFIX):]: v for k, v in first.items() if k.startswith(ST_CONFIG_PREFIX)}
            resumed = state is not None
            if state is None:
                state = trials[trial_id] = _TrialState(config)
            state.open = True
            self._call("start_trial", self._start_trial, trial_id, config, resumed)
        reports = [_tracked_report(row, info, number) for _, number, row in events]
        self._call("log", self._log, trial_id, reports)

    def _call(self, what: str, method, *args) -> bool:
        try:
            method(*args)
            return True
        except Exception as error:  # noqa: BLE001 - a tracker never stops the experiment
            self._warn(what, error)
            return False

    def _warn(self, what: str, error: Exception) -> None:
        count = self._failures.get(what, 0)
        self._failures[what] = count + 1
        if count == 0:
            logger.warning("%s could not %s: %s: %s. Tuning goes on; the experiment's own results are complete.",
                           type(self).__name__, what.replace("_", " "), type(error).__name__, error)

    # -- the tool (subclasses) --------------------------------------------------------------------
    def _open(self, experiment: ExperimentInfo) -> None:
        raise NotImplementedError

    def _start_trial(self, trial_id: int, config: dict, resumed: bool) -> None:
        raise NotImplementedError

    def _log(self, trial_id: int, reports: list[TrackedReport]) -> None:
        raise NotImplementedError

    def _end_trial(self, trial_id: int, status: str) -> None:
        raise NotImplementedError

    def _close(self, best: BestTrial | None) -> None:
        raise NotImplementedError

    def __getstate__(self):  # pickled by the Tuner, and to the child: a process and a client belong to one run
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._reset()


def _tracked_report(row: dict, info: ExperimentInfo, number: int) -> TrackedReport:
    """The numeric values of a results row (the report; not the config, decision or st_* keys)."""
    metrics = {}
    for key, value in row.items():
        if key.startswith("st_") or key.startswith(ST_CONFIG_PREFIX) or key == ST_TRIAL_ID:
            continue
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            metrics[key] = float(value)
    resource = row.get(info.resource_attr) if info.resource_attr else None
    step = int(resource) if isinstance(resource, numbers.Real) and not isinstance(resource, bool) else number
    tuner_time = float(row.get(ST_TUNER_TIME) or 0.0)
    return TrackedReport(step=step, tuner_time=tuner_time, timestamp=info.start_timestamp + tuner_time,
                         metrics=metrics)

