"""One owner per experiment: an OS file lock on ``<experiment>/tuner.lock`` held while a Tuner runs.

The lock is ``flock`` on an open file, so the kernel releases it when the holder exits in any
way (SIGKILL included): a lock left by a dead launcher is simply taken over. The file also
records who holds it (PID, host, start time) so that a refused second owner can be told.
Trial processes never inherit the lock's file descriptor (Python opens files non-inheritable).
"""
from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

LOCK_NAME = "tuner.lock"
_STALE_HOLDER_SECONDS = 5.0

try:
    import fcntl
except ImportError:  # not POSIX: no lock, nothing refused
    fcntl = None


class ExperimentLocked(RuntimeError):
    """Another process holds the experiment."""


class ExperimentLock:
    """Exclusive hold on the experiment folder ``path`` (which must exist)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._file = None

    def acquire(self) -> None:
        """Takes the lock, or raises ExperimentLocked naming the holder."""
        if self._file is not None:
            return
        stream = open(self.path / LOCK_NAME, "a+", encoding="utf-8")
        if fcntl is not None and not _take(stream):
            stream.seek(0)
            holder = _parse(stream.read())
            stream.close()
            raise ExperimentLocked(
                f"The experiment {self.path} is in use by {describe_holder(holder)}: one Tuner at a time "
                f"may run or resume it. Wait for that process to end (or end it), then try again.")
        stream.seek(0)
        stream.truncate()
        stream.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}))
        stream.flush()
        self._file = stream

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor releases the flock
            self._file = None

    def __enter__(self) -> "ExperimentLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def __getstate__(self):  # a pickled Tuner must not carry an open lock
        return {"path": self.path, "_file": None}


def _take(stream) -> bool:
    """Takes the flock of ``stream``; False if a live holder has it.

    A holder that just died can leave the lock held for a moment: a trial process it was forking
    keeps a copy of the descriptor until it execs (which closes it) or dies. So while the
    recorded holder is a dead process of this host, the lock is tried again for a few seconds.
    """
    deadline = time.monotonic() + _STALE_HOLDER_SECONDS
    while True:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            stream.seek(0)
            if _holder_alive(_parse(stream.read())) or time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def _holder_alive(holder: dict | None) -> bool:
    """False only for a holder recorded on this host whose process is gone."""
    if not holder or holder.get("host") != socket.gethostname() or not isinstance(holder.get("pid"), int):
        return True
    try:
        os.kill(holder["pid"], 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: alive
        return True
    return True


def lock_holder(path: str | Path) -> dict | None:
    """``{"pid", "host", "since"}`` of the live process holding the experiment at ``path``, or None."""
    lock_file = Path(path) / LOCK_NAME
    if fcntl is None or not lock_file.is_file():
        return None
    try:
        with open(lock_file, encoding="utf-8") as stream:
            try:
                fcntl.flock(stream.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return _parse(stream.read()) or {}
            return None  # nobody holds it (the shared lock is dropped on close)
    except OSError:
        return None


def describe_holder(holder: dict | None) -> str:
    if not holder:
        return "another process"
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(holder.get("since", 0)))
    return f"PID {holder.get('pid')} on host {holder.get('host')} (since {since})"


def _parse(text: str) -> dict | None:
    try:
        holder = json.loads(text)
    except ValueError:
        return None
    return holder if isinstance(holder, dict) else None
