"""Fault injection with real processes: misbehaving trials, and launchers killed by every signal.

After each run: no process of the experiment is alive (checked by the pids every process wrote,
and by the environment every trial process inherits), every report a trial printed before the
kill is stored, ``load_experiment`` reads it, and a killed experiment resumes to completion.
"""
import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.backend.process_guard import MARKER_ENV
from syne_tune.config_space import choice, uniform
from syne_tune.constants import SYNE_TUNE_FOLDER_ENV
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler

SCRIPT = str(Path(__file__).parent / "scripts" / "misbehaving_script.py")
# the first two never end by themselves: they hold two of the four workers until tuning ends
MODES = ["hang", "hidden_child", "normal", "nan", "inf", "string", "no_metric", "crash_start", "crash_mid", "garbage",
         "grandchildren"]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _experiment_processes(results_root: Path) -> list[int]:
    """Live processes whose environment says they belong to an experiment below ``results_root``."""
    needle = f"{SYNE_TUNE_FOLDER_ENV}={results_root}".encode()
    found = []
    for process in psutil.process_iter():
        try:
            environ = Path(f"/proc/{process.pid}/environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0") and MARKER_ENV.encode() in environ and _alive(process.pid):
            found.append(process.pid)
    return found


def _noted_pids(tuner_path: Path) -> list[int]:
    return [int(p) for f in tuner_path.glob("*/pids.txt") for p in f.read_text().split()]


def _in_trial_groups(pids: list[int]) -> list[int]:
    """Live processes whose process group is one of the trials' (each trial leads its own group)."""
    groups, found = set(pids), []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) in groups and _alive(process.pid):
                found.append(process.pid)
        except (OSError, psutil.Error):
            continue
    return found


def _assert_nothing_alive(tuner_path: Path, results_root: Path) -> None:
    deadline = time.time() + 5
    while time.time() < deadline:
        pids = _noted_pids(tuner_path)
        alive = [p for p in pids if _alive(p)] + _experiment_processes(results_root) + _in_trial_groups(pids)
        if not alive:
            return
        time.sleep(0.1)
    raise AssertionError(f"processes of the experiment still alive: {alive}")


def test_misbehaving_trials_fail_alone_and_leave_no_process(_results_root, caplog):
    space = {"mode": choice(MODES), "epochs": 3, "x": uniform(0, 1), "sleep": 0.05}
    points = [{"mode": mode, "x": 0.3} for mode in MODES]
    scheduler = FIFOScheduler(space, metric="loss", mode="min", random_seed=1, points_to_evaluate=points)

    def all_but_the_holding_ones_ended(status) -> bool:
        seen = status.last_trial_status_seen
        return all(seen.get(t) in ("Completed", "Failed") for t in range(2, len(MODES)))

    tuner = Tuner(LocalBackend(SCRIPT), scheduler, all_but_the_holding_ones_ended, n_workers=4, sleep_time=0.2,
                  max_failures=100, tuner_name="faults")
    with caplog.at_level("WARNING"):
        tuner.run()
    results = load_experiment(tuner.name).results
    by_trial = results.groupby("trial_id")
    status = {t: tuner.tuning_status.last_trial_status_seen[t] for t in range(len(MODES))}
    mode_of = dict(enumerate(MODES))
    for trial_id, mode in mode_of.items():
        if mode in ("normal", "nan", "inf", "garbage", "grandchildren"):
            assert status[trial_id] == "Completed", (mode, status[trial_id])
            assert list(by_trial.get_group(trial_id)["epoch"]) == [1, 2, 3], mode
        elif mode in ("string", "no_metric", "crash_start", "crash_mid"):
            assert status[trial_id] == "Failed", (mode, status[trial_id])
    # NaN and inf stay stored as reported, and never count as best
    loss = pd.to_numeric(results["loss"], errors="coerce")  # the 'oops' trial makes it a column of strings
    assert loss[results["trial_id"] == MODES.index("nan")].iloc[1:].isna().all()
    assert set(loss[results["trial_id"] == MODES.index("inf")].iloc[1:]) == {math.inf, -math.inf}
    best_id, best_value = tuner.best_trial()
    assert math.isfinite(best_value) and mode_of.get(best_id) not in ("nan", "inf")
    assert load_experiment(tuner.name).best_config()["trial_id"] not in (MODES.index("nan"), MODES.index("inf"))
    # the failing reports name the trial, the metric and the keys reported
    assert f"Trial {MODES.index('string')} reported" in caplog.text and "loss='oops'" in caplog.text
    assert f"Trial {MODES.index('no_metric')} reported {{'epoch': 1}} without 'loss'" in caplog.text
    assert "longer than 1000000 bytes" in caplog.text and "malformed metric line" in caplog.text
    # garbage: the well-formed report with a forged timestamp was kept, with a numeric one
    garbage = by_trial.get_group(MODES.index("garbage"))
    assert pd.api.types.is_float_dtype(garbage["st_worker_timestamp"])
    _assert_nothing_alive(tuner.tuner_path, _results_root)


