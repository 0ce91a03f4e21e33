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


def test_pbt_clones_of_running_trials_never_start_from_a_torn_checkpoint():
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import uniform
    from syne_tune.experiments import load_experiment
    from syne_tune.optimizer.baselines import PBT

    script = Path(__file__).resolve().parent / "checkpointing_script.py"
    space = {"epochs": 30, "lr": uniform(0.1, 1.0), "sleep": 0.02, "payload_bytes": 2_000_000}
    scheduler = PBT(space, metric="loss", mode="min", resource_attr="epoch", max_t=30, perturbation_interval=2,
                    quantile_fraction=0.5, random_seed=3)
    tuner = Tuner(LocalBackend(str(script)), scheduler, StoppingCriterion(max_wallclock_time=8), n_workers=4,
                  sleep_time=0.05, progress="off")
    tuner.run()
    results = load_experiment(tuner.name).results
    clones = [r for r in _journal_starts(tuner.tuner_path) if r.get("checkpoint_trial_id") is not None]
    assert len(clones) >= 5, "PBT cloned too few trials to tell"
    cloned_ids = {r["trial_id"] for r in clones}
    resumed = results[results["trial_id"].isin(cloned_ids)]
    assert (resumed.groupby("trial_id")["epoch"].min() > 1).any()  # clones continued their parents' epochs
    assert results["torn"].max() == 0, results[results["torn"] > 0]["trial_id"].unique()


def _journal_starts(path: Path) -> list[dict]:
    from syne_tune.results_journal import read_journal

    return [r for r in read_journal(path / "journal.jsonl") if r.get("st_event") == "start"]
