"""Copying a checkpoint folder that its trial may be rewriting, without tearing it.

A running trial rewrites its checkpoint at every epoch, often as several files. A plain copy
that overlaps such a rewrite mixes files of two epochs (seen: one PBT clone in ten). Here a copy
counts only if the folder (sizes, modification times and inodes of every file and folder) was
the same before the copy, after it, and ``_SETTLE_SECONDS`` later with the writer running: a
writer caught between two files of one epoch finishes the epoch within that time, so the copy
is thrown away and made again. After a few tries the writer is frozen (``freeze``: a context
manager that suspends the source trial's processes) during the copy, so a trial that rewrites
its checkpoint almost non-stop still gets cloned.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path
from typing import Callable, ContextManager

_TRIES = 15
_UNFROZEN_TRIES = 3  # then frozen, where the caller can freeze the writer
_SETTLE_SECONDS = 0.02


def copy_checkpoint_folder(source: Path, target: Path,
                           freeze: Callable[[], ContextManager] | None = None) -> bool:
    """Copies ``source`` into a fresh ``target``; True if the copy is one settled state of the folder.

    False means the folder never held still for a whole copy (even frozen, or ``freeze`` is
    None); the last copy is left in place. Raises OSError for errors other than files vanishing
    mid-copy.
    """
    for number in range(_TRIES):
        context = freeze if freeze is not None and number >= _UNFROZEN_TRIES else contextlib.nullcontext
        shutil.rmtree(target, ignore_errors=True)
        with context():
            before = scan(source)
            _copy_tree(source, target)
            unchanged = scan(source) == before
        if unchanged:
            time.sleep(_SETTLE_SECONDS)  # the writer runs: a half-written epoch would change the folder now
            if scan(source) == before:
                return True
    return False


def scan(folder: Path) -> dict[str, tuple[int, int, int]]:
    """``{relative path: (size, mtime_ns, inode)}`` of ``folder`` and every file and folder below
    it (a folder's time changes when a file is renamed into it)."""
    state = {"": _stat(str(folder))}
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(root, name)
            state[os.path.relpath(path, folder)] = _stat(path)
    return state


def _stat(path: str) -> tuple[int, int, int]:
    try:
        info = os.stat(path)
    except FileNotFoundError:  # renamed away between listing and stat
        return (-1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _copy_tree(source: Path, target: Path) -> None:
    """Copies recursively, skipping entries that disappear between being listed and copied
    (the scans around the copy notice that the folder changed)."""
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