def test_nan_under_asha_stops_the_trial_and_experiment_goes_on(_results_root):
    space = {"mode": choice(["normal", "nan"]), "epochs": 9, "x": uniform(0, 1), "sleep": 0.02}
    points = [{"mode": "nan", "x": 0.3}, {"mode": "normal", "x": 0.3}, {"mode": "normal", "x": 0.4}]
    scheduler = HyperbandScheduler(space, metric="loss", mode="min", resource_attr="epoch", max_t=9,
                                   grace_period=1, reduction_factor=3, random_seed=0, points_to_evaluate=points)
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_finished=8), n_workers=2,
                  sleep_time=0.2)
    tuner.run()
    results = load_experiment(tuner.name).results
    nan_trial = results[results["trial_id"] == 0]
    assert nan_trial["epoch"].max() < 9  # stopped at a rung after its loss became NaN
    assert math.isfinite(tuner.best_trial()[1])


def test_promotion_keeps_reports_printed_while_a_pause_travels(_results_root):
    # No max_resource_attr: the script keeps training (and checkpointing) after its report at a
    # rung until the pause reaches it. Those reports are stored, the scheduler learns from them,
    # and the resumed trial continues right after them: no epoch is lost or run twice.
    space = {"x": uniform(0, 1), "epochs": 27, "hold_after": 0, "sleep": 0.0, "mode": "checkpointing"}
    scheduler = HyperbandScheduler(space, metric="loss", mode="min", resource_attr="epoch", max_t=27,
                                   grace_period=1, reduction_factor=3, type="promotion", random_seed=0)
    # (A trial whose late reports reach max_t ends Stopped, not Completed: count started trials.)
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_started=12), n_workers=2,
                  sleep_time=0.1)
    tuner.run()
    results = load_experiment(tuner.name).results
    for trial_id, rows in results.groupby("trial_id"):
        # a kill between a report and its checkpoint makes the resumed script repeat that epoch
        epochs = list(rows["epoch"])
        assert epochs == sorted(epochs) and set(epochs) == set(range(1, max(epochs) + 1)), (trial_id, epochs)
    paused = results[results["st_decision"] == "PAUSE"]["trial_id"].unique()
    assert len(paused) > 0


def test_option_like_config_values_reach_the_script_verbatim(tmp_path):
    from syne_tune.backend.trial_backend import command_line_arguments

    assert command_line_arguments({"note": "--lr=999", "act": "-relu", "lr": 0.1}) == [
        "--note=--lr=999", "--act=-relu", "--lr=0.1"]


LAUNCHER = textwrap.dedent("""
    import sys
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import FIFOScheduler

    space = {"x": uniform(0, 1), "epochs": 6, "hold_after": 3, "mode": sys.argv[2]}
    scheduler = FIFOScheduler(space, metric="loss", random_seed=0)
    tuner = Tuner(LocalBackend(sys.argv[1]), scheduler, StoppingCriterion(max_num_trials_completed=1),
                  n_workers=2, sleep_time=0.2, results_update_interval=60, tuner_name="killed")
    print(tuner.tuner_path, flush=True)
    tuner.run()
""")


def _start_launcher(tmp_path: Path, mode: str = "grandchildren"):
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    process = subprocess.Popen([sys.executable, str(launcher), SCRIPT, mode], stdout=subprocess.PIPE, text=True,
                               stderr=subprocess.DEVNULL, env=dict(os.environ))
    path = Path(process.stdout.readline().strip())
    deadline = time.time() + 60
    while not all((path / str(t) / "holding").exists() for t in (0, 1)):
        assert time.time() < deadline, "trials did not reach their hold point"
        time.sleep(0.05)
    time.sleep(1.5)  # reports reach the journal within about a second
    return process, path


@pytest.mark.parametrize("signals", [
    [signal.SIGINT], [signal.SIGINT, signal.SIGINT], [signal.SIGTERM], [signal.SIGTERM, signal.SIGINT],
    [signal.SIGHUP], [signal.SIGKILL]], ids=["int", "int-int", "term", "term-int", "hup", "kill"])
