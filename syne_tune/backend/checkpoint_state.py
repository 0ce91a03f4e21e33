"""What a checkpoint folder holds, and what it held when its trial last reported.

A training script writes its checkpoint, then reports (a trial paused right after a report must be
able to continue from that epoch); none reports half way through writing one. So at a report the
folder holds one whole epoch, whatever the script writes and however many files: the
:class:`~syne_tune.Reporter` records a fingerprint of the folder then (:class:`Recorder`, at most
every ``RECORD_SECONDS``), in a file beside the folder, and removes the record when the script
ends normally (its writes are finished: the folder is whole, whatever the last report saw). A copier that freezes the trial and finds the folder's fingerprint equal to the
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

HOLD_SECONDS = 30.0  # a hold older than this was left by a copier that died: it is dropped
RECORD_SECONDS = 0.05  # a Reporter looks at the folder (and for a hold) at most this often


def scan(folder: Path | str) -> dict[str, tuple[int, int, int, int]]:
    """``{relative path: (size, mtime_ns, ctime_ns, inode)}`` of ``folder`` and every file and
    folder below it (a folder's times change when a file is renamed into or out of it)."""
    folder = str(folder)
    state = {"": _stat(folder)}
    if state[""][0] >= 0:
        _scan_below(folder, "", state)
    return state


def _scan_below(folder: str, prefix: str, state: dict) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:  # gone meanwhile: the folder's own entry says it changed
        return
    for entry in entries:
        name = prefix + entry.name
        state[name] = _stat(entry.path)
        if entry.is_dir(follow_symlinks=False):
            _scan_below(entry.path, name + os.sep, state)


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


class Recorder:
    """What the Reporter of a trial does at each report: records the folder's fingerprint (written
    only when it changed) and waits while a copier holds the folder.

    A report must stay cheap (scripts may report thousands of times a second), so the folder (and
    the hold) is looked at no more than every ``RECORD_SECONDS``: a record may then be a few
    reports old. It still is a complete state; a copier that finds the folder changed since holds
    the trial, and its first report ``RECORD_SECONDS`` after the last look records afresh and waits.
    """

    def __init__(self, folder: Path | str):
        self.folder = str(folder)
        self._record = str(record_path(folder))
        self._hold = str(hold_path(folder))
        self._staging = f"{self._record}.{os.getpid()}.tmp"
        self.last: str | None = None  # what this process recorded last
        self._looked_at = -RECORD_SECONDS

    def record(self) -> None:
        now = time.monotonic()
        if now - self._looked_at < RECORD_SECONDS:
            return
        self._looked_at = now
        held = os.path.exists(self._hold)
        digest = fingerprint(self.folder)
        if digest != self.last or held:
            try:
                with open(self._staging, "w") as stream:
                    stream.write(digest)
                os.replace(self._staging, self._record)
            except OSError:  # copies fall back to watching the folder
                pass
            self.last = digest
        if held:
            wait_while_held(self.folder)

    def remove(self) -> None:
        """Drops the record if it is still this process's (the script ended normally)."""
        if self.last is not None:
            remove_record(self.folder, self.last)


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
    except FileNotFoundError:  # renamed away between listing and stat, or no folder (yet)
        return (-1, -1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
