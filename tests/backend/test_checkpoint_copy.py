"""Copies of a checkpoint folder that a real process keeps rewriting are never torn."""
from __future__ import annotations

import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from syne_tune.backend.checkpoint_copy import copy_checkpoint_folder, scan
from syne_tune.backend.checkpoint_state import fingerprint, record_state, recorded_state
from syne_tune.report import CHECKPOINT_DIR_ENV
from syne_tune.backend.process_guard import suspended

WRITER = Path(__file__).resolve().parents[1] / "scripts" / "checkpoint_writer.py"
MARKER_ENV = "SYNETUNE_TRIAL_MARKER"


def _consistent(folder: Path) -> bool:
    meta = json.loads((folder / "meta.json").read_text())
    return hashlib.sha256((folder / "weights.bin").read_bytes()).hexdigest() == meta["sha"]


def _start_writer(folder: Path, size: int, pause: float, marker: str, gap: float = 0.0,
                  report: str = "") -> subprocess.Popen:
    env = {**os.environ, MARKER_ENV: marker}
    if report:
        env[CHECKPOINT_DIR_ENV] = str(folder)
    command = [sys.executable, str(WRITER), str(folder), str(size), str(pause), str(gap)] + ([report] if report else [])
    writer = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, start_new_session=True)
    writer.epochs = queue.Queue()  # read all along: a full pipe would stop the writer anywhere

    def read():
        for line in writer.stdout:
            if line.strip().isdigit():
                writer.epochs.put(int(line))

    threading.Thread(target=read, daemon=True).start()
    _next_epoch(writer)  # the first checkpoint is complete
    deadline = time.time() + 30
    while report and recorded_state(folder) is None and time.time() < deadline:  # ... and reported
        time.sleep(0.01)
    return writer


def _next_epoch(writer: subprocess.Popen) -> int:
    """The epoch the writer finishes next (from now on)."""
    while True:
        try:
            writer.epochs.get_nowait()
        except queue.Empty:
            return writer.epochs.get(timeout=30)


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
    epoch = _next_epoch(writer)
    deadline = time.time() + 10
    while int(json.loads((source / "meta.json").read_text())["epoch"]) <= epoch and time.time() < deadline:
        time.sleep(0.05)
    assert writer.poll() is None and int(json.loads((source / "meta.json").read_text())["epoch"]) > epoch


def test_a_writer_stalled_between_two_renames_is_never_copied_half_way(tmp_path, writers):
    # 0.3 s between the renames of one epoch: a writer descheduled that long, which no settle
    # time of a watcher could tell from a finished one; its reports say when the folder is whole
    source = tmp_path / "source"
    marker = "test-stalled:0"
    writer = _start_writer(source, size=200_000, pause=0.1, marker=marker, gap=0.3, report="report")
    writers.append(writer)
    for attempt in range(6):
        target = tmp_path / f"copy{attempt}"
        assert copy_checkpoint_folder(source, target, freeze=lambda: suspended(marker))
        assert _consistent(target), f"copy {attempt} mixes two epochs"
        assert recorded_state(target) == fingerprint(target)  # a clone can be copied before it reports
        time.sleep(0.1 * (attempt % 3))  # land in the gap, between the gaps, right after a report
    assert writer.poll() is None


@pytest.mark.parametrize("pause", [0.0, 0.05])
def test_a_script_that_checkpoints_after_reporting_is_held_in_its_report_for_the_copy(tmp_path, writers, pause):
    # no moment between a report and the next write to catch (pause 0): the copier asks the
    # trial to hold, and it waits in its next report with the folder in the state it recorded
    source = tmp_path / "source"
    marker = f"test-report-first:{pause}"
    writer = _start_writer(source, size=500_000, pause=pause, marker=marker, gap=0.01, report="report-first")
    writers.append(writer)
    for attempt in range(5):
        target = tmp_path / f"copy{attempt}"
        assert copy_checkpoint_folder(source, target, freeze=lambda: suspended(marker))
        assert _consistent(target), f"copy {attempt} mixes two epochs"
    epoch = _next_epoch(writer)
    assert _next_epoch(writer) > epoch and writer.poll() is None  # let go after each copy
    assert not (tmp_path / ".source.hold").exists()


def test_a_folder_changed_after_its_last_report_by_a_trial_that_no_longer_runs_is_not_copied(tmp_path):
    source = tmp_path / "checkpoints"
    source.mkdir()
    (source / "weights.bin").write_bytes(b"epoch 1")
    (source / "meta.json").write_text("epoch 1")
    record_state(source)  # the trial reported epoch 1 ...
    assert copy_checkpoint_folder(source, tmp_path / "copy")
    staging = tmp_path / "weights.tmp"
    staging.write_bytes(b"epoch 2")
    staging.replace(source / "weights.bin")  # ... and was killed half way through writing epoch 2
    assert not copy_checkpoint_folder(source, tmp_path / "copy2")
    assert not (tmp_path / "copy2").exists()


@pytest.mark.parametrize("ending, copied", [("", True), ("raise SystemExit(0)", True),
                                            ("raise RuntimeError('disk full')", False)])
def test_the_reporter_records_the_folder_at_each_report_and_drops_the_record_at_a_normal_end(
        tmp_path, ending, copied):
    folder = tmp_path / "checkpoints"
    script = tmp_path / "script.py"
    script.write_text(
        "import os, sys\n"
        "from syne_tune import Reporter\n"
        "folder = sys.argv[1]\n"
        "os.makedirs(folder)\n"
        "report = Reporter()\n"
        "open(os.path.join(folder, 'a'), 'w').write('1')\n"
        "report(epoch=1)\n"
        "print('reported', open(os.path.join(os.path.dirname(folder), '.checkpoints.reported')).read(), flush=True)\n"
        "open(os.path.join(folder, 'b'), 'w').write('2')  # written after the last report\n"
        f"{ending}\n")
    env = {**os.environ, CHECKPOINT_DIR_ENV: str(folder)}
    done = subprocess.run([sys.executable, str(script), str(folder)], env=env, capture_output=True, text=True)
    reported = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("reported")]
    assert reported and reported[0] != fingerprint(folder)  # the report saw the folder without b
    # a normal end finished its writes; a crash may have struck in the middle of one
    assert (recorded_state(folder) is None) is copied, done.stderr
    assert copy_checkpoint_folder(folder, tmp_path / "copy") is copied


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
