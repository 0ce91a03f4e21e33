"""syne_tune.util: the original library's helper names, adapted to results_path."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from syne_tune.constants import METRIC_LINE_PREFIX
from syne_tune.results_path import results_root
from syne_tune.util import (
    RegularCallback, catchtime, experiment_path, name_from_base, repository_root_path,
    script_checkpoint_example_path, script_height_example_path,
)


def test_experiment_path_uses_the_results_root_or_local_path(tmp_path, _results_root):
    assert experiment_path() == results_root() == _results_root
    assert experiment_path("my-tuner") == _results_root / "my-tuner"
    assert experiment_path("t", local_path=str(tmp_path)) == tmp_path / "t"


def test_name_from_base_appends_a_utc_timestamp():
    name = name_from_base("train-height", default="st-tuner")
    assert re.fullmatch(r"train-height-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-\d{3}", name)
    assert name_from_base(None, default="st-tuner").startswith("st-tuner-")
    assert len(name_from_base("x" * 100)) == 63 and len(name_from_base("x" * 100, max_length=40)) == 40
    with pytest.raises(ValueError, match="max_length"):
        name_from_base("a", max_length=10)


def test_repository_paths_point_at_existing_files():
    assert (repository_root_path() / "syne_tune" / "util.py").exists()
    assert script_checkpoint_example_path().is_file() and script_height_example_path().is_file()


def _reports(stdout: str) -> list[dict]:
    return [json.loads(line[len(METRIC_LINE_PREFIX):]) for line in stdout.splitlines()
            if line.startswith(METRIC_LINE_PREFIX)]


def test_checkpoint_example_takes_the_original_arguments_and_resumes(tmp_path):
    command = [sys.executable, str(script_checkpoint_example_path()), "--num-epochs", "3", "--multiplier", "2",
               "--sleep-time", "0", "--st_checkpoint_dir", str(tmp_path)]
    first = _reports(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    assert [r["train_acc"] for r in first] == [2.0, 6.0, 14.0]
    command[command.index("3")] = "4"
    resumed = _reports(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    assert [(r["epoch"], r["train_acc"]) for r in resumed] == [(4, 30.0)]


def test_height_example_takes_the_original_arguments():
    command = [sys.executable, str(script_height_example_path()), "--steps", "2", "--width", "10",
               "--height", "-5", "--sleep_time", "0"]
    reports = _reports(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    assert [r["step"] for r in reports] == [0, 1] and reports[0]["mean_loss"] == pytest.approx(10 - 0.5)


def test_regular_callback_waits_more_than_the_frequency():
    calls = []
    throttled = RegularCallback(lambda x: calls.append(x), call_seconds_frequency=60)
    throttled(1)
    assert calls == []
    eager = RegularCallback(lambda x: calls.append(x), call_seconds_frequency=-1)
    eager(2)
    eager(3)
    assert calls == [2, 3]


def test_catchtime_prints_and_measures(capsys):
    with catchtime("block") as elapsed:
        assert elapsed() >= 0
    out = capsys.readouterr().out
    assert "start: block" in out and re.search(r"Time for block: \d+\.\d{4} secs", out)
