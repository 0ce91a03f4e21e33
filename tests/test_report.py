import json
import subprocess
import sys

import pytest

from syne_tune.report import REPORT_FILE_ENV, Reporter, reports_after, retrieve


def test_report_prints_one_metric_line(capsys):
    report = Reporter()
    report(epoch=1, loss=0.5)
    report(epoch=2, loss=0.25)
    lines = capsys.readouterr().out.splitlines()
    results = retrieve(lines)
    assert [r["epoch"] for r in results] == [1, 2]
    assert [r["st_worker_iter"] for r in results] == [0, 1]
    assert all("st_worker_timestamp" in r and "st_worker_time" in r for r in results)


def test_reserved_keys_are_rejected():
    with pytest.raises(ValueError, match="st_x"):
        Reporter()(st_x=1)


def test_numpy_values_are_serialized(capsys):
    import numpy as np

    Reporter()(loss=np.float32(0.5), epoch=np.int64(3))
    result = retrieve(capsys.readouterr().out.splitlines())[0]
    assert result["loss"] == 0.5 and result["epoch"] == 3


def test_importing_reporter_loads_no_heavy_module():
    code = ("import sys; from syne_tune import Reporter; "
            "print([m for m in ('numpy', 'pandas', 'scipy', 'autograd') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.replace("'", '"')) == []


def test_reports_go_to_the_report_file_the_backend_names_as_printed(tmp_path, monkeypatch, capsys):
    path = tmp_path / "reports.jsonl"
    monkeypatch.setenv(REPORT_FILE_ENV, str(path))
    report = Reporter()
    report(epoch=1, loss=0.5)
    Reporter()(epoch=2, loss=0.25)  # another run of the trial appends
    printed = [line.split(": ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert path.read_text().splitlines() == printed


def test_without_a_report_file_reports_are_only_printed(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(REPORT_FILE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    Reporter()(epoch=1)
    assert retrieve(capsys.readouterr().out.splitlines())[0]["epoch"] == 1
    assert list(tmp_path.iterdir()) == []


def test_reports_after_the_last_one_received(tmp_path, monkeypatch, capsys):
    path = tmp_path / "reports.jsonl"
    monkeypatch.setenv(REPORT_FILE_ENV, str(path))
    report = Reporter()
    for epoch in range(1, 6):
        report(epoch=epoch)
    written = [json.loads(line) for line in path.read_text().splitlines()]
    with open(path, "a") as stream:
        stream.write('{"epoch": 6, "st_wor')  # cut by a kill
    assert [r["epoch"] for r in reports_after(path, None)] == [1, 2, 3, 4, 5]
    assert [r["epoch"] for r in reports_after(path, written[1])] == [3, 4, 5]
    assert reports_after(path, written[4]) == []
    assert reports_after(path, {**written[1], "st_worker_iter": 99}) is None  # not in the file: unknown
    assert reports_after(tmp_path / "missing.jsonl", None) == []
    assert reports_after(tmp_path / "missing.jsonl", written[0]) is None
