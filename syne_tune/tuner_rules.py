"""The loop's rules: what a report, a late report and a trial's end do to the scheduler and the trial.

One set of rules for the live loop and for a journal replayed on resume: the Tuner hands them
reports as they arrive from the backend; :mod:`syne_tune.tuner_replay` hands them the journal's
records, with a backend that only marks trials ended (their processes are long gone) and a
recorder that writes nothing (the journal holds the rows already).

- A report the scheduler can use is passed to it; its decision is carried out (a STOP that
  means "done", e.g. at ``max_t``, ends the trial Completed; PAUSE pauses it).
- A report without a numeric value of a metric fails that trial only.
- A late report (printed after the decision that ended its trial, before its process ended)
  is passed to the scheduler too, which learns from it; a paused trial it answers with STOP is
  never resumed (Completed if the scheduler says it is done).
- A trial that ends by itself: Completed (the scheduler gets its last report), or Failed if it
  never reported; a failed or stopped trial's stderr tail is logged.
"""
from __future__ import annotations

import logging

from syne_tune.backend.trial_status import Status, Trial
from syne_tune.constants import ST_WORKER_TIMESTAMP
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialScheduler, metric_value_error
from syne_tune.report_check import RequiredAttributesCheck, how_to_report
from syne_tune.tuner_record import TrialRecorder

logger = logging.getLogger(__name__)

_STDERR_TAIL_LINES = 20


