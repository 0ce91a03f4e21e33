"""The experiment's journal: every report and every trial event, appended as one JSON line each.

``<tuner path>/journal.jsonl`` is the durable record of an experiment. The tuner appends to it
as reports arrive and flushes it every loop round, so reports survive the launcher's death
(SIGKILL included); it is fsync'ed at most once per second. ``results.csv.zip`` is built from
the same rows, ``load_experiment`` reads the journal of a running or crashed experiment, and
``Tuner.load(...).run()`` replays its tail to continue a killed experiment.

Lines are either result rows (the report plus ``st_decision``, ``st_status``, ``trial_id``,
``config_<name>`` and ``st_tuner_time``) or events, which carry ``st_event``:
``start`` (trial_id, config, checkpoint_trial_id), ``resume`` (trial_id, config: resumed by the
scheduler), ``restart`` (trial_id, config: running when a killed experiment ended, restarted when
it was continued) and ``end`` (trial_id, status).
A row may hold its report under ``st_report``, as the JSON text the trial printed (writing it
as it is saves encoding it again); :func:`read_journal` flattens such rows.
"""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from syne_tune import json_values
from syne_tune.constants import ST_CONFIG_PREFIX, ST_DECISION, ST_STATUS, ST_TRIAL_ID, ST_TUNER_TIME

logger = logging.getLogger(__name__)

JOURNAL_NAME = "journal.jsonl"
ST_EVENT = "st_event"
ST_REPORT = "st_report"  # a row's report as the trial printed it (flattened when read)
_SYNC_SECONDS = 1.0
_ROW_KEYS = (ST_DECISION, ST_STATUS, ST_TRIAL_ID, ST_TUNER_TIME)


def config_columns(config: dict) -> dict:
    """The ``config_<name>`` columns of a trial's rows."""
    return {ST_CONFIG_PREFIX + name: value for name, value in config.items()}


def results_row(trial_id: int, columns: dict, status: str, result: dict, decision: str,
                tuner_time: float | None) -> dict:
    """One row of the results: the report with the decision, status, trial id, the trial's
    :func:`config_columns` and the tuner time."""
    row = {**result, ST_DECISION: decision, ST_STATUS: status, ST_TRIAL_ID: trial_id, **columns}
    if tuner_time is not None:
        row[ST_TUNER_TIME] = tuner_time
    return row


def row_fields(trial_id: int, columns: dict, status: str, decision: str) -> str:
    """The JSON members of a row besides the report and the tuner time (for ``add_printed_row``)."""
    return _encode({ST_DECISION: decision, ST_STATUS: status, ST_TRIAL_ID: trial_id, **columns})[1:-1]


def report_of_row(row: dict) -> dict:
    """The report a result row was made from (what the trial printed)."""
    return {k: v for k, v in row.items() if k not in _ROW_KEYS and not k.startswith(ST_CONFIG_PREFIX)}


_encode = json.JSONEncoder(default=json_values.to_builtin_or_str).encode


def journal_form(value):
    """``value`` as the journal gives it back (a JSON round trip): to compare with what it holds."""
    return json.loads(_encode(value))


class ResultsJournal:
    """Appends rows and events to ``path``; ``flush`` hands them to the OS (crash-safe)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        _end_with_newline(self.path)  # a line cut by a crash must not swallow the next one
        self._file = open(self.path, "a", encoding="utf-8")
        self._pending: list[str] = []
        self._unsynced = False
        self._last_sync = self._last_write = time.monotonic()
        self.lines = count_lines(self.path)  # lines written so far, this run's and earlier ones

    def add_row(self, row: dict) -> None:
        self._pending.append(_encode(row))

    def add_printed_row(self, printed: str, fields: str, tuner_time: float) -> None:
        """A row whose report is the JSON text ``printed`` by the trial, with the rest of the row
        (``fields``: :func:`row_fields`), so the report is not encoded again."""
        self._pending.append(f'{{"{ST_REPORT}":{printed},{fields},"{ST_TUNER_TIME}":{tuner_time!r}}}')

    def add_event(self, event: str, trial_id: int | None, **fields) -> None:
        self._pending.append(_encode({ST_EVENT: event, ST_TRIAL_ID: trial_id, **fields}))

    def quiet(self) -> bool:
        """True if nothing was written for a second (the fsync period): the tuner then journals
        its time, so a resume counts the time spent to within a second (see TrialRecorder.clock)."""
        return not self._pending and time.monotonic() - self._last_write >= _SYNC_SECONDS

    @property
    def unsynced(self) -> bool:
        """True while some lines are not yet fsync'ed to disk."""
        return bool(self._pending) or self._unsynced

    def flush(self, sync: bool = False) -> None:
        """Writes pending lines; fsyncs when ``sync`` or a second passed since the last fsync."""
        if self._pending:
            self._file.write("\n".join(self._pending) + "\n")
            self.lines += len(self._pending)
            self._pending = []
            self._last_write = time.monotonic()
            self._file.flush()
            self._unsynced = True
        if self._unsynced and (sync or time.monotonic() - self._last_sync >= _SYNC_SECONDS):
            os.fsync(self._file.fileno())
            self._unsynced = False
            self._last_sync = time.monotonic()

    def close(self) -> None:
        if not self._file.closed:
            self.flush(sync=True)
            self._file.close()


