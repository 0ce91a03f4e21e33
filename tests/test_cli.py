"""The syne-tune command on real experiment folders (entry point function and python -m)."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from syne_tune.cli import main

REPO = Path(__file__).parents[1]


@pytest.fixture
def stored(stored_experiments, tmp_path, monkeypatch):
    """A copy of the stored runs (so 'remove' cannot touch the shared ones); returns their names."""
    root, names = stored_experiments
    copy = tmp_path / "results"
    shutil.copytree(root, copy)
    monkeypatch.setenv("SYNETUNE_FOLDER", str(copy))
    return names


def test_list_shows_name_date_scheduler_trials_and_best(stored, capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "created", "scheduler", "trials", "best"]
    assert [line.split()[0] for line in lines[1:]] == [stored["asha"], stored["fifo"]]  # newest first
    assert "HyperbandScheduler (ASHA)" in lines[1] and "loss" in lines[1] and "(min)" in lines[1]
    assert main(["list", "--filter", "*fifo*"]) == 0
    assert stored["asha"] not in capsys.readouterr().out


def test_show_prints_trials_best_first_and_the_best_config(stored, capsys):
    assert main(["show", "stored-asha"]) == 0  # a unique prefix is enough
    out = capsys.readouterr().out
    assert "Paused" in out and "best_loss" in out.splitlines()[2]
    first_trial = out.splitlines()[3].split()
    from syne_tune.experiments import load_experiment

    best = load_experiment(stored["asha"]).best_config()
    assert int(first_trial[0]) == best["trial_id"]
    assert f"best loss: {best['loss']:.6g} (trial {best['trial_id']})" in out
    assert "best config: x=" in out


def test_ambiguous_or_unknown_names_are_errors(stored, capsys):
    assert main(["show", "stored"]) == 2
    assert "matches 2 experiments" in capsys.readouterr().err
    assert main(["show", "nothing-like-this"]) == 2
    assert "No experiment matches 'nothing-like-this'" in capsys.readouterr().err


def test_plot_one_and_several_to_files(stored, tmp_path, capsys):
    one, several = tmp_path / "one.png", tmp_path / "several.pdf"
    assert main(["plot", stored["asha"], "--learning-curves", "-o", str(one)]) == 0
    assert main(["plot", "stored-*", "-o", str(several)]) == 0
    assert one.stat().st_size > 1000 and several.read_bytes().startswith(b"%PDF")
    assert "Plot of 2 experiments" in capsys.readouterr().out


def test_remove_asks_for_yes_and_keeps_other_experiments(stored, capsys):
    root = Path(os.environ["SYNETUNE_FOLDER"])
    assert main(["remove"]) == 2
    assert main(["remove", "stored-fifo*"]) == 0
    assert "pass --yes" in capsys.readouterr().out and (root / stored["fifo"]).is_dir()
    assert main(["remove", "--older-than", "1"]) == 0  # both were created just now
    assert "No experiment to remove" in capsys.readouterr().out
    metadata = root / stored["asha"] / "metadata.json"
    old = dict(json.loads(metadata.read_text()), st_tuner_creation_timestamp=time.time() - 3 * 86400)
    metadata.write_text(json.dumps(old))
    assert main(["remove", "--older-than", "2", "--yes"]) == 0
    assert not (root / stored["asha"]).exists() and (root / stored["fifo"]).is_dir()


def test_python_dash_m_runs_the_same_command(stored):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    run = subprocess.run([sys.executable, "-m", "syne_tune.cli", "list"], env=env, capture_output=True, text=True)
    assert run.returncode == 0 and stored["fifo"] in run.stdout
    usage = subprocess.run([sys.executable, "-m", "syne_tune.cli"], env=env, capture_output=True, text=True)
    assert usage.returncode == 2 and "COMMAND" in usage.stderr


def test_console_script_points_at_main():
    import re

    entry = re.search(r'"syne-tune=([\w.]+):(\w+)"', (REPO / "setup.py").read_text())
    module, function = entry.groups()
    assert getattr(__import__(module, fromlist=[function]), function) is main


def test_a_closed_pipe_ends_quietly(stored):
    """``syne-tune show NAME | head -1`` through real pipes: exit 0, nothing on stderr."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "syne_tune.cli", "show", stored["asha"], "--all"]
    show = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = subprocess.run(["head", "-1"], stdin=show.stdout, capture_output=True, text=True)
    show.stdout.close()
    assert show.wait() == 0 and show.stderr.read() == b""
    assert head.stdout.startswith(stored["asha"])
    # A reader that is gone before the first line: every write meets a closed pipe.
    read, write = os.pipe()
    os.close(read)
    closed = subprocess.run(command, env=env, stdout=write, stderr=subprocess.PIPE, text=True)
    os.close(write)
    assert closed.returncode == 0 and closed.stderr == ""


def _craft_broken_folders(root: Path, good: str, outside: Path) -> None:
    """A folder whose creation time is not a number, one whose metadata is not an object, and a
    link to an experiment outside the results root."""
    shutil.copytree(root / good, root / "bad-timestamp")
    metadata = json.loads((root / good / "metadata.json").read_text())
    (root / "bad-timestamp" / "metadata.json").write_text(json.dumps({**metadata, "st_tuner_creation_timestamp": "x"}))
    (root / "not-an-object").mkdir()
    (root / "not-an-object" / "metadata.json").write_text("[1, 2]")
    shutil.copytree(root / good, outside)
    (root / "linked").symlink_to(outside)


def test_a_broken_folder_never_breaks_listing_or_removal(stored, tmp_path, capsys, caplog):
    from syne_tune.experiments import list_experiments

    root = Path(os.environ["SYNETUNE_FOLDER"])
    outside = tmp_path / "elsewhere" / "linked-target"
    _craft_broken_folders(root, stored["fifo"], outside)
    assert {e.name for e in list_experiments()} >= {stored["fifo"], stored["asha"]}
    assert "bad-timestamp" in caplog.text and "not-an-object" in caplog.text
    assert main(["list"]) == 0
    assert stored["fifo"] in capsys.readouterr().out
    assert main(["remove", "linked", "--yes"]) == 0  # the link goes, not what it points to
    assert "only the link" in capsys.readouterr().out
    assert not (root / "linked").exists() and outside.is_dir()
    assert main(["remove", "bad-timestamp", "--yes"]) == 0  # a broken folder can be removed by name
    assert not (root / "bad-timestamp").exists()
    assert main(["remove", "--older-than", "0", "--yes"]) == 0
    assert not (root / stored["fifo"]).exists() and (root / "not-an-object").is_dir()


def test_remove_keeps_an_experiment_whose_tuner_holds_it(stored, capsys):
    root = Path(os.environ["SYNETUNE_FOLDER"])
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from syne_tune.experiment_lock import ExperimentLock; "
                               "lock = ExperimentLock(sys.argv[1]); lock.acquire(); print('held', flush=True); "
                               "time.sleep(60)", str(root / stored["asha"])],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["remove", "--older-than", "0", "--yes"]) == 0
        out = capsys.readouterr().out
        assert f"keeping {stored['asha']}: it is running (PID {holder.pid}" in out
        assert (root / stored["asha"]).is_dir() and not (root / stored["fifo"]).exists()
    finally:
        holder.kill()
        holder.wait()
