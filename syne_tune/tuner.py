"""Tuner: the loop that asks the scheduler what to run and has the backend run it.

Each round: fetch new reports and statuses from the backend, pass each report to the
scheduler and carry out its decision (continue, pause, stop), then fill free workers
with the scheduler's suggestions, or wait until the backend has news.

Nothing a trial prints can stop the experiment: a report without a numeric value of a
metric fails that trial only, and so does a trial that ends without reporting. A mistake that
would fail every trial does stop it, with the fix in the error: a key the scheduler needs that
none of the first trials reported (see :mod:`syne_tune.report_check`). Every report and trial
event is appended to the experiment's journal as it happens (see
:mod:`syne_tune.results_journal`), and ``tuner.dill`` is saved when trials start or end, so
``Tuner.load(path).run()`` continues a killed experiment.
"""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from pathlib import Path

from syne_tune._validation import bad_argument, check_bool, check_int, check_number
from syne_tune import function_pickle
from syne_tune.backend.trial_backend import TrialBackend
from syne_tune.backend.trial_status import Status, Trial
from syne_tune.config_space import Domain, to_dict
from syne_tune.constants import ST_DECISION, ST_TRIAL_ID, ST_TUNER_CREATION_TIMESTAMP, ST_TUNER_START_TIMESTAMP, \
    ST_TUNER_TIME, ST_WORKER_TIMESTAMP
from syne_tune.interruptions import Interruptions, TuningInterrupted  # noqa: F401 (TuningInterrupted: public)
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialScheduler, metric_value_error
from syne_tune.progress import TuningProgress, as_progress
from syne_tune.report_check import TRIALS_CHECKED, RequiredAttributesCheck, how_to_report
from syne_tune.experiment_lock import ExperimentLock
from syne_tune.results_journal import JOURNAL_NAME, ST_EVENT, ResultsJournal, check_resume_keeps_results, \
    config_columns, journal_form, last_result_rows, read_journal, report_of_row, results_row, row_fields
from syne_tune.results_path import TUNER_NAME_PATTERN, create_experiment_folder, experiment_path, name_from_base, \
    results_root
from syne_tune.tuner_callback import StoreResultsCallback, TunerCallback
from syne_tune.tuning_status import TuningStatus

logger = logging.getLogger(__name__)

_STDERR_TAIL_LINES = 20
_MAX_REPORTS_PER_ROUND = 2_500  # per trial: the stopping criterion is checked between rounds
_SNAPSHOT_MIN_SECONDS = 1.0  # tuner.dill is saved at most this often when trials start or end
# ... and at most once per this many times its last save took: a snapshot grows with the trials,
# so saving once a second would make a long run O(trials²); this keeps saves under ~5% of the loop.
_SNAPSHOT_COST_FACTOR = 20