class TuningRules:
    """The state the rules keep: trials running, their last reports, and the first reports' check.

    ``recorder`` is set for each run (live) or replay; ``quiet`` (a replay) logs no trial's
    failure again.
    """

    def __init__(self, scheduler: TrialScheduler, backend, report_check: RequiredAttributesCheck | None):
        self.scheduler = scheduler
        self.backend = backend
        self.report_check = report_check  # watches the first trials' reports; None once judged
        self.running: set[int] = set()  # trials running (or to be restarted when resumed)
        self.last_results: dict[int, dict] = {}
        self.cloned: set[int] = set()  # trials started from another trial's checkpoint
        self.recorder: TrialRecorder | None = None
        self.quiet = False

    def __getstate__(self):
        state = dict(self.__dict__)
        state["recorder"] = None  # journal and callbacks belong to a run
        return state

    # -- starts ----------------------------------------------------------------------------------
    def trial_started(self, trial: Trial, checkpoint_trial_id: int | None) -> None:
        """A new trial runs (or, replayed, ran): the scheduler, the check and the status know it."""
        if checkpoint_trial_id is not None:
            self.cloned.add(trial.trial_id)
        self.scheduler.on_trial_add(trial)
        self.running.add(trial.trial_id)
        if self.report_check is not None:
            self.report_check.on_trial_start(trial.trial_id)
        self.recorder.tuning_status.trial_started(trial)

    def trial_resumed(self, trial: Trial) -> None:
        """A paused trial runs again (the scheduler resumed it, or a resume restarted it)."""
        self.running.add(trial.trial_id)
        self.recorder.tuning_status.trial_started(trial)

    def restart_running(self) -> None:
        """Trials that were running when a killed experiment ended continue from their checkpoints."""
        for trial_id in sorted(self.running):
            if self.backend.has_checkpoint(trial_id):
                logger.info("trial %d restarts from its checkpoint", trial_id)
            else:
                logger.info("trial %d restarts from scratch (it wrote no checkpoint)", trial_id)
            self.backend.restart_trial(trial_id)
            trial = self.backend.trial(trial_id)
            self.recorder.event("restart", trial_id, config=trial.config)
            self.recorder.tuning_status.trial_started(trial)

    # -- reports and ends ------------------------------------------------------------------------
    def handle_unread(self, unread: dict[int, list[dict]]) -> None:
        """Handles reports of running trials read outside the loop (those printed before the final
        stop, or never journaled before a launcher died), in the order the backend delivers reports."""
        if not unread:
            return
        statuses = {trial_id: (self.backend.trial(trial_id), Status.in_progress) for trial_id in unread}
        reports = [(trial_id, report) for trial_id, trial_reports in unread.items() for report in trial_reports]
        reports.sort(key=lambda item: item[1].get(ST_WORKER_TIMESTAMP, 0.0))
        self.handle_results(statuses, reports)

    def handle_results(self, statuses: dict[int, tuple[Trial, str]], new_results: list[tuple[int, dict]]) -> None:
        """Carries out the scheduler's decision on each report, then records the trials that ended."""
        recorder = self.recorder
        for callback in recorder.callbacks:
            callback.on_fetch_status_results(statuses, new_results)
        ended: dict[int, str] = {}  # trials that ended in this round, by the tuner's decision
        late: dict[int, list[dict]] = {}  # reports still queued when the tuner ended the trial
        check = self.report_check
        for trial_id, result in new_results:
            if check is not None:
                check.on_report(trial_id, result)
            trial, status = statuses[trial_id]
            if trial_id in ended:  # printed after the decision, before its process ended
                ended[trial_id] = self.late_reports(trial, ended[trial_id], [result])
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
            statuses[trial_id] = (trial, self.late_reports(trial, status, queued, decision))
        for trial_id, (trial, status) in statuses.items():
            if status == Status.in_progress:
                continue
            if check is not None:
                check.on_trial_end(trial_id, exited_by_itself=status == Status.completed)
            if trial_id not in ended:  # ended by itself
                status = self._on_trial_end(trial, status)
                statuses[trial_id] = (trial, status)
            self.ended(trial_id, status)
        recorder.tuning_status.update(statuses, [])

    def ended(self, trial_id: int, status: str) -> None:
        """Journals a trial's end and drops what only a running trial needs (a paused trial keeps
        its last report and checkpoint: it may be resumed)."""
        self.recorder.event("end", trial_id, status=status)
        self.running.discard(trial_id)
        self.recorder.forget(trial_id)
        if status != Status.paused:
            self.last_results.pop(trial_id, None)
            self.cloned.discard(trial_id)
            if self.backend.delete_checkpoints:
                self.backend.delete_checkpoint(trial_id)

    def _on_report(self, trial: Trial, status: str, result: dict) -> tuple[str | None, str, list[dict]]:
        """Handles one report of a running trial.

        Returns the decision that ended it (or None), its status, and the reports it printed
        that were still queued when it ended (to be stored after the round's reports).
        """
        record = self.recorder.report
        error = self.metric_error(trial.trial_id, result)
        if error is not None:
            record(trial, Status.failed, result, SchedulerDecision.STOP)
            return SchedulerDecision.STOP, Status.failed, self._fail_trial(trial, error)
        self.last_results[trial.trial_id] = result
        decision = self.scheduler.on_trial_result(trial, result)
        if decision == SchedulerDecision.STOP:
            # Completed if the scheduler's STOP means "done" (e.g. max_t reached) or its script had ended.
            ended_by_itself = status == Status.completed
            if not ended_by_itself:
                status = Status.completed if self.scheduler.is_trial_done(trial) else Status.stopped
            record(trial, status, result, decision)
            if ended_by_itself:
                queued = []
            elif status == Status.completed:
                queued = self.backend.complete_trial(trial.trial_id)
            else:
                queued = self.backend.stop_trial(trial.trial_id, result=result)
            self.scheduler.on_trial_remove(trial)
        elif decision == SchedulerDecision.PAUSE:
            record(trial, Status.paused, result, decision)
            queued = self.backend.pause_trial(trial.trial_id, result=result)
            self.scheduler.on_trial_remove(trial)
        else:
            record(trial, status, result, decision)
            return None, status, []
        # Paused, Stopped or Completed (done, or its script had finished before the stop reached it).
        return decision, self.backend.end_status(trial.trial_id) or status, queued

    def late_reports(self, trial: Trial, status: str, reports: list[dict], decision: str | None = None) -> str:
        """Keeps reports a trial printed after it was paused or stopped; the scheduler learns from them.

        Returns the trial's status: a paused or stopped trial whose late report finishes it (the
        scheduler says so, e.g. it reached ``max_t``) is Completed from then on (a paused one is
        never resumed). Each
        report is recorded with the decision that holds for its trial (PAUSE while paused, else
        STOP); ``decision`` (a failed trial's STOP) is recorded without asking the scheduler.
        """
        for result in reports:
            if decision is None and status != Status.failed and self.metric_error(trial.trial_id, result) is None:
                self.last_results[trial.trial_id] = result
                paused = status == Status.paused
                if self.scheduler.on_trial_late_result(trial, result, paused) and status != Status.completed:
                    status = Status.completed
                    self.backend.mark_ended(trial.trial_id, status)
            late_decision = decision or (SchedulerDecision.PAUSE if status == Status.paused else SchedulerDecision.STOP)
            self.recorder.report(trial, status, result, late_decision)
        return status

    def metric_error(self, trial_id: int, result: dict) -> str | None:
        """Why ``result`` cannot be used (a metric missing or not a number), or None."""
        for metric in self.scheduler.metric_names():
            if type(result.get(metric)) is not float:  # the common case costs one check
                error = metric_value_error(trial_id, result, metric)
                if error is not None:
                    return error
        return None

    def _fail_trial(self, trial: Trial, reason: str) -> list[dict]:
        """Ends a trial that reported garbage; returns the reports it had still queued."""
        queued = self.backend.fail_trial(trial.trial_id, reason)
        if not self.quiet:
            logger.error("%s", reason)
        self.scheduler.on_trial_error(trial)
        return queued

    def _on_trial_end(self, trial: Trial, status: str) -> str:
        """Tells the scheduler how a trial ended by itself; returns its status (Completed becomes
        Failed for a trial that never reported)."""
        if status == Status.completed:
            return self._on_completed(trial)
        if status in (Status.failed, Status.stopped):
            if not self.quiet:
                tail = "".join(self.backend.stderr(trial.trial_id)[-_STDERR_TAIL_LINES:])
                logger.error("Trial %d %s with config %s. Last lines of its stderr:\n%s",
                             trial.trial_id, status.lower(), trial.config, tail or "(empty)")
            self.scheduler.on_trial_error(trial)
        return status

    def _on_completed(self, trial: Trial) -> str:
        result = self.last_results.get(trial.trial_id)
        if result is None and trial.trial_id in self.cloned:
            # e.g. a PBT clone of a trial that reached its last epoch meanwhile: nothing was left to do
            if not self.quiet:
                logger.info("Trial %d started from another trial's checkpoint and ended without a report: that "
                            "checkpoint had nothing left to train.", trial.trial_id)
            self.scheduler.on_trial_error(trial)  # no result to learn from
            return Status.completed
        if result is None:
            self._fail_trial(trial, self._no_report_error(trial.trial_id))
            return Status.failed
        self.scheduler.on_trial_complete(trial, result)
        for callback in self.recorder.callbacks:
            callback.on_trial_complete(trial, result)
        return Status.completed

    def _no_report_error(self, trial_id: int) -> str:
        required = self.scheduler.required_attributes()
        metrics = ", ".join(repr(name) for name in self.scheduler.metric_names())
        return (f"Trial {trial_id} ended without a single report, so there is no value of {metrics}: its script "
                f"finished without calling Reporter (printing values does not report them). The trial counts as "
                f"failed. Report from the training script: {how_to_report(required)}")
