"""One owner per experiment, and nothing a resume can erase: real launchers, real kills, real locks.

- launchers started with one name in the same millisecond get folders of their own;
- a second run of an experiment that a live process holds is refused, naming that process;
- continuing an experiment whose journal was deleted or truncated changes nothing and says why;
- a launcher killed in its first second, or between journaling a trial's start and spawning it,
  is continued without losing or re-using a trial.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import uniform
from syne_tune.experiment_lock import ExperimentLocked
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.schedulers import FIFOScheduler

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tests" / "backend" / "checkpointing_script.py"

LAUNCHER = textwrap.dedent("""
    import os, signal, sys
    import syne_tune.results_path as results_path
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import FIFOScheduler

    fixed = os.environ.get("FIXED_NAME")
    if fixed:  # every launcher's first name is the same, as for launchers started in the same millisecond
        real, calls = results_path.name_from_base, []

        def name_from_base(base):
            calls.append(base)
            return fixed if len(calls) == 1 else real(base)

        results_path.name_from_base = name_from_base
        import syne_tune.tuner
        syne_tune.tuner.name_from_base = name_from_base

    class Backend(LocalBackend):
        def _schedule(self, trial_id, config):
            import os, signal  # pickled by value with the tuner: no module globals

            if str(trial_id) == os.environ.get("KILL_AT_START"):  # after the journal named the trial
                os.kill(os.getpid(), signal.SIGKILL)
            super()._schedule(trial_id, config)

    barrier = os.environ.get("BARRIER")
    while barrier and not os.path.exists(barrier):
        pass
    space = {"lr": uniform(0.1, 1.0), "epochs": int(os.environ.get("EPOCHS", "3")), "sleep": float(os.environ.get("SLEEP", "0.05"))}
    scheduler = FIFOScheduler(space, metric="loss", mode="min", random_seed=int(os.environ.get("SEED", "0")))
    tuner = Tuner(Backend(sys.argv[1]), scheduler, StoppingCriterion(max_num_trials_completed=int(os.environ.get("TRIALS", "3"))),
                  n_workers=2, sleep_time=0.05, tuner_name="same", progress="off")
    tuner.run()
    print(tuner.tuner_path, flush=True)
