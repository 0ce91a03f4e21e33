"""Tuner: the loop that asks the scheduler what to run and has the backend run it.

Each round: fetch new reports and statuses from the backend, pass each report to the
scheduler and carry out its decision (continue, pause, stop), then fill free workers
with the scheduler's suggestions, or wait until the backend has news.

Nothing a trial prints can stop the experiment: a report without a numeric value of a
metric fails that trial only, and so does a trial that ends without reporting. A mistake that
would fail every trial does stop it, with the fix in the error: a key the scheduler needs that
none of the first trials reported (see :mod:`syne_tune.report_check`). Every report and trial
event is appended to the experiment's journal as it happens (see
:mod:`syne_tune.results_journal`), and ``tuner.dill`` is saved when the run begins, so
``Tuner.load(path).run()`` continues a killed experiment by replaying the journal.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path

from syne_tune import json_values
from syne_tune._validation import bad_argument, check_bool, check_int, check_number
from syne_tune.backend.trial_backend import TrialBackend
from syne_tune.best import constraint_names
from syne_tune.constants import ST_TUNER_START_TIMESTAMP
from syne_tune.experiment_lock import ExperimentLock
from syne_tune.interruptions import Interruptions, TuningInterrupted  # noqa: F401 (TuningInterrupted: public)
from syne_tune.optimizer.scheduler import TrialScheduler
from syne_tune.progress import TuningProgress, as_progress, log_to_console_if_unconfigured
from syne_tune.report_check import TRIALS_CHECKED, RequiredAttributesCheck
from syne_tune.results_journal import JOURNAL_NAME, ResultsJournal, check_resume_keeps_results
from syne_tune.results_path import TUNER_NAME_PATTERN, create_experiment_folder, experiment_path, name_from_base
from syne_tune.tuner_callback import StoreResultsCallback, TunerCallback
from syne_tune.tuner_metadata import experiment_metadata
from syne_tune.tuner_record import TrialRecorder
from syne_tune.tuner_replay import replay_journal, unreceived_reports
from syne_tune.tuner_rules import TuningRules
from syne_tune.tuner_snapshot import SnapshotCount, read_snapshot, snapshot_folder, write_snapshot
from syne_tune.tuning_status import TuningStatus

logger = logging.getLogger(__name__)

_MAX_REPORTS_PER_ROUND = 2_500  # per trial: the stopping criterion is checked between rounds


class Tuner:
    """Runs a tuning experiment.

    Args:
        trial_backend: runs the trials (e.g. LocalBackend).
        scheduler: decides which configs run and when trials stop or pause.
        stop_criterion: ``TuningStatus -> bool``, e.g. a StoppingCriterion.
        n_workers: number of trials running at the same time.
        sleep_time: longest wait (seconds) while all workers are busy; the LocalBackend
            wakes the tuner earlier as soon as a trial reports or ends.
        results_update_interval: accepted for the original's launchers; nothing waits for it:
            reports reach ``journal.jsonl`` at once (fsync'ed within a second), and
            ``tuner.dill`` is written when ``run()`` begins and ends (the journal records
            everything between, see :mod:`syne_tune.tuner_snapshot`).
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
        self.metadata = experiment_metadata(self.scheduler, self.trial_backend, self.name, metadata or {})
        self.tuning_status: TuningStatus | None = None
        self.journal: ResultsJournal | None = None
        self._tuner_time = 0.0  # as of the last save; the recorder keeps it while running
        self._recorder: TrialRecorder | None = None  # journals and tells the callbacks while run() runs
        self._journal_lines = 0  # journal lines the saved state accounts for
        self.snapshots = SnapshotCount()  # tuner.dill saves of a run, and their cost
        self._resuming = False
        self._folder_taken = False  # this tuner created its experiment folder
        self._lock: ExperimentLock | None = None  # held while run() runs
        # The rules for reports and ends; they watch the first trials' reports for keys the scheduler needs.
        self._rules = TuningRules(scheduler, trial_backend, RequiredAttributesCheck(
            self.scheduler.required_attributes(), num_trials=min(TRIALS_CHECKED, self.n_workers)))
        self._report_error: str | None = None  # why the report check stopped the experiment
        self.interrupted = False  # the last run() ended by Ctrl-C or a signal

    # -- the loop ----------------------------------------------------------------------------------
    def run(self) -> None:
        """Runs the experiment until the stopping criterion holds; results stay written on any exit.

        On a tuner from :meth:`load`, continues the experiment: trials that were running restart
        from their checkpoints and the stopping criterion counts the time already spent.

        Raises ValueError (after ending every trial and saving) if the first trials never
        reported a key the scheduler needs (see :mod:`syne_tune.report_check`), RuntimeError if
        more than ``max_failures`` trials failed, KeyboardInterrupt on Ctrl-C or a signal.
        """
        remove_handler = log_to_console_if_unconfigured()
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
            if self.journal.quiet():
                self._recorder.clock()
            self.journal.flush()  # fsync'ed at most once a second
            self.progress.on_loop_end()
            if self._report_error is not None:
                break
            if exhausted and not self._rules.running:
                logger.info("The search space is exhausted and all trials have ended.")
                break
            stopping = self.stop_criterion(status)
            if stopping and not self._waiting_for_running_trials():  # start no trial it would end at once
                break
            if not stopping and not exhausted and len(self._rules.running) < (self.n_workers if self.asynchronous_scheduling else 1):
                exhausted = not self._start_trials()
            elif not self._more_reports:
                # Wake up within a second while journal lines wait for their fsync.
                timeout = min(self.sleep_time, 1.0) if self.journal.unsynced else self.sleep_time
                self.trial_backend.wait(timeout)
                for callback in self.callbacks:
                    callback.on_tuning_sleep(timeout)
            for callback in self.callbacks:
                callback.on_loop_end()
        if self._rules.report_check is not None:  # fewer trials could start: judge those that did
            self._judge_reports()

    def _waiting_for_running_trials(self) -> bool:
        """With ``wait_trial_completion_when_stopping``, the criterion holds and trials still run:
        the loop goes on, starting none, until they ended."""
        if not (self.wait_trial_completion_when_stopping and self._rules.running):
            return False
        if not self._draining:
            self._draining = True
            logger.info("The stopping criterion holds: waiting for %d running trials to end.", len(self._rules.running))
            self.trial_backend.set_time_limit(None)  # a simulated clock must run past the budget
        return True

    def _begin(self) -> None:
        """Creates the experiment folder, or takes up a loaded experiment where it ended."""
        self.journal = None
        self._take_folder()
        if self._resuming:
            check_resume_keeps_results(self.tuner_path)
        self.metadata[ST_TUNER_START_TIMESTAMP] = time.time()
        (self.tuner_path / "metadata.json").write_text(json_values.dumps_record(self.metadata, indent=1))
        self.journal = ResultsJournal(self.tuner_path / JOURNAL_NAME)
        if self._resuming:
            self._replay_journal()
        else:
            self.tuning_status = self._new_tuning_status()
        self._recorder = TrialRecorder(self.tuning_status, self.journal, self.callbacks)
        self._recorder.tuner_time = self._tuner_time
        self._rules.recorder = self._recorder
        self._tell_backend_the_time_limit()
        self.snapshots = SnapshotCount()
        self._more_reports = False
        self._draining = False
        for callback in self.callbacks:
            callback.on_tuning_start(self)
        self.progress.on_tuning_start(self)
        logger.info("Tuning %s: results in %s", self.name, self.tuner_path)
        if self._resuming:
            # what running trials printed that never reached the journal (in the pipe when the launcher died)
            unread = unreceived_reports(self.trial_backend, self._rules.running, self.tuner_path / JOURNAL_NAME)
            self._rules.handle_unread(unread)
            self._check_reports()
            if not self.stop_criterion(self.tuning_status):
                self._rules.restart_running()
        self._resuming = False
        self.snapshots.take(self._save_or_flush)  # from the first second on, a killed experiment can be continued

    def _new_tuning_status(self) -> TuningStatus:
        """Counts on the backend's clock; "best" views rank feasible reports only if the experiment
        has constraints (``constraint_attr`` in its metadata)."""
        return TuningStatus(self.scheduler.metric_names(), clock=self.trial_backend.time,
                            constraint_attrs=constraint_names(self.metadata))

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
            steps += [self.tuning_status.mark_running_job_as_stopped, lambda: self.snapshots.take(self._save_or_flush),
                      *(callback.on_tuning_end for callback in self.callbacks), self.journal.close,
                      lambda: self._log_summary(self.tuning_status)]
        for step in steps:
            try:
                step()
            except Exception:  # noqa: BLE001 - saving the rest matters more than this error
                logger.exception("While ending the experiment %s:", self.name)
        if self._recorder is not None:
            self._tuner_time = self._recorder.tuner_time
            self._recorder = self._rules.recorder = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _stop_all_trials(self) -> None:
        """Stops the running trials; they stay running for the rules, so a resumed run restarts them.

        What they printed before the stop and the loop had not read yet are reports like any
        other: the scheduler's decision on them holds (a STOP at ``max_t`` ends the trial Completed,
        a PAUSE pauses it), so only trials the scheduler would have let continue are restarted."""
        unread = self.trial_backend.stop_all()
        if self._recorder is not None:
            self._rules.handle_unread(unread)
            self._check_reports()

    # -- starting trials -----------------------------------------------------------------------------
    def _start_trials(self) -> bool:
        """Fills free workers; False once the scheduler has no more configs.

        The stopping criterion is checked before each start (a start changes what it counts),
        so ``max_num_trials_started=n`` starts at most n + 1 trials, as its strict ``>`` allows.
        """
        rules, record = self._rules, self._recorder
        for count in range(self.n_workers - len(rules.running)):
            if count > 0 and self.stop_criterion(self.tuning_status):
                return True
            trial_id = self.trial_backend.new_trial_id()
            suggestion = self.scheduler.suggest(trial_id)
            if suggestion is None:
                return False
            # Write-ahead: the journal names the trial before its process exists, so a launcher
            # killed in between is continued with this trial, never with its id reused.
            if suggestion.spawn_new_trial_id:
                config, checkpoint = dict(suggestion.config), suggestion.checkpoint_trial_id
                record.write_ahead("start", trial_id, config=config, checkpoint_trial_id=checkpoint)
                trial = self.trial_backend.start_trial(config=config, checkpoint_trial_id=checkpoint)
                rules.trial_started(trial, checkpoint)
                logger.debug("trial %d starts with %s", trial.trial_id, config)
            else:
                trial_id = suggestion.checkpoint_trial_id
                config = suggestion.config if suggestion.config is not None else self.trial_backend.trial(trial_id).config
                record.write_ahead("resume", trial_id, config=config)
                rules.trial_resumed(self.trial_backend.resume_trial(trial_id, new_config=suggestion.config))
                logger.info("trial %d resumes", trial_id)
        return True

    # -- handling reports ----------------------------------------------------------------------------
    def _process_new_results(self) -> None:
        """Hands new reports to the scheduler and carries out its decisions (see :mod:`syne_tune.tuner_rules`)."""
        statuses, new_results = self.trial_backend.fetch_status_results(
            sorted(self._rules.running), _MAX_REPORTS_PER_ROUND)
        # A trial that hit the limit has more reports waiting: the loop must not sleep.
        self._more_reports = len(new_results) >= _MAX_REPORTS_PER_ROUND and max(
            Counter(trial_id for trial_id, _ in new_results).values()) >= _MAX_REPORTS_PER_ROUND
        self._rules.handle_results(statuses, new_results)
        self._check_reports()

    def _check_reports(self) -> None:
        check = self._rules.report_check
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
        error = self._rules.report_check.error()
        self._rules.report_check = None
        if error is not None:
            self._report_error = f"{error} The experiment was stopped; its results are in {self.tuner_path}."
            logger.error("%s", self._report_error)

    # -- saving and resuming -----------------------------------------------------------------------
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
        write_snapshot(self, folder)

    @property
    def tuner_time(self) -> float:
        """Seconds of tuning as of the report handled last (its ``st_tuner_time``)."""
        return self._recorder.tuner_time if self._recorder is not None else self._tuner_time

    def __getstate__(self):
        state = dict(self.__dict__)
        for name in ("journal", "_lock", "_recorder"):  # an open file, a lock and callbacks belong to this run
            state[name] = None
        state.pop("snapshots", None)  # counts this run's saves
        state["_tuner_time"] = self.tuner_time
        state["_elapsed"] = self.tuning_status.wallclock_time if self.tuning_status is not None else 0.0
        return state

    def __setstate__(self, state):
        # tuner.dill written before these attributes existed
        state.setdefault("_report_error", None)
        state.setdefault("interrupted", False)
        state.setdefault("_folder_taken", True)
        state.setdefault("_lock", None)
        state.setdefault("_name_base", state.get("name", "st-tuner"))
        state.setdefault("wait_trial_completion_when_stopping", False)
        state.setdefault("save_tuner", True)
        state.setdefault("_tuner_time", state.pop("tuner_time", 0.0))
        state.setdefault("_recorder", None)
        state["snapshots"] = SnapshotCount()  # tuner.dill of earlier versions held a schedule
        if "_rules" not in state:  # the rules' state lived in the tuner
            rules = TuningRules(state["scheduler"], state["trial_backend"], state.pop("_report_check", None))
            rules.running = state.pop("_running", set())
            rules.last_results = state.pop("_last_results", {})
            rules.cloned = state.pop("_cloned", set())
            state["_rules"] = rules
        self.__dict__.update(state)

    @staticmethod
    def load(tuner_path: str | Path) -> "Tuner":
        """The tuner saved in ``tuner_path``, an experiment folder or the name of an experiment in
        the results root (as ``load_experiment`` takes it); ``run()`` on it continues the experiment.

        Unpickles ``tuner.dill``: load only experiments you trust.
        """
        path = snapshot_folder(tuner_path)
        tuner = read_snapshot(path)
        tuner.tuner_path = path
        tuner.trial_backend.set_path(results_root=path, tuner_name=tuner.name)
        tuner._resuming = True
        return tuner

    def _replay_journal(self) -> None:
        """Brings the loaded state up to the journal's end: what happened after the last save."""
        status = self.tuning_status or self._new_tuning_status()
        self.tuning_status = status
        status.continue_from(getattr(self, "_elapsed", 0.0))
        recorder = TrialRecorder(status)
        recorder.tuner_time = self._tuner_time
        replayed = replay_journal(self._rules, recorder, self.tuner_path / JOURNAL_NAME, self._journal_lines)
        self._tuner_time = recorder.tuner_time
        status.continue_from(max(status.wallclock_time, self._tuner_time))
        logger.info("Continuing experiment %s after %.1f s of tuning (%d journal records after the last save).",
                    self.name, status.wallclock_time, replayed)

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
