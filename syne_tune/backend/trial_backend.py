"""TrialBackend: the extension point that runs trials somewhere and hands back their reports.

A subclass implements how a trial is launched, paused, stopped and resumed, and how new
reports and the status of a trial are read (``_schedule``, ``_kill``, ``_read_new_results``,
``_read_status``). This base class keeps the trial records, the paused/stopped marks and
the trial folders ``<trial_root>/<trial_id>/`` (config.json, std.out, std.err, checkpoints/).

Reports a trial printed before it was paused or stopped are not lost: ``pause_trial``,
``stop_trial`` and ``stop_all`` return them, so the tuner can store them.
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, ContextManager

from syne_tune import json_values
from syne_tune.backend.checkpoint_copy import copy_checkpoint_folder
from syne_tune.backend.trial_status import Status, Trial, TrialResult
from syne_tune.constants import ST_WORKER_TIMESTAMP
from syne_tune.results_path import experiment_path

logger = logging.getLogger(__name__)


class TrialBackend:
    """Base class of backends; trial ids are 0, 1, 2, ... in the order trials are started."""

    def __init__(self):
        self._trials: dict[int, Trial] = {}
        self._forced_status: dict[int, str] = {}  # trials paused or stopped by the tuner
        self._end_times: dict[int, datetime] = {}
        self.delete_checkpoints = False  # the Tuner deletes the checkpoints of trials that ended for good
        # the Tuner moves this below its experiment folder (set_path)
        self.trial_root = experiment_path(f"{type(self).__name__.lower()}-{os.getpid()}-{int(time.time())}")

    @property
    def trial_ids(self) -> list[int]:
        return list(self._trials)

    def knows(self, trial_id: int) -> bool:
        """True if ``trial_id`` was started (or marked) on this backend; O(1), unlike ``trial_ids``."""
        return trial_id in self._trials

    def new_trial_id(self) -> int:
        return len(self._trials)

    def trial(self, trial_id: int) -> Trial:
        return self._trials[trial_id]

    def start_trial(self, config: dict, checkpoint_trial_id: int | None = None) -> TrialResult:
        """Starts a new trial with ``config``, optionally from another trial's checkpoint."""
        trial_id = self.new_trial_id()
        if checkpoint_trial_id is not None:
            if checkpoint_trial_id not in self._trials:
                raise ValueError(f"Cannot start trial {trial_id} from the checkpoint of trial "
                                 f"{checkpoint_trial_id}: no such trial.")
            self.copy_checkpoint(checkpoint_trial_id, trial_id)
        trial = Trial(trial_id=trial_id, config=dict(config), creation_time=datetime.now())
        self._trials[trial_id] = trial
        self._schedule(trial_id, trial.config)
        return trial.add_results(metrics=[], status=Status.in_progress, training_end_time=None)

    def resume_trial(self, trial_id: int, new_config: dict | None = None) -> TrialResult:
        """Restarts the paused ``trial_id`` in its own folder, so it finds its checkpoint."""
        if self._forced_status.get(trial_id) != Status.paused:
            raise ValueError(f"Trial {trial_id} cannot be resumed: it is not paused.")
        trial = self._trials[trial_id]
        if new_config is not None:
            trial.config = dict(new_config)
        del self._forced_status[trial_id]
        self._end_times.pop(trial_id, None)
        self._schedule(trial_id, trial.config)
        return trial.add_results(metrics=[], status=Status.in_progress, training_end_time=None)

    def pause_trial(self, trial_id: int, result: dict | None = None) -> list[dict]:
        """Ends the trial's processes; it can be resumed later. Returns its unread reports."""
        return self._end(trial_id, Status.paused)

    def stop_trial(self, trial_id: int, result: dict | None = None) -> list[dict]:
        """Ends the trial's processes for good. Returns its unread reports."""
        return self._end(trial_id, Status.stopped)

    def complete_trial(self, trial_id: int) -> list[dict]:
        """Ends the processes of a trial that has done its work (the scheduler's STOP at its
        maximum resource): it is Completed, not Stopped. Returns its unread reports."""
        return self._end(trial_id, Status.completed)

    def _end(self, trial_id: int, status: str) -> list[dict]:
        self._forced_status[trial_id] = status
        late = self._kill(trial_id) or []
        if status == Status.stopped and self._exited_by_itself(trial_id):
            self._forced_status[trial_id] = Status.completed  # its script finished before the stop
        self._end_times[trial_id] = datetime.now()
        return late

    def end_status(self, trial_id: int) -> str | None:
        """How the tuner ended the trial: Paused, Stopped, Failed, or Completed if its script
        had finished by itself before the stop reached it. None while it runs.

        A paused trial stays Paused even if its script had ended: with ``max_resource_attr``
        scripts end at each rung level by design, and the scheduler may resume them."""
        return self._forced_status.get(trial_id)

    def stop_all(self) -> dict[int, list[dict]]:
        """Stops every trial that is still running; returns their unread reports by trial id."""
        late = {}
        for trial_id in self._trials:
            if trial_id not in self._forced_status and self._read_status(trial_id) == Status.in_progress:
                late[trial_id] = self.stop_trial(trial_id)
        return late

    def fail_trial(self, trial_id: int, reason: str) -> list[dict]:
        """Ends a trial that misbehaved (e.g. reported garbage): Failed, ``reason`` in its std.err.

        Returns its unread reports.
        """
        late = self._end(trial_id, Status.failed)
        try:
            with open(self.trial_path(trial_id) / "std.err", "a", encoding="utf-8") as stream:
                stream.write(f"\nsyne_tune: {reason}\n")
        except OSError:
            pass
        return late

    def mark_running(self, trial_id: int, config: dict | None = None) -> None:
        """Records that a trial was started or resumed (e.g. in a journal read after a crash),
        without starting it. An unknown ``trial_id`` is added with ``config``."""
        if trial_id not in self._trials:
            self._trials[trial_id] = Trial(trial_id=trial_id, config=dict(config or {}), creation_time=datetime.now())
        elif config is not None:
            self._trials[trial_id].config = dict(config)
        self._forced_status.pop(trial_id, None)
        self._end_times.pop(trial_id, None)

    def restart_trial(self, trial_id: int) -> None:
        """Runs a trial that was running when its experiment died again, from its checkpoint."""
        self._forced_status.pop(trial_id, None)
        self._end_times.pop(trial_id, None)
        self._schedule(trial_id, self._trials[trial_id].config)

    def mark_ended(self, trial_id: int, status: str, config: dict | None = None) -> None:
        """Records that a trial ended (e.g. in a journal read after a crash) without touching processes.

        An unknown ``trial_id`` (started just before a crash) is added with ``config``.
        """
        if trial_id not in self._trials:
            self._trials[trial_id] = Trial(trial_id=trial_id, config=dict(config or {}), creation_time=datetime.now())
        self._forced_status[trial_id] = status
        self._end_times.setdefault(trial_id, datetime.now())

    def fetch_status_results(self, trial_ids: list[int], max_results_per_trial: int | None = None
                             ) -> tuple[dict[int, tuple[Trial, str]], list[tuple[int, dict]]]:
        """Status of each trial, and the reports that arrived since the last call.

        Reports are sorted by ``st_worker_timestamp``; paused and stopped trials report nothing.
        With ``max_results_per_trial``, a trial with more reports waiting stays InProgress until
        they were all fetched.
        """
        statuses, results = {}, []
        for trial_id in trial_ids:
            status = self._forced_status.get(trial_id)
            if status is None:
                # Read the status first: a trial seen finished has no output left to read after this.
                status = self._read_status(trial_id)
                results += [(trial_id, r) for r in self._read_new_results(trial_id, max_results_per_trial)]
                if status != Status.in_progress:
                    self._end_times.setdefault(trial_id, datetime.now())
            statuses[trial_id] = (self._trials[trial_id], status)
        results.sort(key=_report_time)
        return statuses, results

    def set_time_limit(self, deadline: float | None) -> None:
        """The time on this backend's clock (:meth:`time`) at which the experiment's budget is spent.

        The Tuner passes it from its stopping criterion's ``max_wallclock_time``. A simulated
        clock delivers no report past it; real time needs nothing (the Tuner stops in time), so
        the default ignores it.
        """

    def time(self) -> float:
        """Seconds on the experiment's clock, which the tuner's time and stopping criterion read.

        Real time here; a simulated backend returns its simulated time.
        """
        return time.perf_counter()

    def wait(self, timeout: float) -> None:
        """Blocks until a trial may have news or ``timeout`` seconds passed.

        The default sleeps; backends that can be notified return early.
        """
        time.sleep(timeout)

    def set_path(self, results_root: str | Path, tuner_name: str | None = None) -> None:
        """Folder below which per-trial folders are created."""
        self.trial_root = Path(results_root)

    def trial_path(self, trial_id: int) -> Path:
        return self.trial_root / str(trial_id)

    def checkpoint_path(self, trial_id: int) -> Path:
        """Folder passed to the trial as ``--st_checkpoint_dir``."""
        return self.trial_path(trial_id) / "checkpoints"

    def has_checkpoint(self, trial_id: int) -> bool:
        """True if the trial wrote something into its checkpoint folder (a restart continues from it)."""
        try:
            return any(self.checkpoint_path(trial_id).iterdir())
        except OSError:  # no folder
            return False

    def _prepare_trial_folder(self, trial_id: int, config: dict) -> Path:
        """Creates the trial's folder and writes its ``config.json``."""
        path = self.trial_path(trial_id)
        path.mkdir(parents=True, exist_ok=True)
        (path / "config.json").write_text(json_values.dumps(config))
        return path

    def copy_checkpoint(self, src_trial_id: int, tgt_trial_id: int) -> None:
        """Copies the checkpoint folder of ``src_trial_id`` into the one of ``tgt_trial_id``.

        The source trial may still be running and rewriting its checkpoint, so the copy is made
        while the source is frozen (``_freeze``) at a state it reported, never files of two epochs
        (see :mod:`syne_tune.backend.checkpoint_copy`). If no such copy can be had, or the copy fails, the new
        trial starts from scratch, as it does when the source has no checkpoint: a bad
        checkpoint folder must not end the experiment, nor seed a trial with a torn state.
        """
        source = self.checkpoint_path(src_trial_id)
        target = self.checkpoint_path(tgt_trial_id)
        if not source.is_dir():
            logger.warning("Trial %d has no checkpoint to start trial %d from; it starts from scratch.",
                           src_trial_id, tgt_trial_id)
            return
        try:
            consistent = copy_checkpoint_folder(source, target, freeze=self._freeze(src_trial_id))
        except OSError as error:
            consistent, reason = False, str(error)
        else:
            reason = ("it never held a complete state: the state its trial last reported (a script must write "
                      "its checkpoint before calling report; one killed while writing leaves none) or, for a "
                      "script reporting without the Reporter, a state that held still during a copy")
        if not consistent:
            shutil.rmtree(target, ignore_errors=True)
            logger.warning("Could not copy the checkpoint of trial %d for trial %d (%s); trial %d "
                           "starts from scratch.", src_trial_id, tgt_trial_id, reason, tgt_trial_id)

    def delete_checkpoint(self, trial_id: int) -> None:
        """Removes the trial's checkpoint folder (the Tuner calls it for trials that ended for good
        when ``delete_checkpoints`` is set)."""
        shutil.rmtree(self.checkpoint_path(trial_id), ignore_errors=True)

    def _freeze(self, trial_id: int) -> Callable[[], ContextManager] | None:
        """A context manager factory that suspends the trial's processes (None: the backend cannot)."""
        return None

    def unreceived_reports(self, trial_id: int, last_received: dict | None) -> list[dict] | None:
        """Reports the trial's runs printed after ``last_received`` (the last one the tuner stored;
        None if it stored none) that never reached the tuner, oldest first: those still in the pipe
        when the launcher died. None if they cannot be told apart; [] by default (no copy is kept).
        """
        return []

    def stdout(self, trial_id: int) -> list[str]:
        return _read_lines(self.trial_path(trial_id) / "std.out")

    def stderr(self, trial_id: int) -> list[str]:
        return _read_lines(self.trial_path(trial_id) / "std.err")

    def entrypoint_path(self) -> Path | None:
        return None

    # -- hooks of subclasses ------------------------------------------------------------
    def _schedule(self, trial_id: int, config: dict) -> None:
        """Launches (or relaunches) the trial's process."""
        raise NotImplementedError

    def _kill(self, trial_id: int) -> list[dict]:
        """Ends the trial's processes; returns the reports they printed that were not read yet."""
        raise NotImplementedError

    def _read_new_results(self, trial_id: int, limit: int | None = None) -> list[dict]:
        """Reports of the trial's current run that were not returned before (at most ``limit``)."""
        raise NotImplementedError

    def _read_status(self, trial_id: int) -> str:
        """InProgress while the process runs or has unread reports; then Completed or Failed."""
        raise NotImplementedError

    def _exited_by_itself(self, trial_id: int) -> bool:
        """After ``_kill``: True if the trial's last run had ended with success before it."""
        return False


def command_line_arguments(config: dict) -> list[str]:
    """``--name=value`` for every config entry, constants included.

    One argument each: a value that starts with ``-`` (``"-relu"``, ``"--lr=999"``) can never be
    read as an option by the script's argparse.
    """
    return [f"--{name}={value}" for name, value in config.items()]


def _report_time(item: tuple[int, dict]) -> float:
    return item[1].get(ST_WORKER_TIMESTAMP, 0.0)


def _read_lines(path: Path) -> list[str]:
    return path.read_text(errors="replace").splitlines(keepends=True) if path.exists() else []