class Tuner:
    """Runs a tuning experiment.

    Args:
        trial_backend: runs the trials (e.g. LocalBackend).
        scheduler: decides which configs run and when trials stop or pause.
        stop_criterion: ``TuningStatus -> bool``, e.g. a StoppingCriterion.
        n_workers: number of trials running at the same time.
        sleep_time: longest wait (seconds) while all workers are busy; the LocalBackend
            wakes the tuner earlier as soon as a trial reports or ends.
        results_update_interval: longest time (seconds) between saves of ``tuner.dill``.
            Reports reach ``journal.jsonl`` at once whatever this is.
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
        wait_trial_completion_when_stopping: once the stopping criterion holds, start no trial
            but let the running ones end by themselves (the scheduler still decides on their
            reports) instead of stopping them. Off by default.
        save_tuner: write ``tuner.dill`` (on) so that ``Tuner.load(path).run()`` can continue
            the experiment. False writes none: the results (journal, ``results.csv.zip``) are kept
            and read by ``load_experiment``, but the experiment cannot be continued.
    """

    def __init__(self, trial_backend: TrialBackend, scheduler: TrialScheduler, stop_criterion,
                 n_workers: int, sleep_time: float = 5.0, results_update_interval: float = 10.0,
                 print_update_interval: float = 30.0, max_failures: int = 1, tuner_name: str | None = None,
                 asynchronous_scheduling: bool = True, callbacks: list[TunerCallback] | None = None,
                 metadata: dict | None = None, progress: str | bool | TuningProgress = "auto",
                 wait_trial_completion_when_stopping: bool = False, save_tuner: bool = True):
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
        self.sleep_time = check_number("Tuner", "sleep_time", sleep_time, minimum=0, finite=True)
        self.results_update_interval = check_number("Tuner", "results_update_interval", results_update_interval, minimum=0, finite=True)
        self.print_update_interval = check_number("Tuner", "print_update_interval", print_update_interval, minimum=0, finite=True)
        self.max_failures = check_int("Tuner", "max_failures", max_failures, minimum=0)
        self.asynchronous_scheduling = check_bool("Tuner", "asynchronous_scheduling", asynchronous_scheduling)
        self.wait_trial_completion_when_stopping = check_bool(
            "Tuner", "wait_trial_completion_when_stopping", wait_trial_completion_when_stopping)
        self.save_tuner = check_bool("Tuner", "save_tuner", save_tuner)
        self.callbacks = list(callbacks) if callbacks is not None else [StoreResultsCallback()]
        self.progress = as_progress(progress)
        if tuner_name is None:
            entry_point = trial_backend.entrypoint_path()
            tuner_name = entry_point.stem.replace("_", "-") if entry_point else "st-tuner"
        elif not TUNER_NAME_PATTERN.match(tuner_name):
            raise bad_argument("Tuner", "tuner_name", "letters, digits and single dashes, starting and ending with "
                               "a letter or digit, at most 63 characters", tuner_name)
        self._name_base = tuner_name
        self.name = name_from_base(tuner_name)
        self.tuner_path = experiment_path(self.name)  # taken (created exclusively) when run() begins
        self.trial_backend.set_path(results_root=self.tuner_path, tuner_name=self.name)
        self.metadata = self._metadata(metadata or {})
        self.tuning_status: TuningStatus | None = None
        self.journal: ResultsJournal | None = None
        self.tuner_time = 0.0  # seconds of tuning so far, as of the report being handled
        self._last_results: dict[int, dict] = {}
        self._columns: dict[int, tuple[dict, dict]] = {}  # trial id -> (config, its config_* columns)
        self._row_fields: dict[int, dict[tuple, tuple[dict, str]]] = {}  # trial -> (status, decision) -> (columns, JSON)
        self._running: set[int] = set()  # trials running (or to be restarted when resumed)
        self._journal_lines = 0  # journal lines the saved state accounts for
        self._resuming = False
        self._folder_taken = False  # this tuner created its experiment folder
        self._cloned: set[int] = set()  # trials started from another trial's checkpoint
        self._lock: ExperimentLock | None = None  # held while run() runs
        # Watches the first trials' reports for keys the scheduler needs; None once judged.
        self._report_check: RequiredAttributesCheck | None = RequiredAttributesCheck(
            self.scheduler.required_attributes(), num_trials=min(TRIALS_CHECKED, self.n_workers))
        self._report_error: str | None = None  # why the report check stopped the experiment
        self.interrupted = False  # the last run() ended by Ctrl-C or a signal

    def _metadata(self, user_metadata: dict) -> dict:
        entry_point = self.trial_backend.entrypoint_path()
        metadata = dict(user_metadata)
        metadata.update(self.scheduler.metadata())  # e.g. searcher and search_options
        metadata.update({
            ST_TUNER_CREATION_TIMESTAMP: time.time(),
            "metric_names": self.scheduler.metric_names(),
            "metric_mode": self.scheduler.metric_mode(),
            "metric_modes": _metric_modes(self.scheduler),
            "entrypoint": entry_point.stem if entry_point else None,
            "backend": type(self.trial_backend).__name__,
            "scheduler_name": type(self.scheduler).__name__,
            "config_space": {k: to_dict(v) if isinstance(v, Domain) else v
                             for k, v in self.scheduler.config_space.items()},
            "tuner_name": self.name,
            "resource_attr": getattr(self.scheduler, "resource_attr", None),
        })
        return metadata

    # -- the loop ----------------------------------------------------------------------------------
    def run(self) -> None:
        """Runs the experiment until the stopping criterion holds; results stay written on any exit.

        On a tuner from :meth:`load`, continues the experiment: trials that were running restart
        from their checkpoints and the stopping criterion counts the time already spent.

        Raises ValueError (after ending every trial and saving) if the first trials never
        reported a key the scheduler needs (see :mod:`syne_tune.report_check`), RuntimeError if
        more than ``max_failures`` trials failed, KeyboardInterrupt on Ctrl-C or a signal.
        """
        remove_handler = _log_to_console_if_unconfigured()
        interruptions = Interruptions()
        self.interrupted = False
        self._report_error = None
        try:
            with interruptions:
                try:
                    self._begin()
                    self._loop()
                except KeyboardInterrupt:
                    self.interrupted = True  # the summary says so
                    raise
                finally:
                    interruptions.shield()
                    self._finish()
        except KeyboardInterrupt:
            logger.warning("Tuning interrupted: trials were ended and results saved to %s. Tuner.load(%r).run() "
                           "continues the experiment.", self.tuner_path, str(self.tuner_path))
            raise
        finally:
            remove_handler()
        if self._report_error is not None:
            raise ValueError(self._report_error)
        if self.tuning_status.num_trials_failed > self.max_failures:
            raise RuntimeError(
                f"{self.tuning_status.num_trials_failed} trials failed, more than max_failures={self.max_failures}; "
                f"tuning stopped. See std.err in the trial folders below {self.tuner_path}.")

    def _loop(self) -> None:
        status = self.tuning_status
        exhausted = False
        while (not self.stop_criterion(status) or self._waiting_for_running_trials()) \
                and status.num_trials_failed <= self.max_failures:
            for callback in self.callbacks:
                callback.on_loop_start()
            self._process_new_results()
            self.journal.flush()
            self._maybe_save()
            self.progress.on_loop_end()
            if self._report_error is not None:
                break
            if exhausted and not self._running:
                logger.info("The search space is exhausted and all trials have ended.")
                break
            stopping = self.stop_criterion(status)
            if stopping and not self._waiting_for_running_trials():  # start no trial it would end at once
                break
            if not stopping and not exhausted and len(self._running) < (self.n_workers if self.asynchronous_scheduling else 1):
                exhausted = not self._start_trials()
            elif not self._more_reports:
                # Wake up within a second while journal lines wait for their fsync.
                timeout = min(self.sleep_time, 1.0) if self.journal.unsynced else self.sleep_time
                self.trial_backend.wait(timeout)
                for callback in self.callbacks:
                    callback.on_tuning_sleep(timeout)
            for callback in self.callbacks:
                callback.on_loop_end()
        if self._report_check is not None:  # fewer trials could start: judge those that did
            self._judge_reports()

    def _waiting_for_running_trials(self) -> bool:
        """With ``wait_trial_completion_when_stopping``, the criterion holds and trials still run:
        the loop goes on, starting none, until they ended."""
        if not (self.wait_trial_completion_when_stopping and self._running):
            return False
        if not self._draining:
            self._draining = True
            logger.info("The stopping criterion holds: waiting for %d running trials to end.", len(self._running))
            self.trial_backend.set_time_limit(None)  # a simulated clock must run past the budget
        return True

    def _begin(self) -> None:
        """Creates the experiment folder, or takes up a loaded experiment where it ended."""
        self.journal = None
        self._take_folder()
        if self._resuming:
            check_resume_keeps_results(self.tuner_path)
        self.metadata[ST_TUNER_START_TIMESTAMP] = time.time()
        (self.tuner_path / "metadata.json").write_text(json.dumps(self.metadata, indent=1, default=str))
        self.journal = ResultsJournal(self.tuner_path / JOURNAL_NAME)
        if self._resuming:
            self._replay_journal()
        else:
            self.tuning_status = TuningStatus(self.scheduler.metric_names(), clock=self.trial_backend.time)
        self._tell_backend_the_time_limit()
        self._last_save = time.perf_counter()
        self._last_save_seconds = 0.0
        self._structure_changed = False
        self._more_reports = False
        self._draining = False
        for callback in self.callbacks:
            callback.on_tuning_start(self)
        self.progress.on_tuning_start(self)
        logger.info("Tuning %s: results in %s", self.name, self.tuner_path)
        if self._resuming:
            self._take_unreceived_reports()
            if not self.stop_criterion(self.tuning_status):
                self._restart_running_trials()
        self._resuming = False
        self._save_state()  # from the first second on, a killed experiment can be continued

    def _take_folder(self) -> None:
        """Makes this run the experiment folder's only owner: a new experiment's folder is created
        exclusively (a launcher started in the same millisecond gets another name), and the folder
        is locked until the run ends (a second run or resume of it is refused, naming the holder)."""
        if not (self._resuming or self._folder_taken):
            self.name, self.tuner_path = create_experiment_folder(self.name, self._name_base)
            self.trial_backend.set_path(results_root=self.tuner_path, tuner_name=self.name)
            self.metadata["tuner_name"] = self.name
            self._folder_taken = True
        self._lock = ExperimentLock(self.tuner_path)
        self._lock.acquire()

    def _tell_backend_the_time_limit(self) -> None:
        """A simulated clock delivers no report past the budget (``max_wallclock_time``), so the
        stored results and the tuning status never count one; real backends ignore this."""
        budget = getattr(self.stop_criterion, "max_wallclock_time", None)
        if isinstance(budget, (int, float)) and not isinstance(budget, bool):
            self.trial_backend.set_time_limit(self.tuning_status.start_time + budget)
        else:
            self.trial_backend.set_time_limit(None)

    def _finish(self) -> None:
        """Ends every trial, keeping what they printed, and writes all results. Each step runs
        even if an earlier one failed, so that as much as possible is saved."""
        steps = [self._stop_all_trials]
        if self.journal is not None:
            steps += [self.tuning_status.mark_running_job_as_stopped, self._save_or_flush,
                      *(callback.on_tuning_end for callback in self.callbacks), self.journal.close,
                      lambda: self._log_summary(self.tuning_status)]
        for step in steps:
            try:
                step()
            except Exception:  # noqa: BLE001 - saving the rest matters more than this error
                logger.exception("While ending the experiment %s:", self.name)
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _stop_all_trials(self) -> None:
        """Stops the running trials; they stay in ``_running``, so a resumed run restarts them."""
        late = self.trial_backend.stop_all()
        if self.journal is None:
            return
        for trial_id, reports in late.items():
            # The scheduler learns from them (its decisions are moot): a resumed run restarts these trials.
            self._store_reports(self.trial_backend.trial(trial_id), Status.stopped, reports)

    # -- starting trials -----------------------------------------------------------------------------
    def _start_trials(self) -> bool:
        """Fills free workers; False once the scheduler has no more configs.

        The stopping criterion is checked before each start (a start changes what it counts),
        so ``max_num_trials_started=n`` starts at most n + 1 trials, as its strict ``>`` allows.
        """
        status = self.tuning_status
        for count in range(self.n_workers - len(self._running)):
            if count > 0 and self.stop_criterion(status):
                return True
            trial_id = self.trial_backend.new_trial_id()
            suggestion = self.scheduler.suggest(trial_id)
            if suggestion is None:
                return False
            # Write-ahead: the journal names the trial before its process exists, so a launcher
            # killed in between is continued with this trial, never with its id reused.
            if suggestion.spawn_new_trial_id:
                config = dict(suggestion.config)
                self.journal.add_event("start", trial_id, config=config,
                                       checkpoint_trial_id=suggestion.checkpoint_trial_id)
                self.journal.flush()
                trial = self.trial_backend.start_trial(config=config, checkpoint_trial_id=suggestion.checkpoint_trial_id)
                if suggestion.checkpoint_trial_id is not None:
                    self._cloned.add(trial_id)
                self.scheduler.on_trial_add(trial)
                self._running.add(trial.trial_id)
                if self._report_check is not None:
                    self._report_check.on_trial_start(trial.trial_id)
                logger.debug("trial %d starts with %s", trial.trial_id, suggestion.config)
            else:
                trial_id = suggestion.checkpoint_trial_id
                config = suggestion.config if suggestion.config is not None else self.trial_backend.trial(trial_id).config
                self.journal.add_event("resume", trial_id, config=config)
                self.journal.flush()
                trial = self.trial_backend.resume_trial(trial_id, new_config=suggestion.config)
                self._running.add(trial_id)
                logger.info("trial %d resumes", trial_id)
            status.trial_started(trial)
            self._structure_changed = True
        return True

    # -- handling reports and ends -----------------------------------------------------------------
    def _process_new_results(self) -> None:
        """Hands new reports to the scheduler and carries out its decisions."""
        statuses, new_results = self.trial_backend.fetch_status_results(
            sorted(self._running), _MAX_REPORTS_PER_ROUND)
        # A trial that hit the limit has more reports waiting: the loop must not sleep.
        self._more_reports = len(new_results) >= _MAX_REPORTS_PER_ROUND and max(
            Counter(trial_id for trial_id, _ in new_results).values()) >= _MAX_REPORTS_PER_ROUND
        self._handle_results(statuses, new_results)

    def _handle_results(self, statuses: dict[int, tuple[Trial, str]], new_results: list[tuple[int, dict]]) -> None:
        """Carries out the scheduler's decision on each report, then records the trials that ended."""
        for callback in self.callbacks:
            callback.on_fetch_status_results(statuses, new_results)
        ended: dict[int, str] = {}  # trials that ended in this round, by the tuner's decision
        late: dict[int, list[dict]] = {}  # reports still queued when the tuner ended the trial
        check = self._report_check
        for trial_id, result in new_results:
            if check is not None:
                check.on_report(trial_id, result)
            trial, status = statuses[trial_id]
            if trial_id in ended:  # printed after the decision, before its process ended
                ended[trial_id] = self._store_reports(trial, ended[trial_id], [result])
                statuses[trial_id] = (trial, ended[trial_id])
                continue
            decision, status, queued = self._on_report(trial, status, result)
            if decision is not None:
                ended[trial_id] = status
                late[trial_id] = queued
                statuses[trial_id] = (trial, status)
        for trial_id, queued in late.items():  # after this round's reports: order is kept
            trial, status = statuses[trial_id]
            decision = SchedulerDecision.STOP if status == Status.failed else None
            status = self._store_reports(trial, status, queued, decision)
            statuses[trial_id] = (trial, status)
        for trial_id, (trial, status) in statuses.items():
            if status == Status.in_progress:
                continue
            if check is not None:
                check.on_trial_end(trial_id, exited_by_itself=status == Status.completed)
            if trial_id not in ended:  # ended by itself
                status = self._on_trial_end(trial, status)
                statuses[trial_id] = (trial, status)
            self.journal.add_event("end", trial_id, status=status)
            self._running.discard(trial_id)
            self._forget(trial_id, status)
            if status != Status.paused and self.trial_backend.delete_checkpoints:
                self.trial_backend.delete_checkpoint(trial_id)
            self._structure_changed = True  # tuner.dill is due
        self.tuning_status.update(statuses, [])
        if check is not None and check.complete:
            self._judge_reports()

    @property
    def stopped_early(self) -> bool:
        """True if the last run() was stopped because its first trials never reported a key the
        scheduler needs (the ValueError that run() raised says which)."""
        return self._report_error is not None

    def _judge_reports(self) -> None:
        """Stops the experiment if the first trials never reported a key the scheduler needs
        (see :mod:`syne_tune.report_check`); then drops the check, which costs nothing from here on."""
        error = self._report_check.error()
        self._report_check = None
        if error is not None:
            self._report_error = f"{error} The experiment was stopped; its results are in {self.tuner_path}."
            logger.error("%s", self._report_error)

    def _on_report(self, trial: Trial, status: str, result: dict) -> tuple[str | None, str, list[dict]]:
        """Handles one report of a running trial.

        Returns the decision that ended it (or None), its status, and the reports it printed
        that were still queued when it ended (to be stored after the round's reports).
        """
        error = self._metric_error(trial.trial_id, result)
        if error is not None:
            self._record(trial, Status.failed, result, SchedulerDecision.STOP)
            return SchedulerDecision.STOP, Status.failed, self._fail_trial(trial, error)
        self._last_results[trial.trial_id] = result
        decision = self.scheduler.on_trial_result(trial, result)
        if decision == SchedulerDecision.STOP:
            # Completed if the scheduler's STOP means "done" (e.g. max_t reached) or its script had ended.
            ended_by_itself = status == Status.completed
            if not ended_by_itself:
                status = Status.completed if self.scheduler.is_trial_done(trial) else Status.stopped
            self._record(trial, status, result, decision)
            if ended_by_itself:
                queued = []
            elif status == Status.completed:
                queued = self.trial_backend.complete_trial(trial.trial_id)
            else:
                queued = self.trial_backend.stop_trial(trial.trial_id, result=result)
            self.scheduler.on_trial_remove(trial)
        elif decision == SchedulerDecision.PAUSE:
            self._record(trial, Status.paused, result, decision)
            queued = self.trial_backend.pause_trial(trial.trial_id, result=result)
            self.scheduler.on_trial_remove(trial)
        else:
            self._record(trial, status, result, decision)
            return None, status, []
        # Paused, Stopped or Completed (done, or its script had finished before the stop reached it).
        return decision, self.trial_backend.end_status(trial.trial_id) or status, queued

    def _store_reports(self, trial: Trial, status: str, reports: list[dict], decision: str | None = None) -> str:
        """Keeps reports a trial printed after it was paused or stopped; the scheduler learns from them.

        Returns the trial's status: a paused trial whose late report the scheduler answers with
        STOP will never be resumed, so it is Stopped from then on (Completed if the scheduler
        says it is done, e.g. it reached ``max_t``).
        """
        for result in reports:
            if decision is None and self._metric_error(trial.trial_id, result) is None and status != Status.failed:
                self._last_results[trial.trial_id] = result
                late_decision = self.scheduler.on_trial_result(trial, result)  # the trial has ended already
                if late_decision == SchedulerDecision.STOP and status == Status.paused:
                    status = Status.completed if self.scheduler.is_trial_done(trial) else Status.stopped
                    self.trial_backend.mark_ended(trial.trial_id, status)
            else:
                late_decision = decision or SchedulerDecision.STOP
            self._record(trial, status, result, late_decision)
        return status

    def _record(self, trial: Trial, status: str, result: dict, decision: str) -> None:
        """Journals a report, tells the callbacks and updates the tuning status."""
        self.tuner_time = self.tuning_status.wallclock_time
        columns = self._config_columns(trial)
        row = results_row(trial.trial_id, columns, status, result, decision, self.tuner_time)
        printed = getattr(result, "printed", None)
        if printed is None:
            self.journal.add_row(row)
        else:  # the report as printed, the rest of the row encoded once per trial, status and decision
            cache = self._row_fields.get(trial.trial_id)
            if cache is None:
                cache = self._row_fields[trial.trial_id] = {}
            fields = cache.get((status, decision))
            if fields is None or fields[0] is not columns:
                fields = cache[status, decision] = (columns, row_fields(trial.trial_id, columns, status, decision))
            self.journal.add_printed_row(printed, fields[1], self.tuner_time)
        for callback in self.callbacks:
            callback.on_trial_result(trial, status, result, decision)
            callback.on_result_row(row)
        self.tuning_status.add_result(trial.trial_id, result)

    def _forget(self, trial_id: int, status: str) -> None:
        """Drops what only a running trial needs, so memory and snapshots do not grow with ended
        trials (a paused trial keeps its last report: it may be resumed)."""
        self._columns.pop(trial_id, None)
        self._row_fields.pop(trial_id, None)
        if status != Status.paused:
            self._last_results.pop(trial_id, None)
            self._cloned.discard(trial_id)

    def _config_columns(self, trial: Trial) -> dict:
        """The trial's ``config_*`` columns, built once per config (a resumed trial may get a new one)."""
        cached = self._columns.get(trial.trial_id)
        if cached is None or cached[0] is not trial.config:
            cached = self._columns[trial.trial_id] = (trial.config, config_columns(trial.config))
        return cached[1]

    def _metric_error(self, trial_id: int, result: dict) -> str | None:
        """Why ``result`` cannot be used (a metric missing or not a number), or None."""
        for metric in self.scheduler.metric_names():
            if type(result.get(metric)) is not float:  # the common case costs one check
                error = metric_value_error(trial_id, result, metric)
                if error is not None:
                    return error
        return None

    def _fail_trial(self, trial: Trial, reason: str) -> list[dict]:
        """Ends a trial that reported garbage; returns the reports it had still queued."""
        queued = self.trial_backend.fail_trial(trial.trial_id, reason)
        logger.error("%s", reason)
        self.scheduler.on_trial_error(trial)
        return queued

    def _on_trial_end(self, trial: Trial, status: str) -> str:
        """Tells the scheduler how a trial ended by itself; returns its status (Completed becomes
        Failed for a trial that never reported)."""
        if status == Status.completed:
            return self._on_completed(trial)
        if status in (Status.failed, Status.stopped):
            self._on_failed(trial, status)
        return status

    def _on_completed(self, trial: Trial) -> str:
        result = self._last_results.get(trial.trial_id)
        if result is None and trial.trial_id in self._cloned:
            # e.g. a PBT clone of a trial that reached its last epoch meanwhile: nothing was left to do
            logger.info("Trial %d started from another trial's checkpoint and ended without a report: that "
                        "checkpoint had nothing left to train.", trial.trial_id)
            self.scheduler.on_trial_error(trial)  # no result to learn from
            return Status.completed
        if result is None:
            self._fail_trial(trial, self._no_report_error(trial.trial_id))
            return Status.failed
        self.scheduler.on_trial_complete(trial, result)
        for callback in self.callbacks:
            callback.on_trial_complete(trial, result)
        return Status.completed

    def _no_report_error(self, trial_id: int) -> str:
        required = self.scheduler.required_attributes()
        metrics = ", ".join(repr(name) for name in self.scheduler.metric_names())
        return (f"Trial {trial_id} ended without a single report, so there is no value of {metrics}: its script "
                f"finished without calling Reporter (printing values does not report them). The trial counts as "
                f"failed. Report from the training script: {how_to_report(required)}")

    def _on_failed(self, trial: Trial, status: str) -> None:
        tail = "".join(self.trial_backend.stderr(trial.trial_id)[-_STDERR_TAIL_LINES:])
        logger.error("Trial %d %s with config %s. Last lines of its stderr:\n%s",
                     trial.trial_id, status.lower(), trial.config, tail or "(empty)")
        self.scheduler.on_trial_error(trial)

    # -- saving and resuming -----------------------------------------------------------------------
    def _maybe_save(self) -> None:
        """Saves ``tuner.dill`` when trials started or ended, or every ``results_update_interval``
        seconds; never sooner than a second, nor than 20 times its last save took, after the last.

        The journal, appended to as things happen, is the record that costs O(change); the
        snapshot only shortens the journal tail a resume replays."""
        since = time.perf_counter() - self._last_save
        if since < max(_SNAPSHOT_MIN_SECONDS, _SNAPSHOT_COST_FACTOR * self._last_save_seconds):
            return
        if self._structure_changed or since >= self.results_update_interval:
            self._save_state()

    def _save_state(self) -> None:
        start = time.perf_counter()
        self._save_or_flush()
        self._last_save = time.perf_counter()
        self._last_save_seconds = self._last_save - start
        self._structure_changed = False

    def _save_or_flush(self) -> None:
        """The tuner's own saves: ``tuner.dill`` unless ``save_tuner=False``, the journal always."""
        if self.save_tuner:
            self.save()
        elif self.journal is not None:
            self.journal.flush(sync=True)

    def save(self, folder: str | Path | None = None) -> None:
        """Writes ``tuner.dill`` (and flushes the journal) into ``folder`` (default: the experiment's).

        The Tuner saves between rounds of reports; a callback that saves should do so from
        ``on_loop_end`` too (mid-round, the tuning status lags the journal)."""
        if self.journal is not None:
            self.journal.flush(sync=True)
            self._journal_lines = self.journal.lines
        self._write_dill(Path(folder or self.tuner_path))

    def _write_dill(self, folder: Path) -> None:
        """Pickles the tuner with the standard library's C pickler where it can (several times
        faster than dill; functions defined in ``__main__`` travel by value, see
        ``function_pickle``), and with dill where only dill can. ``Tuner.load`` reads both."""
        try:
            data = function_pickle.dumps(self)
        except function_pickle.ByValueUnsupported:
            import dill

            data = dill.dumps(self)
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / "tuner.dill.tmp"
        temporary.write_bytes(data)
        temporary.replace(folder / "tuner.dill")

    def __getstate__(self):
        state = dict(self.__dict__)
        state["journal"] = None  # an open file belongs to this run
        state["_lock"] = None  # so does the lock
        state["_elapsed"] = self.tuning_status.wallclock_time if self.tuning_status is not None else 0.0
        return state

    def __setstate__(self, state):
        # tuner.dill written before these attributes existed
        state.setdefault("_report_check", None)
        state.setdefault("_report_error", None)
        state.setdefault("interrupted", False)
        state.setdefault("_folder_taken", True)
        state.setdefault("_cloned", set())
        state.setdefault("_lock", None)
        state.setdefault("_name_base", state.get("name", "st-tuner"))
        state.setdefault("wait_trial_completion_when_stopping", False)
        state.setdefault("save_tuner", True)
        self.__dict__.update(state)

    @staticmethod
    def load(tuner_path: str | Path) -> "Tuner":
        """The tuner saved in ``tuner_path``, an experiment folder or the name of an experiment in
        the results root (as ``load_experiment`` takes it); ``run()`` on it continues the experiment.

        Unpickles ``tuner.dill``: load only experiments you trust.
        """
        import dill

        path = _tuner_folder(tuner_path)
        try:
            with open(path / "tuner.dill", "rb") as stream:
                tuner = dill.load(stream)
        except FileNotFoundError:
            raise
        except Exception as error:  # noqa: BLE001 - unpickling raises many kinds
            raise ValueError(f"{path / 'tuner.dill'} cannot be read ({type(error).__name__}: {error}): it is damaged "
                             f"or was written by an incompatible version. The results stay readable with "
                             f"load_experiment; the experiment cannot be continued from this file.") from error
        tuner.tuner_path = path
        tuner.trial_backend.set_path(results_root=path, tuner_name=tuner.name)
        tuner._resuming = True
        return tuner

    def _replay_journal(self) -> None:
        """Brings the loaded state up to the journal's end: what happened after the last save."""
        status = self.tuning_status or TuningStatus(self.scheduler.metric_names(), clock=self.trial_backend.time)
        self.tuning_status = status
        status.continue_from(getattr(self, "_elapsed", 0.0))
        backend = self.trial_backend
        replayed = 0
        for record in read_journal(self.tuner_path / JOURNAL_NAME, start=self._journal_lines):
            trial_id = record.get(ST_TRIAL_ID)
            if not isinstance(trial_id, int):
                continue
            replayed += 1
            event = record.get(ST_EVENT)
            known = trial_id in backend.trial_ids
            if event == "start" and not known:
                self._replay_suggestion(trial_id, record, new_trial=True)
            elif not known:
                continue
            elif event == "resume":
                self._replay_suggestion(trial_id, record, new_trial=False)
            elif event == "restart":  # restarted after an earlier crash: running as far as the scheduler knows
                backend.mark_running(trial_id, record.get("config"))
                self._running.add(trial_id)
            elif event == "end":
                self._replay_end(backend.trial(trial_id), record.get("status"))
            elif event is None:
                self._replay_report(backend.trial(trial_id), record)
        status.continue_from(max(status.wallclock_time, self.tuner_time))
        logger.info("Continuing experiment %s after %.1f s of tuning (%d journal records after the last save).",
                    self.name, status.wallclock_time, replayed)

    def _replay_suggestion(self, trial_id: int, record: dict, new_trial: bool) -> None:
        """A trial started or resumed after the last save: the scheduler is asked again.

        Replayed in journal order, the scheduler is in the state it was in when it made that
        suggestion, so a scheduler whose randomness is seeded makes it again and knows the trial
        as it did then; the trial restarts from its checkpoint like every running trial. If the
        scheduler now answers differently, its answer is withdrawn and the trial ends Stopped
        (the scheduler is told it failed, so it never resumes it).
        """
        backend, config = self.trial_backend, record.get("config") or {}
        suggestion = self.scheduler.suggest(trial_id if new_trial else backend.new_trial_id())
        if _same_suggestion(suggestion, trial_id, record, new_trial):
            backend.mark_running(trial_id, config)
            trial = backend.trial(trial_id)
            if new_trial:
                self.scheduler.on_trial_add(trial)
                if record.get("checkpoint_trial_id") is not None:
                    self._cloned.add(trial_id)
            self._running.add(trial_id)
            self.tuning_status.trial_started(trial)
            return
        logger.warning("Trial %d was %s after tuner.dill was last saved; asked again, the scheduler suggests %s: "
                       "trial %d ends Stopped.", trial_id, "started" if new_trial else "resumed", suggestion, trial_id)
        self._withdraw(suggestion, trial_id, new_trial)
        backend.mark_ended(trial_id, Status.stopped, config)
        trial = backend.trial(trial_id)
        if not new_trial or (suggestion is not None and suggestion.spawn_new_trial_id):
            # the scheduler knows the trial (from before the save, or just now under its id): never to resume it
            self.scheduler.on_trial_error(trial)
        self.tuning_status.update({trial_id: (trial, Status.stopped)}, [])

    def _withdraw(self, suggestion, trial_id: int, new_trial: bool) -> None:
        """Undoes what the replay's ``suggestion`` made the scheduler believe, where the journal
        shows no such thing (a start under ``trial_id`` itself is undone with that trial)."""
        if suggestion is None:
            return
        backend = self.trial_backend
        if suggestion.spawn_new_trial_id:
            if not new_trial:  # under the next trial id, which the next started trial gets
                self.scheduler.on_trial_error(Trial(trial_id=backend.new_trial_id(), config=suggestion.config))
        elif suggestion.checkpoint_trial_id != trial_id:  # a paused trial it now counts as running
            other = backend.trial(suggestion.checkpoint_trial_id)
            self.scheduler.on_trial_error(other)
            backend.mark_ended(other.trial_id, Status.stopped)
            self.tuning_status.update({other.trial_id: (other, Status.stopped)}, [])

    def _replay_report(self, trial: Trial, row: dict) -> None:
        result = report_of_row(row)
        self.tuner_time = max(self.tuner_time, row.get(ST_TUNER_TIME) or 0.0)
        self.tuning_status.add_result(trial.trial_id, result)
        if trial.trial_id not in self._running or self._metric_error(trial.trial_id, result) is not None:
            return
        self._last_results[trial.trial_id] = result
        self.scheduler.on_trial_result(trial, result)
        decision = row.get(ST_DECISION)
        if decision in (SchedulerDecision.STOP, SchedulerDecision.PAUSE):
            self.scheduler.on_trial_remove(trial)

    def _replay_end(self, trial: Trial, status: str) -> None:
        if trial.trial_id in self._running:
            if status in (Status.completed, Status.failed):
                self._on_trial_end(trial, status)
            self._running.discard(trial.trial_id)
        self._forget(trial.trial_id, status)
        self.trial_backend.mark_ended(trial.trial_id, status)
        self.tuning_status.update({trial.trial_id: (trial, status)}, [])

    def _take_unreceived_reports(self) -> None:
        """Handles, as if they arrived now, the reports running trials printed that never reached
        the journal (in the pipe when the launcher died), from the copy the backend kept.

        Their trials had checkpointed past them: restarted, they would never print them again.
        """
        running = self._running
        last = last_result_rows(self.tuner_path / JOURNAL_NAME, running) if running else {}
        statuses, reports = {}, []
        for trial_id in sorted(running):
            unreceived = self.trial_backend.unreceived_reports(trial_id, last.get(trial_id))
            if unreceived is None:
                logger.warning("Trial %d: its last stored report is not in the copy of its reports, so reports "
                               "it printed just before the launcher died may be missing.", trial_id)
            elif unreceived:
                statuses[trial_id] = (self.trial_backend.trial(trial_id), Status.in_progress)
                reports += [(trial_id, report) for report in unreceived]
        if reports:
            logger.info("Storing %d report(s) that running trials printed before the launcher died, unread.",
                        len(reports))
            reports.sort(key=lambda item: item[1].get(ST_WORKER_TIMESTAMP, 0.0))  # as the backend delivers them
            self._handle_results(statuses, reports)

    def _restart_running_trials(self) -> None:
        """Trials that were running when the experiment ended continue from their checkpoints."""
        for trial_id in sorted(self._running):
            if self.trial_backend.has_checkpoint(trial_id):
                logger.info("trial %d restarts from its checkpoint", trial_id)
            else:
                logger.info("trial %d restarts from scratch (it wrote no checkpoint)", trial_id)
            self.trial_backend.restart_trial(trial_id)
            self.journal.add_event("restart", trial_id, config=self.trial_backend.trial(trial_id).config)
            self.tuning_status.trial_started(self.trial_backend.trial(trial_id))

    # -- results -------------------------------------------------------------------------------------
    def _log_summary(self, status: TuningStatus) -> None:
        self.progress.on_tuning_end()  # closes the live display, logs the top trials and the results folder

    def best_trial(self) -> tuple[int, float] | None:
        """(trial id, value) of the best reported value of the first metric, or None.

        NaN and infinite values never count as best.
        """
        if self.tuning_status is None:
            return None
        return self.tuning_status.best_trial(self.scheduler.metric_names()[0], self.scheduler.metric_mode())


