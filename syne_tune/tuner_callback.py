"""Hooks into the tuning loop; StoreResultsCallback writes ``results.csv.zip``."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from syne_tune.backend.trial_status import Trial
from syne_tune.constants import ST_TUNER_TIME
from syne_tune.results_journal import JOURNAL_NAME, journal_rows, rows_frame


class TunerCallback:
    """Base class: every hook does nothing."""

    def on_tuning_start(self, tuner) -> None: ...

    def on_tuning_end(self) -> None: ...

    def on_loop_start(self) -> None: ...

    def on_loop_end(self) -> None: ...

    def on_fetch_status_results(self, trial_status_dict: dict, new_results: list) -> None: ...

    def on_trial_complete(self, trial: Trial, result: dict) -> None: ...

    def on_trial_result(self, trial: Trial, status: str, result: dict, decision: str) -> None: ...

    def on_trial_end(self, trial_id: int, status: str) -> None:
        """Trial ``trial_id`` ended (Completed, Stopped, Failed) or was Paused, as the journal
        records it; called once per end, after the trial's last results row. Trials still running
        when tuning ends are marked Stopped without this call (see ``on_tuning_end``)."""

    def on_result_row(self, row: dict) -> None:
        """The results row of the report just handled (report, decision, status, trial id,
        ``config_*`` and ``st_tuner_time``), as stored in the journal. Do not modify it."""

    def on_tuning_sleep(self, sleep_time: float) -> None: ...


class StoreResultsCallback(TunerCallback):
    """Writes ``<tuner path>/results.csv.zip``: one row per report, with decision, status, trial id,
    config and (``add_wallclock_time``) the tuner time.

    Rows are streamed into the archive as they arrive, so writing costs the same per row
    however long the experiment runs; the file appears complete when tuning ends. While the
    experiment runs (or after a crash), ``journal.jsonl`` holds the same rows: see
    :mod:`syne_tune.results_journal`, which ``load_experiment`` and :meth:`dataframe` read.
    """

    _from_journal = False  # a new column appeared: the table is written from the journal at the end

    def __init__(self, add_wallclock_time: bool = True):
        self.add_wallclock_time = add_wallclock_time
        self._tuner = None
        self._csv: CsvZipWriter | None = None
        self._batch: list[dict] = []  # rows of the current round

    def on_tuning_start(self, tuner) -> None:
        self._tuner = tuner
        # Rows of earlier runs of this experiment (it is being resumed) come first.
        self._csv = CsvZipWriter(Path(tuner.tuner_path) / "results.csv.zip")
        self._from_journal = False
        self._csv.write(self._earlier_rows())

    def _earlier_rows(self) -> list[dict]:
        rows = journal_rows(Path(self._tuner.tuner_path) / JOURNAL_NAME)
        if not self.add_wallclock_time:
            for row in rows:
                row.pop(ST_TUNER_TIME, None)
        return rows

    def on_result_row(self, row: dict) -> None:
        if not self.add_wallclock_time:
            row = {k: v for k, v in row.items() if k != ST_TUNER_TIME}
        self._batch.append(row)

    def on_loop_end(self) -> None:
        self._write_batch()

    def _write_batch(self) -> None:
        """Streams the rows of this round; one call per round keeps the cost per row low."""
        batch, self._batch = self._batch, []
        if self._from_journal or self._csv is None or self._csv.write(batch):
            return
        # A new column appeared: the header changes, so the table is written at the end from the
        # journal, which holds every row (these too).
        self._from_journal = True
        self._csv.restart()

    def on_tuning_end(self) -> None:
        self.write()

    def write(self) -> None:
        """Completes ``results.csv.zip`` with the rows so far (at the end of tuning)."""
        self._write_batch()
        if self._csv is None:
            return
        if self._from_journal:
            self._tuner.journal.flush()
            self._csv.write(self._earlier_rows())
        self._csv.close()
        self._csv = None

    def dataframe(self):
        """All rows of the experiment so far."""
        import pandas as pd

        if self._tuner is None:
            return pd.DataFrame()
        return rows_frame(journal_rows(Path(self._tuner.tuner_path) / JOURNAL_NAME))

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_csv"] = None  # an open archive belongs to this run
        state["_batch"] = []
        state["_tuner"] = None
        return state


class CsvZipWriter:
    """Streams rows as CSV into a zip archive; ``close`` makes ``path`` appear, complete.

    The header is fixed by the first rows written: ``write`` returns False (and writes
    nothing) for rows with a new column, after which the caller ``restart``s with all rows.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._partial = self.path.with_name(self.path.name + ".partial")
        self._columns: list[str] | None = None
        self._column_set: set[str] = set()
        self._archive = self._member = self._text = self._writer = None

    def _open(self, columns: list[str]) -> None:
        self._columns, self._column_set = columns, set(columns)
        self._archive = zipfile.ZipFile(self._partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._member = self._archive.open("results.csv", "w", force_zip64=True)
        # A lone surrogate (a report can carry one as a JSON escape) is written as its escape,
        # not allowed to end the experiment.
        self._text = io.TextIOWrapper(self._member, encoding="utf-8", errors="backslashreplace", newline="")
        self._writer = csv.writer(self._text)
        self._writer.writerow(columns)

    def write(self, rows: list[dict]) -> bool:
        if not rows:
            return True
        if self._columns is None:
            columns = list(dict.fromkeys(key for row in rows for key in row))
            self._open(columns)
        elif any(not self._column_set.issuperset(row) for row in rows):
            return False
        columns = self._columns
        self._writer.writerows([[row.get(c, "") for c in columns] for row in rows])
        return True

    def restart(self) -> None:
        self._discard()
        self._columns = None

    def _discard(self) -> None:
        if self._archive is not None:
            self._text.close()
            self._archive.close()
            self._archive = None
        self._partial.unlink(missing_ok=True)

    def close(self) -> None:
        if self._columns is None:  # no row at all: an empty table, as pandas would write it
            self._open([])
        self._text.close()
        self._archive.close()
        self._archive = None
        self._partial.replace(self.path)
