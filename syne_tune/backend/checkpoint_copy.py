"""Copying a checkpoint folder that its trial may be rewriting, without tearing it.

A running trial rewrites its checkpoint at every epoch, often as several files; a copy that
overlaps a rewrite mixes files of two epochs (seen: one PBT clone in ten). No waiting tells a
writer between two files of one epoch from one that is done (it may be descheduled for any
time), and freezing it there freezes the tear. What tells them apart is the script's own word: it
writes its checkpoint, then reports, and the Reporter records the folder's fingerprint at each
report and at the script's normal end (:mod:`~syne_tune.backend.checkpoint_state`). So:

- **Folder with a record** (scripts that report through the Reporter): a copy counts only if the
  folder is the recorded state before and after it, while the trial is frozen (``freeze``: a
  context manager that suspends the source trial's processes). A trial caught writing is let go
  on and looked at again every millisecond; it is asked to hold, so it waits in its next report,
  the folder in the state it recorded there (a copy needs no luck with the moment, and scripts
  that write their checkpoint after reporting are served too). At most ``wait_seconds`` or
  ``_REPORTS_WITHOUT_MATCH`` further reports. A folder that differs from its record while nothing
  writes to it any more (``freeze`` None: a trial killed while writing, or that wrote after its
  last report) is not copied.
- **Folder without a record** (a script that prints its reports itself): best effort, the copy
  counts if the folder was the same before, during and ``_SETTLE_SECONDS`` after it, the last
  tries with the writer frozen; a writer descheduled for longer than that between two files of
  one epoch defeats it.

A successful copy is recorded as a complete state of the target folder, so a trial started from
it can be copied in turn before its first report.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path
from typing import Callable, ContextManager

from syne_tune.backend.checkpoint_state import fingerprint, hold_path, record_state, recorded_state, scan

__all__ = ["copy_checkpoint_folder", "scan"]

_WAIT_SECONDS = 10.0
_REPORTS_WITHOUT_MATCH = 10  # a trial that reported this often, never matching, writes after reporting
_POLL_SECONDS = 0.001
# folders without a record
_TRIES = 15
_UNFROZEN_TRIES = 3  # then frozen, where the caller can freeze the writer
_SETTLE_SECONDS = 0.02


def copy_checkpoint_folder(source: Path, target: Path, freeze: Callable[[], ContextManager] | None = None,
                           wait_seconds: float = _WAIT_SECONDS) -> bool:
    """Copies ``source`` into a fresh ``target``; True if the copy is one complete state of the folder.

    ``freeze`` suspends the processes writing ``source``; None means none runs (if ``source`` has
    a record) or that they cannot be suspended (if not). False means no complete state could be
    told; a copy may be left in ``target``. Raises OSError for errors other than files vanishing
    mid-copy.
    """
    if recorded_state(source) is not None:
        copied = _copy_reported_state(source, target, freeze, wait_seconds)
    else:
        copied = _copy_settled_state(source, target, freeze)
    if copied:
        record_state(target)
    return copied


def _copy_reported_state(source: Path, target: Path, freeze: Callable[[], ContextManager] | None,
                         wait_seconds: float) -> bool:
    if freeze is None:  # nothing writes: the folder is its record or never will be
        return _copy_frozen(source, target, contextlib.nullcontext)
    hold = hold_path(source)
    hold.write_text("")  # the trial waits in its next report, its folder the state it records there
    try:
        deadline = time.monotonic() + wait_seconds
        records = set()
        while True:
            record = recorded_state(source)
            if record is None:  # the script ended normally meanwhile: its folder is final
                return _copy_settled_state(source, target, None)
            records.add(record)
            if fingerprint(source) == record and _copy_frozen(source, target, freeze):
                return True
            if len(records) > _REPORTS_WITHOUT_MATCH or time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_SECONDS)
    finally:
        hold.unlink(missing_ok=True)


def _copy_frozen(source: Path, target: Path, freeze: Callable[[], ContextManager]) -> bool:
    """Copies while the writer is frozen if the folder is its recorded state all along."""
    with freeze():
        record = recorded_state(source)
        if record is None or fingerprint(source) != record:  # it wrote after the look that sent us here
            return False
        _fresh_copy(source, target)
        return fingerprint(source) == record  # nothing outside the frozen processes wrote meanwhile


def _copy_settled_state(source: Path, target: Path, freeze: Callable[[], ContextManager] | None) -> bool:
    for number in range(_TRIES):
        context = freeze if freeze is not None and number >= _UNFROZEN_TRIES else contextlib.nullcontext
        with context():
            before = scan(source)
            _fresh_copy(source, target)
            unchanged = scan(source) == before
        if unchanged:
            time.sleep(_SETTLE_SECONDS)  # the writer runs: a half-written epoch would change the folder now
            if scan(source) == before:
                return True
    return False


def _fresh_copy(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    _copy_tree(source, target)


def _copy_tree(source: Path, target: Path) -> None:
    """Copies recursively, skipping entries that disappear between being listed and copied
    (the looks at the folder around the copy notice that it changed)."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        entries = list(os.scandir(source))
    except FileNotFoundError:
        return
    for entry in entries:
        destination = target / entry.name
        try:
            if entry.is_dir():
                _copy_tree(Path(entry.path), destination)
            else:
                shutil.copy2(entry.path, destination)
        except FileNotFoundError:
            continue
