"""What a training script calls to report metrics; standard library only.

Each call prints one line ``[tune-metric]: <json>`` to stdout, which the backend
parses. Keeping this module free of numpy & co. keeps every trial's start-up cheap.

Run by a backend that names a report file (``SYNETUNE_REPORT_FILE``, the LocalBackend's
``<trial folder>/reports.jsonl``), each report is also appended there as one JSON line,
before it is printed: a report still in the pipe when the launcher dies is then not lost,
the resumed tuner takes it from the file (:func:`reports_after`).

Run by a backend that names the trial's checkpoint folder (``SYNETUNE_CHECKPOINT_DIR``), each
report first records the folder's fingerprint: the folder is complete then, and a copy of a
running trial's checkpoint waits for that state (:mod:`syne_tune.backend.checkpoint_state`); a
copier that asked the trial to hold finds it waiting there. The script's normal end removes the
record: whatever it wrote is finished.
"""
from __future__ import annotations

import atexit
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from syne_tune import json_values
from syne_tune.constants import (
    METRIC_LINE_PREFIX, ST_WORKER_ITER, ST_WORKER_TIME, ST_WORKER_TIMESTAMP,
)

CHECKPOINT_DIR_ENV = "SYNETUNE_CHECKPOINT_DIR"  # set by the backend: the trial's checkpoint folder
REPORT_FILE_ENV = "SYNETUNE_REPORT_FILE"  # set by the backend: where reports are appended too
REPORT_FILE_NAME = "reports.jsonl"  # in the trial folder; every run of the trial appends to it
_MAX_LINE_BYTES = 50_000
_METRIC_LINE = re.compile(re.escape(METRIC_LINE_PREFIX) + r"(\{.*\})")


@dataclass
class Reporter:
    """Reports metrics of the running trial to the tuner.

    Example: ``report = Reporter(); report(epoch=1, accuracy=0.9)``. Adds
    ``st_worker_timestamp``, ``st_worker_iter`` and (with ``add_time``) ``st_worker_time``.
    """

    add_time: bool = True
    add_cost: bool = True
    iter: int = field(default=0, init=False)

    def __post_init__(self):
        self.start = time.perf_counter()
        self._file = _open_report_file()
        self._checkpoints = _CheckpointRecorder.for_this_process()

    def __call__(self, **kwargs) -> None:
        reserved = [key for key in kwargs if key.startswith("st_")]
        if reserved:
            raise ValueError(
                f"Reporter got the key(s) {reserved}: names starting with 'st_' are reserved "
                "for syne_tune. Rename them.")
        kwargs[ST_WORKER_TIMESTAMP] = time.time()
        if self.add_time:
            kwargs[ST_WORKER_TIME] = time.perf_counter() - self.start
        kwargs[ST_WORKER_ITER] = self.iter
        self.iter += 1
        line = json_values.dumps(kwargs)
        if len(line) > _MAX_LINE_BYTES:
            raise ValueError(
                f"A report must serialize to at most {_MAX_LINE_BYTES} characters; this one has "
                f"{len(line)}. Report scalars, not arrays.")
        if self._checkpoints is not None:  # the checkpoint of this epoch is written: a state to copy
            self._checkpoints.record()
        if self._file is not None:  # first: whatever the tuner receives is in the file
            self._file.write(line + "\n")  # line-buffered: one write(2), in the OS once this returns
        sys.stdout.write(METRIC_LINE_PREFIX + line + "\n")
        sys.stdout.flush()

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_file"] = state["_checkpoints"] = None  # an open file belongs to this process
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._file = _open_report_file()
        self._checkpoints = _CheckpointRecorder.for_this_process()


class _CheckpointRecorder:
    """Records the fingerprint of the checkpoint folder the backend named at each report, and
    removes the record at the script's normal end (not after an uncaught exception: it may have
    struck mid-write; nor one another process wrote since). One per process and folder."""

    _instance: "_CheckpointRecorder | None" = None

    def __init__(self, folder: str):
        from syne_tune.backend.checkpoint_state import Recorder

        self._folder = folder
        self._recorder = Recorder(folder)
        atexit.register(self._at_exit)

    @classmethod
    def for_this_process(cls) -> "_CheckpointRecorder | None":
        folder = os.environ.get(CHECKPOINT_DIR_ENV)
        if not folder:
            return None
        if cls._instance is None or cls._instance._folder != folder:
            cls._instance = cls(folder)
        return cls._instance

    def record(self) -> None:
        self._recorder.record()

    def _at_exit(self) -> None:
        if getattr(sys, "last_value", None) is None:
            self._recorder.remove()


def _open_report_file():
    """The report file the backend named, opened to append lines; None outside syne_tune.

    Not fsync'ed: the file guards against the launcher's death, not the machine's, and a
    line written by a process outlives it (the machine's crash is the journal's fsync's job).
    """
    path = os.environ.get(REPORT_FILE_ENV)
    if not path:
        return None
    try:
        return open(path, "a", encoding="utf-8", buffering=1)
    except OSError as error:
        sys.stderr.write(f"syne_tune: cannot write reports to {path} ({error}); they are only printed, so a "
                         f"launcher killed meanwhile may lose the last ones.\n")
        return None


def retrieve(log_lines: list[str]) -> list[dict]:
    """Parses the metric dicts out of a training script's stdout lines."""
    return [json.loads(match.group(1)) for line in log_lines for match in _METRIC_LINE.finditer(line)]


def parse_metric_line(line: str) -> dict | None:
    """The metric dict of one stdout line, or None if it is not a metric line."""
    if not line.startswith(METRIC_LINE_PREFIX):
        return None
    match = _METRIC_LINE.match(line.rstrip("\n"))
    return json.loads(match.group(1)) if match else None


def report_key(report: dict) -> tuple:
    """What tells two reports of a trial apart: the Reporter's time stamp and count."""
    return report.get(ST_WORKER_TIMESTAMP), report.get(ST_WORKER_ITER)


def reports_after(path: str | Path, last: dict | None) -> list[dict] | None:
    """The reports of the report file ``path`` written after ``last`` (all if None), oldest first.

    None if ``last`` is not in the file (the file is missing, or the script printed that report
    without Reporter): then nothing can be told apart, and nothing should be taken from the file.
    Only the lines after ``last`` are parsed; a line a killed process left unfinished is skipped.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return [] if last is None else None
    if last is None:
        return _parse_lines(data)
    needle = f'"{ST_WORKER_TIMESTAMP}": {json.dumps(last.get(ST_WORKER_TIMESTAMP))}'.encode()
    end = len(data)
    while (found := data.rfind(needle, 0, end)) >= 0:
        line_start, line_end = data.rfind(b"\n", 0, found) + 1, data.find(b"\n", found)
        line_end = len(data) if line_end < 0 else line_end
        held = _parse_lines(data[line_start:line_end])
        if held and report_key(held[0]) == report_key(last):
            return _parse_lines(data[line_end + 1:])
        end = found
    return None


def _parse_lines(data: bytes) -> list[dict]:
    reports = []
    for line in data.splitlines():
        try:
            report = json.loads(line)
        except ValueError:  # a line cut by a kill
            continue
        if isinstance(report, dict):
            reports.append(report)
    return reports