def test_killed_launcher_leaves_no_process_keeps_reports_and_resumes(signals, tmp_path, _results_root):
    process, path = _start_launcher(tmp_path)
    for signum in signals:
        process.send_signal(signum)
        time.sleep(0.05)
    process.wait(timeout=60)
    _assert_nothing_alive(path, _results_root)
    results = load_experiment(path.name).results
    for trial_id in (0, 1):  # every report printed before the kill is stored
        assert sorted(results[results["trial_id"] == trial_id]["epoch"]) == [1, 2, 3]
    if signals != [signal.SIGKILL]:
        assert (path / "results.csv.zip").exists() and (path / "tuner.dill").exists()
        assert len(pd.read_csv(path / "results.csv.zip")) == len(results)

    tuner = Tuner.load(path)
    tuner.run()  # the two trials restart from their checkpoints and complete: 2 > 1 completed
    results = load_experiment(path.name).results
    for trial_id in (0, 1):
        epochs = results[results["trial_id"] == trial_id]["epoch"]
        assert sorted(epochs) == [1, 2, 3, 4, 5, 6], (trial_id, list(epochs))
    assert tuner.tuning_status.num_trials_completed == 2
    assert tuner.tuning_status.wallclock_time > 1.5  # counts the time of the first run
    _assert_nothing_alive(path, _results_root)


CRASHING_LAUNCHER = textwrap.dedent("""
    import sys
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import HyperbandScheduler
    from syne_tune.tuner_callback import TunerCallback

    class DieWithUnsavedEvent(TunerCallback):
        # Dies as from a SIGKILL once the journal on disk holds an event of the kind $DIE_AFTER
        # that tuner.dill does not account for (the tuner saves at most once a second).
        def on_tuning_start(self, tuner):
            self.tuner = tuner

        def on_loop_end(self):
            import os  # pickled by value with the tuner: no module globals

            event, path = os.environ.get("DIE_AFTER"), self.tuner.tuner_path
            if event is None or not (path / "tuner.dill").exists():
                return
            unsaved = (path / "journal.jsonl").read_text().splitlines()[self.tuner._journal_lines:]
            if any(f'"st_event": "{event}"' in line for line in unsaved):
                os._exit(1)

    space = {"x": uniform(0, 1), "epochs": 9, "sleep": 0.02, "mode": "checkpointing"}
    scheduler = HyperbandScheduler(space, metric="loss", mode="min", resource_attr="epoch", max_t=9,
                                   grace_period=1, reduction_factor=3, type="promotion", random_seed=0)
    tuner = Tuner(LocalBackend(sys.argv[1]), scheduler, StoppingCriterion(max_num_trials_started=40), n_workers=2,
                  sleep_time=0.05, tuner_name="crashed", callbacks=[DieWithUnsavedEvent()])
    print(tuner.tuner_path, flush=True)
    tuner.run()
""")


@pytest.mark.parametrize("event", ["start", "resume"])
def test_trial_started_or_resumed_after_the_last_save_is_known_when_continued(event, tmp_path, _results_root):
    # The scheduler in tuner.dill predates the trial's start (or promotion); replaying the journal
    # asks it again, and it must then know the trial as before the crash: no config proposed
    # twice, no promotion of a trial that already runs (which crashed Tuner.load(...).run()).
    launcher = tmp_path / "launcher.py"
    launcher.write_text(CRASHING_LAUNCHER)
    run = subprocess.run([sys.executable, str(launcher), SCRIPT], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "DIE_AFTER": event})
    assert run.returncode == 1, run.stderr[-3000:]
    path = Path(run.stdout.splitlines()[0])
    _assert_nothing_alive(path, _results_root)
    journal = [json.loads(line) for line in (path / "journal.jsonl").read_text().splitlines()]
    crashed_trial = [r["trial_id"] for r in journal if r.get("st_event") == event][-1]

    tuner = Tuner.load(path)
    tuner.run()
    journal = [json.loads(line) for line in (path / "journal.jsonl").read_text().splitlines()]
    restarted = [r["trial_id"] for r in journal if r.get("st_event") == "restart"]
    assert crashed_trial in restarted  # running as far as the scheduler knows
    results = load_experiment(path.name).results
    configs = results.groupby("trial_id")["config_x"].first()
    assert configs.is_unique  # the config of a trial started before the crash is not suggested again
    for trial_id, rows in results.groupby("trial_id"):
        # Around the crash an epoch may repeat (killed between report and checkpoint) or be missing
        # (its report was still in the pipe when the launcher died); otherwise epochs are in order.
        epochs = list(rows["epoch"])
        assert epochs == sorted(epochs) and epochs[0] == 1, (trial_id, epochs)
    assert tuner.tuning_status.num_trials_started >= 40
    _assert_nothing_alive(path, _results_root)
