"""What a checkpoint folder holds, and what it held when its trial last reported.

A training script writes its checkpoint, then reports (a trial paused right after a report must be
able to continue from that epoch). So at each report the folder holds one whole epoch, whatever
the script writes and however many files: the :class:`~syne_tune.Reporter` records a fingerprint
of the folder then (:func:`record_state`), in a file beside the folder, and removes the record
when the script ends normally (its writes are finished: the folder is whole, whatever the last
report saw). A copier that freezes the trial and finds the folder's fingerprint equal to the
recorded one copies a whole epoch (:mod:`syne_tune.backend.checkpoint_copy`); a folder the script
changed since its last report (it is writing the next epoch, or was killed doing so) never matches.
So that a copier need not catch the moment between a report and the next write, it may ask the
trial to hold (:func:`hold_path`): the Reporter then waits inside its next report, right after
recording, until the copier is done (:func:`wait_while_held`).

The fingerprint covers the size, modification and change times and inode of the folder and every
file and folder below it: a file replaced by a rename gets a new inode, a file rewritten in place
new times (timestamps have the kernel's clock tick as resolution, a few ms: a file rewritten in
place with the same size within one tick of the report is not seen). Standard library only: the
Reporter imports it in every trial.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

CHECKPOINT_DIR_ENV = "SYNETUNE_CHECKPOINT_DIR"  # set by the backend: the trial's checkpoint folder
HOLD_SECONDS = 30.0  # a hold older than this was left by a copier that died: it is dropped


def scan(folder: Path | str) -> dict[str, tuple[int, int, int, int]]:
    """``{relative path: (size, mtime_ns, ctime_ns, inode)}`` of ``folder`` and every file and
    folder below it (a folder's times change when a file is renamed into or out of it)."""
    folder = str(folder)
    state = {"": _stat(folder)}
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(root, name)
            state[os.path.relpath(path, folder)] = _stat(path)
    return state


def fingerprint(folder: Path | str) -> str:
    """A digest of :func:`scan` of ``folder``: equal digests, equal scans."""
    items = sorted(scan(folder).items())
    return hashlib.blake2b(repr(items).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def record_path(folder: Path | str) -> Path:
    """Where the fingerprint of ``folder`` at its trial's last report is kept: beside the folder
    (``<trial>/.checkpoints.reported``), so copying the folder does not copy it."""
    folder = Path(folder)
    return folder.with_name(f".{folder.name}.reported")


def record_state(folder: Path | str, previous: str | None = None) -> str | None:
    """Records the current fingerprint of ``folder`` as a complete state; returns it.

    Writes only if it differs from ``previous`` (what this process recorded last); None if the
    record cannot be written (then copies fall back to watching the folder, see checkpoint_copy).
    """
    digest = fingerprint(folder)
    if digest == previous:
        return digest
    path = record_path(folder)
    staging = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        staging.write_text(digest)
        os.replace(staging, path)  # a reader sees the old record or the new one, never half of one
    except OSError:
        return None
    return digest


def recorded_state(folder: Path | str) -> str | None:
    """The fingerprint recorded by :func:`record_state` for ``folder``, None if there is none."""
    try:
        return record_path(folder).read_text() or None
    except OSError:
        return None


def remove_record(folder: Path | str, expected: str) -> None:
    """Removes the record of ``folder`` if it is still ``expected`` (what this process wrote)."""
    if recorded_state(folder) == expected:
        try:
            record_path(folder).unlink()
        except OSError:
            pass


def hold_path(folder: Path | str) -> Path:
    """The file whose existence asks the trial of ``folder`` to wait in its next report (beside the folder)."""
    folder = Path(folder)
    return folder.with_name(f".{folder.name}.hold")


def wait_while_held(folder: Path | str) -> None:
    """Waits while a copier holds ``folder`` (its hold file exists), at most until the hold is
    ``HOLD_SECONDS`` old; a hold that old is removed. Returns at once when there is none."""
    path = hold_path(folder)
    try:
        since = os.stat(path).st_mtime
    except OSError:
        return
    while time.time() - since < HOLD_SECONDS:
        time.sleep(0.001)
        if not os.path.exists(path):
            return
    try:
        path.unlink()
    except OSError:
        pass


def _stat(path: str) -> tuple[int, int, int, int]:
    try:
        info = os.stat(path)
    except FileNotFoundError:  # renamed away between listing and stat
        return (-1, -1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