def _end_with_newline(path: Path) -> None:
    if path.exists() and path.stat().st_size:
        with open(path, "rb+") as stream:
            stream.seek(-1, os.SEEK_END)
            if stream.read(1) != b"\n":
                stream.write(b"\n")


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with open(path, "rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))


def read_journal(path: Path, start: int = 0) -> list[dict]:
    """Records of the journal from line ``start`` on; unreadable lines (a write cut by a crash) are skipped."""
    records, bad = [], 0
    if not Path(path).exists():
        return records
    with open(path, encoding="utf-8", errors="replace") as stream:
        for number, line in enumerate(stream):
            if number < start or not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if isinstance(record, dict):
                records.append(_flattened(record))
    if bad:
        logger.warning("Skipped %d unreadable line(s) of %s (cut by a crash?).", bad, path)
    return records


def _flattened(record: dict) -> dict:
    """A journal record with the report it holds as printed text (``st_report``) merged in."""
    report = record.pop(ST_REPORT, None)
    return {**report, **record} if isinstance(report, dict) else record


def count_result_rows(path: Path) -> int:
    """Result rows (not events, not lines cut by a crash) in the journal at ``path``; 0 if missing."""
    if not Path(path).exists():
        return 0
    event = b'{"' + ST_EVENT.encode() + b'":'
    with open(path, "rb") as stream:
        return sum(1 for line in stream if not line.startswith(event) and line.rstrip().endswith(b"}"))


def count_table_rows(path: Path) -> int:
    """Data rows of a ``results.csv.zip`` (or plain ``.csv``) table; 0 if missing or empty."""
    import csv
    import io
    import zipfile

    if not Path(path).exists():
        return 0
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as member:
            return max(sum(1 for _ in csv.reader(io.TextIOWrapper(member, encoding="utf-8", errors="replace"))) - 1, 0)
    with open(path, encoding="utf-8", errors="replace", newline="") as stream:
        return max(sum(1 for _ in csv.reader(stream)) - 1, 0)


def check_resume_keeps_results(experiment: Path) -> None:
    """Refuses to continue an experiment whose journal holds fewer result rows than its results
    table: continuing rebuilds the table from the journal, which would lose the difference."""
    journal, table = Path(experiment) / JOURNAL_NAME, Path(experiment) / "results.csv.zip"
    in_table = count_table_rows(table)
    if not in_table:
        return
    in_journal = count_result_rows(journal)
    if in_journal < in_table:
        state = "is missing" if not journal.exists() else f"holds {in_journal} result rows"
        raise RuntimeError(
            f"The experiment {experiment} cannot be continued: its {JOURNAL_NAME} {state}, but "
            f"results.csv.zip holds {in_table} (was the journal deleted or truncated?). Continuing would "
            f"rebuild results.csv.zip from the journal and lose {in_table - in_journal} rows, so nothing was "
            f"changed. Restore {JOURNAL_NAME} to continue; load_experiment still reads the complete table.")


def rows_frame(rows: list[dict]):
    """A DataFrame of result rows. A lone surrogate in a string (which pandas' pyarrow-backed
    strings cannot hold) becomes its backslash escape, as in ``results.csv.zip``."""
    import pandas as pd

    try:
        return pd.DataFrame(rows)
    except UnicodeEncodeError:
        return pd.DataFrame([{key: _escaped(value) for key, value in row.items()} for row in rows])


def _escaped(value):
    return value.encode("utf-8", "backslashreplace").decode("utf-8") if isinstance(value, str) else value


def journal_rows(path: Path) -> list[dict]:
    """The result rows of a journal, in the order they were written."""
    return [record for record in read_journal(path) if ST_EVENT not in record]


def last_result_rows(path: Path, trial_ids: set[int]) -> dict[int, dict]:
    """The last result row of each of ``trial_ids`` that has one in the journal at ``path``.

    Reads the journal backwards, until each trial's last row or its start event: only the tail
    of a long journal, as the trials asked for are the running ones.
    """
    last, pending = {}, set(trial_ids)
    for line in _lines_backwards(path):
        if not pending:
            break
        try:
            record = json.loads(line)
        except ValueError:  # cut by a crash
            continue
        trial_id = record.get(ST_TRIAL_ID) if isinstance(record, dict) else None
        if trial_id not in pending:
            continue
        if ST_EVENT not in record:
            last[trial_id] = _flattened(record)
            pending.discard(trial_id)
        elif record[ST_EVENT] == "start":  # no row comes before a trial's start
            pending.discard(trial_id)
    return last


def _lines_backwards(path: Path, block: int = 1 << 20):
    """The non-empty lines of ``path``, last first (nothing if it is missing)."""
    try:
        stream = open(path, "rb")
    except FileNotFoundError:
        return
    with stream:
        position = stream.seek(0, os.SEEK_END)
        rest = b""
        while position > 0:
            size = min(block, position)
            position -= size
            stream.seek(position)
            lines = (stream.read(size) + rest).split(b"\n")
            rest = lines.pop(0)  # may continue in the block before
            for line in reversed(lines):
                if line.strip():
                    yield line
        if rest.strip():
            yield rest


def trial_records(path: Path, ended: bool) -> tuple[dict[int, str], dict[int, dict]]:
    """(status, config) of every trial the journal's events name.

    A trial without an end event was running when the journal was last written: it is
    "InProgress", or "Stopped" if the experiment ``ended`` (the tuner stops such trials).
    """
    statuses, configs = {}, {}
    for record in read_journal(path):
        event, trial_id = record.get(ST_EVENT), record.get(ST_TRIAL_ID)
        if event in ("start", "resume", "restart"):
            statuses[trial_id] = "Stopped" if ended else "InProgress"
            if isinstance(record.get("config"), dict):
                configs[trial_id] = record["config"]
        elif event == "end":
            statuses[trial_id] = record.get("status")
    return statuses, configs
