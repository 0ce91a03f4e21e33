"""Tuner: the loop that asks the scheduler what to run and has the backend run it.

Each round: fetch new reports and statuses from the backend, pass each report to the
scheduler and carry out its decision (continue, pause, stop), then fill free workers
with the scheduler's suggestions, or wait until the backend has news.
"""
from __future__ import annotations

import json
import logging
import signal
import threading
import time
from pathlib import Path

from syne_tune._validation import bad_argument, check_bool, check_int, check_number
from syne_tune.backend.trial_backend import TrialBackend
from syne_tune.backend.trial_status import Status, Trial
from syne_tune.config_space import Domain, to_dict
from syne_tune.constants import ST_TUNER_CREATION_TIMESTAMP, ST_TUNER_START_TIMESTAMP
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialScheduler
from syne_tune.progress import TuningProgress, as_progress
from syne_tune.results_path import TUNER_NAME_PATTERN, experiment_path, name_from_base
from syne_tune.tuner_callback import StoreResultsCallback, TunerCallback
from syne_tune.tuning_status import TuningStatus

logger = logging.getLogger(__name__)

_STDERR_TAIL_LINES = 20


class TuningInterrupted(KeyboardInterrupt):
    """Raised in the tuning loop when the launcher receives SIGTERM."""


