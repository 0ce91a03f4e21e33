"""Continuing a killed experiment: the journal's records after the last save, fed through the loop's rules.

A report, a pause, a stop and an end take the same path as in the live loop
(:class:`syne_tune.tuner_rules.TuningRules`); only their effects differ: the trials' processes
are long gone, so ending a trial marks it ended in the backend, and the rows are in the journal
already, so nothing is written again. A start or resume asks the scheduler again (see
:func:`replay_suggestion`), so that it is in the state it was in when the launcher died.
"""
from __future__ import annotations

import logging
from pathlib import Path

from syne_tune.backend.trial_status import Status, Trial
from syne_tune.constants import ST_STATUS, ST_TRIAL_ID, ST_TUNER_TIME
from syne_tune.results_journal import ST_EVENT, journal_form, last_result_rows, read_journal, report_of_row
from syne_tune.tuner_record import TrialRecorder
from syne_tune.tuner_rules import TuningRules

logger = logging.getLogger(__name__)


class _EndedProcesses:
    """The backend as a replay sees it: ending a trial only records how it ended."""

    delete_checkpoints = False  # done, if asked for, when the trial ended live

    def __init__(self, backend):
        self._backend = backend

    def _mark(self, trial_id: int, status: str) -> list[dict]:
        self._backend.mark_ended(trial_id, status)
        return []

    def stop_trial(self, trial_id: int, result: dict | None = None) -> list[dict]:
        return self._mark(trial_id, Status.stopped)

    def pause_trial(self, trial_id: int, result: dict | None = None) -> list[dict]:
        return self._mark(trial_id, Status.paused)

    def complete_trial(self, trial_id: int) -> list[dict]:
        return self._mark(trial_id, Status.completed)

    def fail_trial(self, trial_id: int, reason: str) -> list[dict]:
        return self._mark(trial_id, Status.failed)

    def __getattr__(self, name):  # end_status, mark_ended, stderr, ...: the real backend's
        return getattr(self._backend, name)


def replay_journal(rules: TuningRules, recorder: TrialRecorder, journal: Path, start: int) -> int:
    """Feeds the journal's records from line ``start`` on through ``rules``; returns how many.

    ``recorder`` is the replay's (no journal): it keeps the tuning status and the tuner time."""
    backend = rules.backend
    rules.backend, rules.recorder, rules.quiet = _EndedProcesses(backend), recorder, True
    schedulers = logging.getLogger("syne_tune.optimizer")  # what they log, the live run logged
    level = schedulers.level
    schedulers.setLevel(max(logging.WARNING, schedulers.getEffectiveLevel()))
    replayed = 0
    try:
        for record in read_journal(journal, start=start):
            tuner_time = record.get(ST_TUNER_TIME)  # a report's, or a ``time`` event's
            if isinstance(tuner_time, (int, float)):
                recorder.tuner_time = max(recorder.tuner_time, tuner_time)
            trial_id = record.get(ST_TRIAL_ID)
            if not isinstance(trial_id, int):
                continue
            replayed += 1
            event = record.get(ST_EVENT)
            known = backend.knows(trial_id)
            if event == "start" and not known:
                replay_suggestion(rules, trial_id, record, new_trial=True)
            elif not known:
                continue
            elif event == "resume":
                replay_suggestion(rules, trial_id, record, new_trial=False)
            elif event == "restart":  # restarted after an earlier crash: running as far as the scheduler knows
                backend.mark_running(trial_id, record.get("config"))
                rules.trial_resumed(backend.trial(trial_id))
            elif event == "end":
                _replay_end(rules, backend.trial(trial_id), record.get("status"))
            elif event is None:
                _replay_report(rules, backend.trial(trial_id), record)
    finally:
        rules.backend, rules.recorder, rules.quiet = backend, None, False
        schedulers.setLevel(level)
    return replayed


def unreceived_reports(backend, running: set[int], journal: Path) -> dict[int, list[dict]]:
    """What the ``running`` trials printed that never reached the journal (in the pipe when the
    launcher died), by trial, from the copy the backend kept.

    Their trials had checkpointed past them: restarted, they would never print them again.
    """
    last = last_result_rows(journal, running) if running else {}
    unread = {}
    for trial_id in sorted(running):
        unreceived = backend.unreceived_reports(trial_id, last.get(trial_id))
        if unreceived is None:
            logger.warning("Trial %d: its last stored report is not in the copy of its reports, so reports "
                           "it printed just before the launcher died may be missing.", trial_id)
        elif unreceived:
            unread[trial_id] = unreceived
    if unread:
        logger.info("Storing %d report(s) that running trials printed before the launcher died, unread.",
                    sum(map(len, unread.values())))
    return unread


