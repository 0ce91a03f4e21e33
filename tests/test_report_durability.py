"""No report lost: launchers SIGKILLed at random moments, each continued by ``Tuner.load(...).run()``.

The training script checkpoints each epoch, then reports it, then notes in ``printed.log`` that the
report was printed. A report still in the pipe when the launcher dies must be in the results after
the resume: every epoch noted as printed is stored, none twice, and an epoch is missing only if the
script was killed between its checkpoint and its report (it never printed it).
"""
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

from syne_tune.experiments import load_experiment

SCRIPT = textwrap.dedent("""
    import argparse, json, os, time
    from pathlib import Path
    from syne_tune import Reporter

    parser = argparse.ArgumentParser()
    parser.add_argument("--x", type=float)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--sleep", type=float)
    parser.add_argument("--st_checkpoint_dir", type=str)
    args, _ = parser.parse_known_args()
    checkpoint = Path(args.st_checkpoint_dir)
    checkpoint.mkdir(parents=True, exist_ok=True)
    epoch = json.loads((checkpoint / "state.json").read_text())["epoch"] if (checkpoint / "state.json").exists() else 0
    printed = os.open(checkpoint.parent / "printed.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    report = Reporter()
    while epoch < args.epochs:
        epoch += 1
        if args.sleep:
            time.sleep(args.sleep)
        (checkpoint / "state.tmp").write_text(json.dumps({"epoch": epoch}))
        os.replace(checkpoint / "state.tmp", checkpoint / "state.json")
        report(epoch=epoch, loss=args.x / epoch)
        os.write(printed, b"%d\\n" % epoch)
""")

LAUNCHER = textwrap.dedent("""
    import sys
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import choice
    from syne_tune.optimizer.schedulers import FIFOScheduler

    script, epochs, sleep, path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    if path == "new":
        space = {"x": choice([1.0, 2.0, 3.0]), "epochs": epochs, "sleep": sleep}
        scheduler = FIFOScheduler(space, metric="loss", mode="min", searcher="random", random_seed=0)
        tuner = Tuner(LocalBackend(script), scheduler, StoppingCriterion(max_num_trials_completed=3), n_workers=3,
                      sleep_time=0.05, tuner_name="durable", progress="off")
    else:
        tuner = Tuner.load(path)
    print(tuner.tuner_path, flush=True)
    tuner.run()
""")


def _launch(tmp_path: Path, epochs: int, sleep: float, path: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(tmp_path / "launcher.py"), str(tmp_path / "train.py"), str(epochs),
                             str(sleep), path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _run_with_kills(tmp_path: Path, seed: int, kills: int, epochs: int, sleep: float) -> Path:
    """Starts the experiment, SIGKILLs ``kills`` launchers at random moments (each one continues the
    last), then lets a last ``Tuner.load(path).run()`` finish it; returns the experiment folder."""
    (tmp_path / "train.py").write_text(SCRIPT)
    (tmp_path / "launcher.py").write_text(LAUNCHER)
    draw = random.Random(seed)
    path = "new"
    for _ in range(kills):
        launcher = _launch(tmp_path, epochs, sleep, path)
        path = launcher.stdout.readline().strip()
        _wait_until_trials_report(Path(path))
        time.sleep(draw.uniform(0.0, 0.5))
        launcher.send_signal(signal.SIGKILL)
        launcher.wait(timeout=30)
        _wait_until_trials_ended(Path(path))
    launcher = _launch(tmp_path, epochs, sleep, path)
    assert launcher.wait(timeout=120) == 0
    return Path(path)


def _wait_until_trials_report(path: Path, timeout: float = 30.0) -> None:
    """Until the (re)started trials printed a report: a kill then finds reports on their way."""
    def printed() -> int:
        return sum(log.stat().st_size for log in path.glob("*/printed.log"))

    before, deadline = printed(), time.time() + timeout
    while printed() == before and time.time() < deadline:
        time.sleep(0.01)


def _wait_until_trials_ended(path: Path, timeout: float = 10.0) -> None:
    """The guardian kills the trials of a killed launcher: wait for that before resuming."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not any(str(path) in " ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"])):
            return
        time.sleep(0.05)


def _check_no_report_lost(path: Path, epochs: int, kills: int) -> None:
    results = load_experiment(path.name).results
    assert sorted(results["trial_id"].unique()) == [0, 1, 2]
    for trial_id, rows in results.groupby("trial_id"):
        stored = list(rows["epoch"])
        assert len(stored) == len(set(stored)), f"trial {trial_id} has epochs stored twice"
        printed = {int(line) for line in (path / str(trial_id) / "printed.log").read_text().split()}
        lost = sorted(printed - set(stored))
        assert not lost, f"trial {trial_id}: epochs {lost} were printed but are not in the results"
        missing = set(range(1, epochs + 1)) - set(stored)
        # the script was killed between an epoch's checkpoint and its report: at most one epoch per kill
        assert len(missing) <= kills, f"trial {trial_id}: epochs {sorted(missing)} are missing"


def test_launcher_kills_at_random_moments_lose_no_report(tmp_path, _results_root):
    epochs = 600  # at 200 reports/s per trial: ~3 s of training per trial
    for seed in (0, 1, 2):
        folder = tmp_path / f"seed{seed}"
        folder.mkdir()
        path = _run_with_kills(folder, seed, kills=3, epochs=epochs, sleep=0.005)
        _check_no_report_lost(path, epochs, kills=3)


def test_launcher_killed_under_a_report_flood_loses_no_report(tmp_path, _results_root):
    epochs = 15_000  # as fast as the script can: the pipe and the tuner's queue are full when it dies
    path = _run_with_kills(tmp_path, seed=2, kills=2, epochs=epochs, sleep=0.0)
    _check_no_report_lost(path, epochs, kills=2)
