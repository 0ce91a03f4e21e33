"""TrialProcess: output bounds, malformed lines, back-pressure, and ending every process it started."""
import sys
import textwrap
import time

import psutil

from syne_tune.backend import trial_process
from syne_tune.backend.process_guard import find_trial_processes, kill_trial_processes
from syne_tune.backend.trial_process import TrialProcess, parse_report, trial_environment


def _run(tmp_path, code, marker="test-token:0", **kwargs):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    return TrialProcess([sys.executable, str(script)], trial_environment(), marker=marker,
                        stdout_path=tmp_path / "std.out", stderr_path=tmp_path / "std.err", **kwargs)


def _wait_finished(process, timeout=20):
    deadline = time.time() + timeout
    while not process.finished:
        assert time.time() < deadline
        time.sleep(0.02)


def test_parse_report_never_raises():
    assert parse_report(b'[tune-metric]: {"loss": 1.0, "st_worker_timestamp": 5.0}\n') == (
        {"loss": 1.0, "st_worker_timestamp": 5.0}, None)
    for bad in (b"[tune-metric]: [1]", b"[tune-metric]: {oops", b"[tune-metric]: " + b"[" * 100_000,
                b"[tune-metric]: \xff\xfe"):
        report, reason = parse_report(bad)
        assert report is None and reason
    report, _ = parse_report(b'[tune-metric]: {"st_worker_timestamp": "forged"}')
    assert isinstance(report["st_worker_timestamp"], float)


def test_long_lines_are_skipped_and_memory_stays_bounded(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(trial_process, "MAX_LINE_BYTES", 1000)
    process = _run(tmp_path, """
        print("[tune-metric]: " + '{"a": "' + "x" * 5000 + '"}', flush=True)
        print("[tune-metric]: " + '{"loss": 1.0, "st_worker_timestamp": 1.0}', flush=True)
    """)
    _wait_finished(process)
    assert [r["loss"] for r in process.take_reports()] == [1.0]
    assert "was skipped" in (tmp_path / "std.out").read_text()
    assert "longer than 1000 bytes" in caplog.text


def test_a_slow_consumer_holds_the_script_back(tmp_path, monkeypatch):
    monkeypatch.setattr(trial_process, "MAX_QUEUED_REPORTS", 10)
    process = _run(tmp_path, """
        import json
        for i in range(200):
            print("[tune-metric]: " + json.dumps({"i": i, "st_worker_timestamp": float(i)}), flush=True)
    """)
    time.sleep(1.0)
    assert not process.finished and len(process.reports) == 10
    taken = []
    deadline = time.time() + 20
    while not (process.finished and not process.reports):
        assert time.time() < deadline
        taken += [r["i"] for r in process.take_reports(limit=7)]
        time.sleep(0.01)
    assert taken == list(range(200))


def test_children_that_outlive_the_script_are_ended(tmp_path):
    process = _run(tmp_path, """
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
        print(child.pid, flush=True)
    """)
    _wait_finished(process)
    child = int((tmp_path / "std.out").read_text().split()[0])
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE
    assert process.returncode == 0


def test_kill_keeps_reports_printed_before_it(tmp_path):
    process = _run(tmp_path, """
        import time
        for i in range(5):
            print("[tune-metric]: {\\"i\\": %d, \\"st_worker_timestamp\\": 1.0}" % i, flush=True)
        time.sleep(60)
    """)
    deadline = time.time() + 20
    while len(process.reports) < 5:
        assert time.time() < deadline
        time.sleep(0.02)
    process.kill()
    assert process.finished and [r["i"] for r in process.take_reports()] == [0, 1, 2, 3, 4]


def test_sweep_finds_marked_processes_and_descendants(tmp_path):
    process = _run(tmp_path, """
        import os, subprocess, sys, time
        env = {"PATH": os.environ.get("PATH", "")}  # no marker, own session: found as a descendant
        hidden = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=env,
                                  start_new_session=True)
        print(hidden.pid, flush=True)
        time.sleep(60)
    """, marker="sweep-token:3")
    deadline = time.time() + 20
    while not ((tmp_path / "std.out").exists() and (tmp_path / "std.out").read_text().strip()):
        assert time.time() < deadline
        process.take_reports()  # also flushes std.out, as the tuner's polls do
        time.sleep(0.02)
    hidden = int((tmp_path / "std.out").read_text().split()[0])
    found = find_trial_processes("sweep-token:", exact=False)
    assert process.pid in found and hidden in found
    assert kill_trial_processes("sweep-token:", exact=False) >= 2
    _wait_finished(process)
    assert find_trial_processes("sweep-token:", exact=False) == []
    assert not psutil.pid_exists(hidden) or psutil.Process(hidden).status() == psutil.STATUS_ZOMBIE
