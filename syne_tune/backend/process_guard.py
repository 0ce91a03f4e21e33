"""Ending every process a trial started, and a guardian that does it when the launcher dies.

Every trial process carries the environment variable ``SYNETUNE_TRIAL_MARKER=<token>:<trial_id>``
and starts in a session of its own. :func:`kill_trial_processes` ends the processes that carry a
marker, belong to one of the given sessions or descend from such a process, so children and
grandchildren go too, even those that left the process group (``setsid``) or outlived their
parent. (Only a process that cleared its environment, left the session and lost its parent
before the sweep escapes it.)

If the launcher itself dies (SIGKILL included), nothing in it runs any more. The guardian, a tiny
process started with ``python process_guard.py <token>``, waits for its standard input to close,
which happens when the launcher exits in any way, then kills every process marked with the token.
With ``watch_seconds`` it also looks every so often while it waits, and at the end kills what it
saw that still runs: a process can lose both its marker and its ancestry (Ray's agents overwrite
their environment with their process title, and their parent dies with the launcher).

Standard library only: the guardian runs this file directly.
"""
from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from typing import Iterator

MARKER_ENV = "SYNETUNE_TRIAL_MARKER"
_PROC = "/proc"
_SWEEP_ROUNDS = 20


def trial_marker(token: str, trial_id: int) -> str:
    return f"{token}:{trial_id}"


def _environment_has(pid: str, needle: bytes, exact: bool) -> bool:
    try:
        with open(f"{_PROC}/{pid}/environ", "rb") as stream:
            environ = stream.read()
    except OSError:  # gone, or not ours
        return False
    entry = b"\0" + MARKER_ENV.encode() + b"=" + needle
    environ = b"\0" + environ
    return (entry + b"\0") in environ if exact else entry in environ


