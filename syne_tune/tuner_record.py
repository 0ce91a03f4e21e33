"""What the Tuner writes down for each report: one journal row, the callbacks told, the status counted.

Live, every report becomes a row of ``journal.jsonl`` and reaches the callbacks (among them the
one writing ``results.csv.zip``). Replaying a journal on resume, the rows are there already:
the same reports only update the tuning status (see :mod:`syne_tune.tuner_replay`).
"""
from __future__ import annotations

from syne_tune.backend.trial_process import PrintedReport
from syne_tune.backend.trial_status import Trial
from syne_tune.constants import ST_TUNER_TIME
from syne_tune.results_journal import ResultsJournal, config_columns, results_row, row_fields
from syne_tune.tuning_status import TuningStatus


class TrialRecorder:
    """Journals reports and trial events, tells the callbacks, keeps the tuning status.

    ``journal=None`` records for a replay: the journal holds these rows already and the
    callbacks saw them when they happened; the tuner time is then the one each row carries.
    """

    def __init__(self, tuning_status: TuningStatus, journal: ResultsJournal | None = None,
                 callbacks: list | None = None):
        self.tuning_status = tuning_status
        self.journal = journal
        self.callbacks = callbacks or []
        self.tuner_time = 0.0  # seconds of tuning, as of the report being recorded
        self._columns: dict[int, tuple[dict, dict]] = {}  # trial id -> (config, its config_* columns)
        self._row_fields: dict[int, dict[tuple, tuple[dict, str]]] = {}  # trial -> (status, decision) -> (columns, JSON)

    def report(self, trial: Trial, status: str, result: dict, decision: str) -> None:
        """Records ``result`` of ``trial`` with the decision taken on it and the trial's status."""
        if self.journal is None:  # a replay: the tuner time is the row's, set by the replay
            self.tuning_status.add_result(trial.trial_id, result)
            return
        self.tuner_time = self.tuning_status.wallclock_time
        columns = self._config_columns(trial)
        row = results_row(trial.trial_id, columns, status, result, decision, self.tuner_time)
        if isinstance(result, PrintedReport):
            # the report as printed, the rest of the row encoded once per trial, status and decision
            self.journal.add_printed_row(result.printed, self._fields(trial.trial_id, columns, status, decision),
                                         self.tuner_time)
        else:
            self.journal.add_row(row)
        for callback in self.callbacks:
            callback.on_trial_result(trial, status, result, decision)
            callback.on_result_row(row)
        self.tuning_status.add_result(trial.trial_id, result)

    def event(self, event: str, trial_id: int, **fields) -> None:
        """Journals a trial event (``start``, ``resume``, ``restart``, ``end``) and tells the callbacks of
        an end; nothing in a replay."""
        if self.journal is None:
            return
        self.journal.add_event(event, trial_id, **fields)
        if event == "end":
            for callback in self.callbacks:
                callback.on_trial_end(trial_id, fields.get("status"))

    def clock(self) -> None:
        """Journals the tuner's time (a ``time`` event, no trial): a quiet journal still tells a
        resume how long the killed run had lasted."""
        if self.journal is not None:
            self.journal.add_event("time", None, **{ST_TUNER_TIME: self.tuning_status.wallclock_time})

    def write_ahead(self, event: str, trial_id: int, **fields) -> None:
        """Journals an event and hands it to the OS before its effect (e.g. a process) exists."""
        self.event(event, trial_id, **fields)
        if self.journal is not None:
            self.journal.flush()

    def forget(self, trial_id: int) -> None:
        """Drops the row caches of an ended trial, so memory does not grow with ended trials."""
        self._columns.pop(trial_id, None)
        self._row_fields.pop(trial_id, None)

    def _fields(self, trial_id: int, columns: dict, status: str, decision: str) -> str:
        cache = self._row_fields.get(trial_id)
        if cache is None:
            cache = self._row_fields[trial_id] = {}
        fields = cache.get((status, decision))
        if fields is None or fields[0] is not columns:
            fields = cache[status, decision] = (columns, row_fields(trial_id, columns, status, decision))
        return fields[1]

    def _config_columns(self, trial: Trial) -> dict:
        """The trial's ``config_*`` columns, built once per config (a resumed trial may get a new one)."""
        cached = self._columns.get(trial.trial_id)
        if cached is None or cached[0] is not trial.config:
            cached = self._columns[trial.trial_id] = (trial.config, config_columns(trial.config))
        return cached[1]
