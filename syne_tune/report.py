"""What a training script calls to report metrics; standard library only.

Each call prints one line ``[tune-metric]: <json>`` to stdout, which the backend
parses. Keeping this module free of numpy & co. keeps every trial's start-up cheap.
"""
from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field

from syne_tune.constants import (
    METRIC_LINE_PREFIX, ST_WORKER_ITER, ST_WORKER_TIME, ST_WORKER_TIMESTAMP,
)

_MAX_LINE_BYTES = 50_000
_METRIC_LINE = re.compile(re.escape(METRIC_LINE_PREFIX) + r"(\{.*\})")


def _to_builtin(value):
    """numpy scalars and arrays become Python numbers and lists, without importing numpy."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


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
        line = json.dumps(kwargs, default=_to_builtin)
        if len(line) > _MAX_LINE_BYTES:
            raise ValueError(
                f"A report must serialize to at most {_MAX_LINE_BYTES} characters; this one has "
                f"{len(line)}. Report scalars, not arrays.")
        sys.stdout.write(METRIC_LINE_PREFIX + line + "\n")
        sys.stdout.flush()


def retrieve(log_lines: list[str]) -> list[dict]:
    """Parses the metric dicts out of a training script's stdout lines."""
    return [json.loads(match.group(1)) for line in log_lines for match in _METRIC_LINE.finditer(line)]


def parse_metric_line(line: str) -> dict | None:
    """The metric dict of one stdout line, or None if it is not a metric line."""
    if not line.startswith(METRIC_LINE_PREFIX):
        return None
    match = _METRIC_LINE.match(line.rstrip("\n"))
    return json.loads(match.group(1)) if match else None