""")


def _launch(tmp_path: Path, **env) -> subprocess.Popen:
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    return subprocess.Popen([sys.executable, str(launcher), str(SCRIPT)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO), **{k: str(v) for k, v in env.items()}})


def _events(path: Path, event: str) -> list[dict]:
    lines = (path / "journal.jsonl").read_text().splitlines()
    return [r for r in map(json.loads, lines) if r.get("st_event") == event]


def test_launchers_started_with_one_name_in_one_millisecond_get_folders_of_their_own(tmp_path, _results_root):
    barrier = tmp_path / "go"
    launchers = [_launch(tmp_path, FIXED_NAME="same-2026-01-01-00-00-00-000", BARRIER=barrier, SEED=seed)
                 for seed in range(3)]
    time.sleep(1.0)
    barrier.touch()
    paths = []
    for launcher in launchers:
        out, err = launcher.communicate(timeout=120)
        assert launcher.returncode == 0, err[-2000:]
        paths.append(Path(out.strip()))
    assert len(set(paths)) == 3 and Path(_results_root / "same-2026-01-01-00-00-00-000") in paths
    for path in paths:
        starts = [r["trial_id"] for r in _events(path, "start")]
        assert len(starts) == len(set(starts)), f"a trial id started twice in {path.name}"
        assert json.loads((path / "metadata.json").read_text())["tuner_name"] == path.name


def _tuner(trials: int = 3, epochs: int = 3) -> Tuner:
    space = {"lr": uniform(0.1, 1.0), "epochs": epochs, "sleep": 0.02}
    return Tuner(LocalBackend(str(SCRIPT)), FIFOScheduler(space, metric="loss", mode="min", random_seed=1),
                 StoppingCriterion(max_num_trials_completed=trials), n_workers=2, sleep_time=0.05, progress="off")


def test_a_second_owner_of_a_running_experiment_is_refused_and_a_dead_ones_lock_taken_over(tmp_path):
    launcher = _launch(tmp_path, EPOCHS=200, SLEEP=0.05, TRIALS=100)
    deadline = time.time() + 60
    while not list(Path(os.environ["SYNETUNE_FOLDER"]).glob("same-*/tuner.dill")):
        assert time.time() < deadline and launcher.poll() is None, launcher.stderr.read()[-2000:]
        time.sleep(0.05)
    path = next(Path(os.environ["SYNETUNE_FOLDER"]).glob("same-*"))
    journal_before = (path / "journal.jsonl").stat().st_size
    with pytest.raises(ExperimentLocked, match=f"PID {launcher.pid} on host"):
        Tuner.load(path).run()
    assert launcher.poll() is None  # the owner runs on, undisturbed
    launcher.send_signal(signal.SIGKILL)
    launcher.wait()
    assert (path / "journal.jsonl").stat().st_size >= journal_before
    tuner = Tuner.load(path)
    tuner.stop_criterion = StoppingCriterion(max_num_trials_started=0)  # just take over and end
    tuner.run()  # the kernel released the dead launcher's lock
    restarts = [r["trial_id"] for r in _events(path, "restart")]
    assert len(restarts) == len(set(restarts))


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_continuing_after_the_journal_was_damaged_changes_nothing_and_says_why(damage):
    tuner = _tuner()
    tuner.run()
    path = tuner.tuner_path
    table = (path / "results.csv.zip").read_bytes()
    rows = len(load_experiment(tuner.name).results)
    journal = path / "journal.jsonl"
    if damage == "deleted":
        journal.unlink()
    else:
        lines = journal.read_text().splitlines(keepends=True)
        journal.write_text("".join(lines[: len(lines) // 2]))
    with pytest.raises(RuntimeError, match="cannot be continued.*journal.jsonl.*results.csv.zip holds"):
        Tuner.load(path).run()
    assert (path / "results.csv.zip").read_bytes() == table
    assert len(load_experiment(tuner.name).results) == rows


def test_a_launcher_killed_in_its_first_second_is_continued(tmp_path):
    launcher = _launch(tmp_path, EPOCHS=5, TRIALS=4)
    root = Path(os.environ["SYNETUNE_FOLDER"])
    deadline = time.time() + 60
    while not any('"st_event": "start"' in p.read_text() for p in root.glob("same-*/journal.jsonl")):
        assert time.time() < deadline, "no trial started"
        time.sleep(0.005)
    launcher.send_signal(signal.SIGKILL)
    launcher.wait()
    path = next(root.glob("same-*"))
    assert (path / "tuner.dill").exists()  # saved before the first trial started
    tuner = Tuner.load(path)
    tuner.run()
    assert tuner.tuning_status.num_trials_completed >= 4
    starts = [r["trial_id"] for r in _events(path, "start")]
    assert len(starts) == len(set(starts))


def test_a_launcher_killed_between_journaling_a_start_and_spawning_it_keeps_the_trial(tmp_path):
    launcher = _launch(tmp_path, KILL_AT_START=2, TRIALS=4)
    _, err = launcher.communicate(timeout=120)
    assert launcher.returncode == -signal.SIGKILL, err[-2000:]
    path = next(Path(os.environ["SYNETUNE_FOLDER"]).glob("same-*"))
    assert [r["trial_id"] for r in _events(path, "start")][-1] == 2  # journaled, never spawned
    assert not (path / "2" / "std.out").exists() or not (path / "2" / "std.out").read_text()
    os.environ.pop("KILL_AT_START", None)
    tuner = Tuner.load(path)
    tuner.run()
    starts = [r["trial_id"] for r in _events(path, "start")]
    assert starts.count(2) == 1 and len(starts) == len(set(starts))  # trial 2's id was not re-used
    results = load_experiment(path.name).results
    assert sorted(results[results["trial_id"] == 2]["epoch"]) == [1, 2, 3]  # it ran after the resume