class Tuner:
    """Runs a tuning experiment.

    Args:
        trial_backend: runs the trials (e.g. LocalBackend).
        scheduler: decides which configs run and when trials stop or pause.
        stop_criterion: ``TuningStatus -> bool``, e.g. a StoppingCriterion.
        n_workers: number of trials running at the same time.
        sleep_time: longest wait (seconds) while all workers are busy; the LocalBackend
            wakes the tuner earlier as soon as a trial reports or ends.
        results_update_interval: seconds between writes of results and tuner state.
        print_update_interval: seconds between progress lines in a log (and status tables at DEBUG).
        max_failures: the experiment stops once more trials than this failed.
        tuner_name: name of the experiment; a timestamp is appended.
        asynchronous_scheduling: False waits until all trials of a batch ended before
            starting ``n_workers`` new ones (synchronous scheduling).
        callbacks: hooks into the loop; default ``[StoreResultsCallback()]``.
        metadata: user dict stored in ``metadata.json``.
        progress: live progress display: ``"auto"`` (default: a redrawn block on a terminal,
            an updating display in a notebook, log lines elsewhere), ``"live"``, ``"notebook"``,
            ``"lines"``, ``"off"`` (summary only), or a ``TuningProgress``.
    """

    def __init__(self, trial_backend: TrialBackend, scheduler: TrialScheduler, stop_criterion,
                 n_workers: int, sleep_time: float = 5.0, results_update_interval: float = 10.0,
                 print_update_interval: float = 30.0, max_failures: int = 1, tuner_name: str | None = None,
                 asynchronous_scheduling: bool = True, callbacks: list[TunerCallback] | None = None,
                 metadata: dict | None = None, progress: str | bool | TuningProgress = "auto"):
        if not isinstance(trial_backend, TrialBackend):
            raise bad_argument("Tuner", "trial_backend", "a TrialBackend such as LocalBackend", trial_backend)
        if not isinstance(scheduler, TrialScheduler):
            raise bad_argument("Tuner", "scheduler", "a TrialScheduler such as FIFOScheduler", scheduler)
        if not callable(stop_criterion):
            raise bad_argument("Tuner", "stop_criterion", "callable, such as a StoppingCriterion", stop_criterion)
        if metadata is not None and not isinstance(metadata, dict):
            raise bad_argument("Tuner", "metadata", "a dict", metadata)
        self.trial_backend = trial_backend
        self.scheduler = scheduler
        self.stop_criterion = stop_criterion
        self.n_workers = check_int("Tuner", "n_workers", n_workers, minimum=1)
        self.sleep_time = check_number("Tuner", "sleep_time", sleep_time, minimum=0)
        self.results_update_interval = check_number("Tuner", "results_update_interval", results_update_interval, 0)
        self.print_update_interval = check_number("Tuner", "print_update_interval", print_update_interval, 0)
        self.max_failures = check_int("Tuner", "max_failures", max_failures, minimum=0)
        self.asynchronous_scheduling = check_bool("Tuner", "asynchronous_scheduling", asynchronous_scheduling)
        self.callbacks = list(callbacks) if callbacks is not None else [StoreResultsCallback()]
        self.progress = as_progress(progress)
        if tuner_name is None:
            entry_point = trial_backend.entrypoint_path()
            tuner_name = entry_point.stem.replace("_", "-") if entry_point else "st-tuner"
        elif not TUNER_NAME_PATTERN.match(tuner_name):
            raise bad_argument("Tuner", "tuner_name", "letters, digits and single dashes, starting and ending with "
                               "a letter or digit, at most 63 characters", tuner_name)
        self.name = name_from_base(tuner_name)
        self.tuner_path = experiment_path(self.name)
        self.trial_backend.set_path(results_root=self.tuner_path, tuner_name=self.name)
        self.metadata = self._metadata(metadata or {})
        self.tuning_status: TuningStatus | None = None
        self._last_results: dict[int, dict] = {}

    def _metadata(self, user_metadata: dict) -> dict:
        entry_point = self.trial_backend.entrypoint_path()
        metadata = dict(user_metadata)
        metadata.update({
            ST_TUNER_CREATION_TIMESTAMP: time.time(),
            "metric_names": self.scheduler.metric_names(),
            "metric_mode": self.scheduler.metric_mode(),
            "entrypoint": entry_point.stem if entry_point else None,
            "backend": type(self.trial_backend).__name__,
            "scheduler_name": type(self.scheduler).__name__,
            "resource_attr": getattr(self.scheduler, "resource_attr", None),
            "config_space": {k: to_dict(v) if isinstance(v, Domain) else v
                             for k, v in self.scheduler.config_space.items()},
            "tuner_name": self.name,
        })
        return metadata

    def run(self) -> None:
        """Runs the experiment until the stopping criterion holds; results stay written on any exit."""
        remove_handler = _log_to_console_if_unconfigured()
        previous_sigterm = _raise_on_sigterm()
        status = self.tuning_status = TuningStatus(self.scheduler.metric_names())
        running: set[int] = set()
        exhausted = False
        try:
            self.tuner_path.mkdir(parents=True, exist_ok=True)
            self.metadata[ST_TUNER_START_TIMESTAMP] = time.time()
            (self.tuner_path / "metadata.json").write_text(json.dumps(self.metadata, indent=1, default=str))
            for callback in self.callbacks:
                callback.on_tuning_start(self)
            self.progress.on_tuning_start(self)
            last_save = time.perf_counter()
            logger.info("Tuning %s: results in %s", self.name, self.tuner_path)
            while not self.stop_criterion(status) and status.num_trials_failed <= self.max_failures:
                for callback in self.callbacks:
                    callback.on_loop_start()
                running -= self._process_new_results(running)
                now = time.perf_counter()
                if now - last_save > self.results_update_interval:
                    self.save()
                    last_save = now
                self.progress.on_loop_end()
                if exhausted and not running:
                    logger.info("The search space is exhausted and all trials have ended.")
                    break
                if not exhausted and len(running) < (self.n_workers if self.asynchronous_scheduling else 1):
                    exhausted = not self._start_trials(running)
                else:
                    self.trial_backend.wait(self.sleep_time)
                    for callback in self.callbacks:
                        callback.on_tuning_sleep(self.sleep_time)
                for callback in self.callbacks:
                    callback.on_loop_end()
        except KeyboardInterrupt:
            logger.warning("Tuning interrupted: ending all trials and saving results to %s", self.tuner_path)
            raise
        finally:
            self.trial_backend.stop_all()
            status.mark_running_job_as_stopped()
            self.save()
            for callback in self.callbacks:
                callback.on_tuning_end()
            _restore_sigterm(previous_sigterm)
            self._log_summary(status)
            remove_handler()
        if status.num_trials_failed > self.max_failures:
            raise RuntimeError(
                f"{status.num_trials_failed} trials failed, more than max_failures={self.max_failures}; "
                f"tuning stopped. See std.err in the trial folders below {self.tuner_path}.")

    def _start_trials(self, running: set[int]) -> bool:
        """Fills free workers; False once the scheduler has no more configs."""
        for _ in range(self.n_workers - len(running)):
            trial_id = self.trial_backend.new_trial_id()
            suggestion = self.scheduler.suggest(trial_id)
            if suggestion is None:
                return False
            if suggestion.spawn_new_trial_id:
                trial = self.trial_backend.start_trial(
                    config=dict(suggestion.config), checkpoint_trial_id=suggestion.checkpoint_trial_id)
                self.scheduler.on_trial_add(trial)
                running.add(trial.trial_id)
                logger.debug("trial %d starts with %s", trial.trial_id, suggestion.config)
            else:
                trial_id = suggestion.checkpoint_trial_id
                self.trial_backend.resume_trial(trial_id, new_config=suggestion.config)
                running.add(trial_id)
                logger.info("trial %d resumes", trial_id)
        return True

    def _process_new_results(self, running: set[int]) -> set[int]:
        """Hands new reports to the scheduler, carries out its decisions; returns ended trials."""
        trial_status_dict, new_results = self.trial_backend.fetch_status_results(sorted(running))
        for callback in self.callbacks:
            callback.on_fetch_status_results(trial_status_dict, new_results)
        ended, stopped_by_scheduler = set(), set()
        for trial_id, result in new_results:
            if trial_id in ended:
                continue
            trial, status = trial_status_dict[trial_id]
            self._last_results[trial_id] = result
            decision = self.scheduler.on_trial_result(trial, result)
            for callback in self.callbacks:
                callback.on_trial_result(trial, status, result, decision)
            if decision == SchedulerDecision.STOP:
                if status != Status.completed:
                    self.trial_backend.stop_trial(trial_id, result=result)
                    status = Status.stopped
                self.scheduler.on_trial_remove(trial)
                stopped_by_scheduler.add(trial_id)
                ended.add(trial_id)
            elif decision == SchedulerDecision.PAUSE:
                self.trial_backend.pause_trial(trial_id, result=result)
                self.scheduler.on_trial_remove(trial)
                status = Status.paused
                ended.add(trial_id)
            trial_status_dict[trial_id] = (trial, status)
        for trial_id, (trial, status) in trial_status_dict.items():
            if status == Status.in_progress or trial_id in ended:
                continue
            if status == Status.completed:
                self._on_completed(trial)
            elif status in (Status.failed, Status.stopped) and trial_id not in stopped_by_scheduler:
                self._on_failed(trial, status)
            ended.add(trial_id)
        self.tuning_status.update(trial_status_dict, new_results)
        return ended

    def _on_completed(self, trial: Trial) -> None:
        result = self._last_results.get(trial.trial_id)
        if result is None:
            logger.warning("Trial %d ended without reporting any metric; the scheduler treats it as failed.",
                           trial.trial_id)
            self.scheduler.on_trial_error(trial)
            return
        self.scheduler.on_trial_complete(trial, result)
        for callback in self.callbacks:
            callback.on_trial_complete(trial, result)

    def _on_failed(self, trial: Trial, status: str) -> None:
        tail = "".join(self.trial_backend.stderr(trial.trial_id)[-_STDERR_TAIL_LINES:])
        logger.error("Trial %d %s with config %s. Last lines of its stderr:\n%s",
                     trial.trial_id, status.lower(), trial.config, tail or "(empty)")
        self.scheduler.on_trial_error(trial)

    def _log_summary(self, status: TuningStatus) -> None:
        self.progress.on_tuning_end()  # closes the live display, logs the top trials

    def best_trial(self) -> tuple[int, float] | None:
        """(trial id, value) of the best reported value of the first metric, or None."""
        if self.tuning_status is None:
            return None
        metric = self.scheduler.metric_names()[0]
        use_max = self.scheduler.metric_mode() == "max"
        values = {}
        for trial_id, stats in self.tuning_status.trial_metric_statistics.items():
            extreme = (stats.max_metrics if use_max else stats.min_metrics).get(metric)
            if extreme is not None:
                values[trial_id] = extreme
        if not values:
            return None
        trial_id = (max if use_max else min)(values, key=values.get)
        return trial_id, values[trial_id]

    def save(self, folder: str | Path | None = None) -> None:
        """Writes ``tuner.dill`` and the results collected so far."""
        import dill

        folder = Path(folder or self.tuner_path)
        folder.mkdir(parents=True, exist_ok=True)
        for callback in self.callbacks:
            if isinstance(callback, StoreResultsCallback):
                callback.write()
        temporary = folder / "tuner.dill.tmp"
        with open(temporary, "wb") as stream:
            dill.dump(self, stream)
        temporary.replace(folder / "tuner.dill")

    @staticmethod
    def load(tuner_path: str | Path) -> "Tuner":
        import dill

        with open(Path(tuner_path) / "tuner.dill", "rb") as stream:
            tuner = dill.load(stream)
        tuner.tuner_path = experiment_path(tuner.name)
        return tuner


def _raise_on_sigterm():
    """Turns SIGTERM into an exception in the tuning loop, so trials are ended and results saved."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, frame):
        raise TuningInterrupted(f"received signal {signum}")

    return signal.signal(signal.SIGTERM, handler)


def _restore_sigterm(previous) -> None:
    if previous is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, previous)


def _log_to_console_if_unconfigured():
    """Shows syne_tune's INFO messages on stderr when the application configured no logging."""
    package_logger = logging.getLogger("syne_tune")
    if logging.getLogger().handlers or package_logger.handlers:
        return lambda: None
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    package_logger.addHandler(handler)
    previous_level = package_logger.level
    package_logger.setLevel(logging.INFO)

    def remove():
        package_logger.removeHandler(handler)
        package_logger.setLevel(previous_level)

    return remove