def _stat_fields(pid: str) -> list[bytes] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (state, ppid, pgrp, session, ...:
    field 3 of proc(5) is index 0), or None if the process is gone or there is no /proc."""
    try:
        with open(f"{_PROC}/{pid}/stat", "rb") as stream:
            stat = stream.read()
    except OSError:
        return None
    return stat[stat.rfind(b")") + 2:].split()


def _parent_and_session(pid: str) -> tuple[int, int] | None:
    """(parent pid, session id) of a live process (None for zombies and vanished ones)."""
    fields = _stat_fields(pid)
    if fields is None or len(fields) < 4 or fields[0] in (b"Z", b"X"):
        return None
    return int(fields[1]), int(fields[3])


def find_trial_processes(marker: str, sessions: tuple[int, ...] = (), exact: bool = True) -> list[int]:
    """Live processes that carry the marker ``marker`` (or one starting with it), belong to one of
    ``sessions`` or descend from a process that does (even after ``setsid`` and a cleared environment)."""
    if not os.path.isdir(_PROC):
        return []
    me = os.getpid()
    needle = marker.encode()
    parents, found = {}, set()
    for entry in os.listdir(_PROC):
        if not entry.isdigit() or int(entry) == me:
            continue
        info = _parent_and_session(entry)
        if info is None:
            continue
        parents[int(entry)] = info[0]
        if info[1] in sessions or _environment_has(entry, needle, exact):
            found.add(int(entry))
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    stack = list(found)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return sorted(found)


def kill_trial_processes(marker: str, sessions: tuple[int, ...] = (), exact: bool = True) -> int:
    """SIGKILLs every process :func:`find_trial_processes` finds; returns how many.

    The processes are frozen (SIGSTOP) and the search repeated until it finds no new one, so
    none can fork or be orphaned (and lose its ancestry) between the search and the kill.
    """
    if not os.path.isdir(_PROC):  # no /proc (macOS): the process groups are all we can reach
        for session in sessions:
            _signal_group(session, signal.SIGKILL)
        return 0
    frozen: set[int] = set()
    for _ in range(_SWEEP_ROUNDS):
        new = [pid for pid in find_trial_processes(marker, sessions, exact) if pid not in frozen]
        if not new:
            break
        for pid in new:
            _signal(pid, signal.SIGSTOP)
        frozen.update(new)
    for pid in frozen:
        _signal(pid, signal.SIGKILL)
    return len(frozen)


@contextlib.contextmanager
def suspended(marker: str, sessions: tuple[int, ...] = ()) -> Iterator[list[int]]:
    """Freezes (SIGSTOP) every process :func:`find_trial_processes` finds for the block, then
    lets them go on (SIGCONT): a consistent view of what they write. Yields their pids."""
    pids = find_trial_processes(marker, sessions)
    for pid in pids:
        _signal(pid, signal.SIGSTOP)
    try:
        _wait_until_stopped(pids)
        yield pids
    finally:
        for pid in pids:
            _signal(pid, signal.SIGCONT)


def _wait_until_stopped(pids: list[int], timeout: float = 2.0) -> None:
    """Returns once every process of ``pids`` is stopped or gone: SIGSTOP takes effect
    asynchronously, and a process running on another core goes on for a moment."""
    deadline = time.monotonic() + timeout
    waiting = [str(pid) for pid in pids]
    while waiting and time.monotonic() < deadline:
        waiting = [pid for pid in waiting if _state(pid) not in (None, b"T", b"t", b"Z", b"X")]
        if waiting:
            time.sleep(0.0005)


def _state(pid: str) -> bytes | None:
    """The one-letter state of a process (R, S, T, Z, ...), None if it is gone or there is no /proc."""
    fields = _stat_fields(pid)
    return fields[0] if fields else None


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


@contextlib.contextmanager
def marking_new_processes(marker: str) -> Iterator[None]:
    """Processes started in the block carry ``marker`` (and so do their descendants, which inherit
    the environment), for code that starts processes without taking an environment (``ray.init``)."""
    previous = os.environ.get(MARKER_ENV)
    os.environ[MARKER_ENV] = marker
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(MARKER_ENV, None)
        else:
            os.environ[MARKER_ENV] = previous


def start_guardian(token: str, watch_seconds: float | None = None) -> subprocess.Popen:
    """Starts the guardian of ``token``; closing its stdin (or dying) makes it sweep and exit.

    With ``watch_seconds``, the guardian also remembers the processes it finds every so often and
    kills them at the end too, even if they lost their marker and their ancestry meanwhile.
    """
    watch = [] if watch_seconds is None else [str(watch_seconds)]
    return subprocess.Popen(
        [sys.executable, "-S", os.path.abspath(__file__), token, *watch], stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)


def stop_guardian(guardian: subprocess.Popen | None) -> None:
    """Closes the guardian's stdin and waits for its final sweep."""
    if guardian is None:
        return
    try:
        guardian.stdin.close()
    except OSError:
        pass
    try:
        guardian.wait(timeout=10)
    except subprocess.TimeoutExpired:
        guardian.kill()


def _guard(token: str, watch_seconds: float | None) -> None:
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)  # only the launcher's end ends the guardian
    seen: dict[int, bytes] = {}  # pid -> start time, of processes found while the launcher ran
    while True:
        if watch_seconds is not None and not select.select([sys.stdin], [], [], watch_seconds)[0]:
            seen.update((pid, _start_time(str(pid))) for pid in find_trial_processes(token + ":", exact=False))
            continue
        if not os.read(sys.stdin.fileno(), 4096):
            break
    kill_trial_processes(token + ":", exact=False)
    for pid, started in seen.items():
        if started is not None and _start_time(str(pid)) == started:  # the same process, not a reused pid
            _signal(pid, signal.SIGKILL)


def _start_time(pid: str) -> bytes | None:
    """When the process started (field 22 of proc(5)): tells a process from a later one with its pid."""
    fields = _stat_fields(pid)
    return fields[19] if fields and len(fields) > 19 else None


if __name__ == "__main__":
    _guard(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else None)
