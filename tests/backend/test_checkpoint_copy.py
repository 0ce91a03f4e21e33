"""Copies of a checkpoint folder that a real process keeps rewriting are never torn."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from syne_tune.backend.checkpoint_copy import copy_checkpoint_folder, scan
from syne_tune.backend.process_guard import suspended

WRITER = Path(__file__).resolve().parents[1] / "scripts" / "checkpoint_writer.py"
MARKER_ENV = "SYNETUNE_TRIAL_MARKER"


def _consistent(folder: Path) -> bool:
    meta = json.loads((folder / "meta.json").read_text())
    return hashlib.sha256((folder / "weights.bin").read_bytes()).hexdigest() == meta["sha"]


def _start_writer(folder: Path, size: int, pause: float, marker: str) -> subprocess.Popen:
    env = {**__import__("os").environ, MARKER_ENV: marker}
    writer = subprocess.Popen([sys.executable, str(WRITER), str(folder), str(size), str(pause)],
                              stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
    writer.stdout.readline()  # the first checkpoint is complete
    return writer


@pytest.fixture
def writers():
    started = []
    yield started
    for writer in started:
        writer.kill()
        writer.wait()


def test_copies_overlapping_rewrites_are_made_again_until_consistent(tmp_path, writers):
    source = tmp_path / "source"
    writers.append(_start_writer(source, size=2_000_000, pause=0.05, marker="test-copy:0"))
    for attempt in range(15):
        target = tmp_path / f"copy{attempt}"
        assert copy_checkpoint_folder(source, target)
        assert _consistent(target), f"copy {attempt} mixes two epochs"


def test_the_last_try_freezes_the_writer_and_lets_it_go_on(tmp_path, writers, monkeypatch):
    import syne_tune.backend.checkpoint_copy as checkpoint_copy

    monkeypatch.setattr(checkpoint_copy, "_UNFROZEN_TRIES", 0)  # straight to the frozen copy
    source = tmp_path / "source"
    marker = "test-freeze:0"
    writer = _start_writer(source, size=8_000_000, pause=0.03, marker=marker)
    writers.append(writer)
    frozen = []

    def freeze():
        context = suspended(marker)
        frozen.append(context)
        return context

    for attempt in range(4):
        target = tmp_path / f"copy{attempt}"
        assert copy_checkpoint_folder(source, target, freeze=freeze)
        assert _consistent(target)
    assert len(frozen) >= 4
    epoch = int(writer.stdout.readline())
    deadline = time.time() + 10
    while int(json.loads((source / "meta.json").read_text())["epoch"]) <= epoch and time.time() < deadline:
        time.sleep(0.05)
    assert writer.poll() is None and int(json.loads((source / "meta.json").read_text())["epoch"]) > epoch


def test_without_a_freeze_a_folder_that_never_holds_still_is_reported(tmp_path, monkeypatch):
    import syne_tune.backend.checkpoint_copy as checkpoint_copy

    calls = []
    real_scan = checkpoint_copy.scan

    def changing_scan(folder):  # as if a rewrite overlapped every copy
        calls.append(folder)
        return {**real_scan(folder), "a": (1, len(calls), 1)}

    monkeypatch.setattr(checkpoint_copy, "scan", changing_scan)
    source = tmp_path / "source"
    source.mkdir()
    (source / "a").write_text("1")
    assert not copy_checkpoint_folder(source, tmp_path / "copy")
    assert len(calls) == 2 * checkpoint_copy._TRIES and (tmp_path / "copy" / "a").read_text() == "1"


def test_scan_sees_a_renamed_file():
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a"
        path.write_text("1")
        before = scan(Path(folder))
        replacement = Path(folder) / "a.tmp"
        replacement.write_text("1")
        replacement.replace(path)
        assert scan(Path(folder)) != before  # same size and maybe mtime, but a new inode
