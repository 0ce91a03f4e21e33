"""Hooks into the tuning loop; StoreResultsCallback writes ``results.csv.zip``."""
from __future__ import annotations

import time
from pathlib import Path

from syne_tune.backend.trial_status import Trial
from syne_tune.constants import ST_CONFIG_PREFIX, ST_DECISION, ST_STATUS, ST_TRIAL_ID, ST_TUNER_TIME


class TunerCallback:
    """Base class: every hook does nothing."""

    def on_tuning_start(self, tuner) -> None: ...

    def on_tuning_end(self) -> None: ...

    def on_loop_start(self) -> None: ...

    def on_loop_end(self) -> None: ...

    def on_fetch_status_results(self, trial_status_dict: dict, new_results: list) -> None: ...

    def on_trial_complete(self, trial: Trial, result: dict) -> None: ...

    def on_trial_result(self, trial: Trial, status: str, result: dict, decision: str) -> None: ...

    def on_tuning_sleep(self, sleep_time: float) -> None: ...


class StoreResultsCallback(TunerCallback):
    """Keeps every report, with decision, status, trial id and config, and writes them.

    Writes ``<tuner path>/results.csv.zip`` at most every ``results_update_interval``
    seconds (taken from the tuner) and once more at the end.
    """

    def __init__(self, add_wallclock_time: bool = True):
        self.add_wallclock_time = add_wallclock_time
        self.rows: list[dict] = []
        self._results_path: Path | None = None
        self._start = time.perf_counter()
        self._interval = 0.0
        self._last_write = 0.0
        self._written_rows = -1

    def on_tuning_start(self, tuner) -> None:
        self._results_path = Path(tuner.tuner_path) / "results.csv.zip"
        self._interval = tuner.results_update_interval
        self._start = time.perf_counter()
        self._last_write = self._start

    def on_trial_result(self, trial: Trial, status: str, result: dict, decision: str) -> None:
        row = dict(result)
        row[ST_DECISION] = decision
        row[ST_STATUS] = status
        row[ST_TRIAL_ID] = trial.trial_id
        for name, value in trial.config.items():
            row[ST_CONFIG_PREFIX + name] = value
        if self.add_wallclock_time:
            row[ST_TUNER_TIME] = time.perf_counter() - self._start
        self.rows.append(row)

    def on_loop_end(self) -> None:
        if time.perf_counter() - self._last_write > self._interval:
            self.write()

    def on_tuning_end(self) -> None:
        self.write()

    def dataframe(self):
        import pandas as pd

        return pd.DataFrame(self.rows)

    def write(self) -> None:
        """Writes all rows so far (a no-op if nothing changed since the last write)."""
        self._last_write = time.perf_counter()
        if self._results_path is None or len(self.rows) == self._written_rows:
            return
        self._results_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._results_path.with_name("results.tmp.csv.zip")
        self.dataframe().to_csv(temporary, index=False, compression={"method": "zip", "archive_name": "results.csv"})
        temporary.replace(self._results_path)
        self._written_rows = len(self.rows)