def _tuner_folder(tuner_path: str | Path) -> Path:
    """The folder holding ``tuner.dill``: ``tuner_path`` itself, or the experiment of that name."""
    path = Path(tuner_path).expanduser()
    if (path / "tuner.dill").is_file():
        return path
    looked = [path]
    if isinstance(tuner_path, str) and tuner_path == path.name and tuner_path not in (".", ".."):
        from syne_tune.results_path import experiment_folder

        named = experiment_folder(tuner_path)
        if (named / "tuner.dill").is_file():
            return named
        looked.append(named)
    for folder in dict.fromkeys(looked):
        if (folder / JOURNAL_NAME).is_file():
            raise FileNotFoundError(
                f"The experiment in {folder} has no tuner.dill, so Tuner.load cannot continue it: it ran with "
                f"save_tuner=False (or was killed before its first save). Its results stay readable with "
                f"load_experiment({folder.name!r}); run with save_tuner=True to be able to continue an experiment.")
    raise FileNotFoundError(
        f"The 'tuner_path' argument of Tuner.load must be an experiment folder holding tuner.dill, or the name of "
        f"an experiment in {results_root()}. Got {str(tuner_path)!r}; looked for "
        f"{' and '.join(str(p / 'tuner.dill') for p in dict.fromkeys(looked))}: not found. "
        f"list_experiments() (or 'syne-tune list') shows the experiments there.")


def _same_suggestion(suggestion, trial_id: int, record: dict, new_trial: bool) -> bool:
    """True if ``suggestion`` is what the journal ``record`` says was done for ``trial_id``."""
    if suggestion is None or suggestion.spawn_new_trial_id != new_trial:
        return False
    if suggestion.config is not None and journal_form(suggestion.config) != record.get("config"):
        return False
    if new_trial:
        return suggestion.checkpoint_trial_id == record.get("checkpoint_trial_id")
    return suggestion.checkpoint_trial_id == trial_id


def _metric_modes(scheduler: TrialScheduler) -> list[str]:
    """The mode of every metric (schedulers of one metric have only ``metric_mode``)."""
    modes = getattr(scheduler, "metric_modes", None)
    return list(modes()) if callable(modes) else [scheduler.metric_mode()] * len(scheduler.metric_names())


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