def _replay_report(rules: TuningRules, trial: Trial, row: dict) -> None:
    """A report, handled as the live loop handled it: by the rules for a running trial's report,
    or for a late one if the trial had ended by then."""
    result = report_of_row(row)
    if trial.trial_id in rules.running:
        rules.handle_results({trial.trial_id: (trial, Status.in_progress)}, [(trial.trial_id, result)])
    else:
        rules.late_reports(trial, row.get(ST_STATUS) or Status.stopped, [result])


def _replay_end(rules: TuningRules, trial: Trial, status: str) -> None:
    """A trial's end: by itself if the rules still count it running, else the end of a decision
    already replayed (the journal's status holds: e.g. Completed for a script that had ended)."""
    if trial.trial_id in rules.running:
        rules.handle_results({trial.trial_id: (trial, status)}, [])
    rules.backend.mark_ended(trial.trial_id, status)
    rules.recorder.tuning_status.update({trial.trial_id: (trial, status)}, [])


def replay_suggestion(rules: TuningRules, trial_id: int, record: dict, new_trial: bool) -> None:
    """A trial started or resumed after the last save: the scheduler is asked again.

    Replayed in journal order, the scheduler is in the state it was in when it made that
    suggestion, so a scheduler whose randomness is seeded makes it again and knows the trial
    as it did then; the trial restarts from its checkpoint like every running trial. A
    model-based searcher is handed the journaled config rather than searching again (see
    ``BaseSearcher.replays_by_asking``): replaying a long run costs no model fit. If the
    scheduler now answers differently, its answer is withdrawn and the trial ends Stopped
    (the scheduler is told it failed, so it never resumes it).
    """
    backend, scheduler, config = rules.backend, rules.scheduler, record.get("config") or {}
    searcher = getattr(scheduler, "searcher", None)
    handed = new_trial and not getattr(searcher, "replays_by_asking", True)
    if handed:  # a model-based searcher is spared recomputing the suggestion
        searcher.hand_journaled(_searcher_config(searcher, config))
    try:
        suggestion = scheduler.suggest(trial_id if new_trial else backend.new_trial_id())
    finally:
        if handed:
            searcher.hand_journaled(None)  # unused if the scheduler did not ask its searcher
    if _same_suggestion(suggestion, trial_id, record, new_trial):
        backend.mark_running(trial_id, config)
        trial = backend.trial(trial_id)
        if new_trial:
            rules.trial_started(trial, record.get("checkpoint_trial_id"))
        else:
            rules.trial_resumed(trial)
        return
    logger.warning("Trial %d was %s after tuner.dill was last saved; asked again, the scheduler suggests %s: "
                   "trial %d ends Stopped.", trial_id, "started" if new_trial else "resumed", suggestion, trial_id)
    _withdraw(rules, suggestion, trial_id, new_trial)
    backend.mark_ended(trial_id, Status.stopped, config)
    trial = backend.trial(trial_id)
    if not new_trial or (suggestion is not None and suggestion.spawn_new_trial_id):
        # the scheduler knows the trial (from before the save, or just now under its id): never to resume it
        scheduler.on_trial_error(trial)
    rules.recorder.tuning_status.update({trial_id: (trial, Status.stopped)}, [])


def _searcher_config(searcher, config: dict) -> dict | None:
    """The journaled ``config`` as the searcher suggested it: its hyperparameters, cast by their
    domains (the journal holds JSON values); None if one is missing."""
    space = searcher.config_space
    if any(name not in config for name in searcher.hyperparameter_keys):
        return None
    return {name: space[name].cast(config[name]) for name in searcher.hyperparameter_keys}


def _withdraw(rules: TuningRules, suggestion, trial_id: int, new_trial: bool) -> None:
    """Undoes what the replay's ``suggestion`` made the scheduler believe, where the journal
    shows no such thing (a start under ``trial_id`` itself is undone with that trial)."""
    if suggestion is None:
        return
    backend, scheduler = rules.backend, rules.scheduler
    if suggestion.spawn_new_trial_id:
        if not new_trial:  # under the next trial id, which the next started trial gets
            scheduler.on_trial_error(Trial(trial_id=backend.new_trial_id(), config=suggestion.config))
    elif suggestion.checkpoint_trial_id != trial_id:  # a paused trial it now counts as running
        other = backend.trial(suggestion.checkpoint_trial_id)
        scheduler.on_trial_error(other)
        backend.mark_ended(other.trial_id, Status.stopped)
        rules.recorder.tuning_status.update({other.trial_id: (other, Status.stopped)}, [])


def _same_suggestion(suggestion, trial_id: int, record: dict, new_trial: bool) -> bool:
    """True if ``suggestion`` is what the journal ``record`` says was done for ``trial_id``."""
    if suggestion is None or suggestion.spawn_new_trial_id != new_trial:
        return False
    if suggestion.config is not None and journal_form(suggestion.config) != record.get("config"):
        return False
    if new_trial:
        return suggestion.checkpoint_trial_id == record.get("checkpoint_trial_id")
    return suggestion.checkpoint_trial_id == trial_id
