"""What the tracker callbacks cost the Tuner: trial throughput and the report flood, with and without each.

Settings (alternating, ``--repeats`` rounds, so that a busy machine hits all alike):
``none`` (StoreResultsCallback only), ``tensorboard``, ``mlflow`` (a SQLite store, MLflow's
default, in a temporary folder), ``mlflow-file`` (the file store) and ``wandb`` (offline); and a
control, ``mlflow-import-only``: no tracker, only a child process at the trackers' priority that
imports mlflow, i.e. the CPU a tracker's start-up takes from the machine.

- throughput: ``--trials`` trivial trials (one report each, LocalBackend, 4 workers); trials per
  second completed in steady state (after the first 8), as ``run_backend_throughput.py`` measures,
  and the CPU time of the Tuner's process per trial (the tracker's own process excluded: this is
  what the callback costs the tuning loop, and it is much less noisy than wallclock rates);
- flood: 4 trials that report as fast as they can for ``--flood`` seconds; reports per second the
  tuner processed, the Tuner process's CPU time per report, and the seconds ``run()`` took to
  return after the stopping criterion held (the tracker's flush of what is still queued counts here).

Both also give the **tracker's own CPU time in the Tuner's process** (its hooks, timed with
``time.thread_time`` around each call, and the thread feeding its tracking process), per trial
and per report: the cost the callback adds to the tuning loop, measured directly rather than as
the difference of two noisy process totals.

Prints one line per run and the medians per setting with their ratio to ``none``.

    python benchmarking/scripts/run_tracker_overhead.py --trials 60 --flood 10 --repeats 3
"""
from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarking`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarking.scripts.run_backend_throughput import TimedStop  # noqa: E402
from syne_tune import StoppingCriterion, Tuner  # noqa: E402
from syne_tune.backend import LocalBackend  # noqa: E402
from syne_tune.config_space import uniform  # noqa: E402
from syne_tune.constants import SYNE_TUNE_FOLDER_ENV  # noqa: E402
from syne_tune.optimizer.schedulers import FIFOScheduler  # noqa: E402
from syne_tune.tuner_callback import StoreResultsCallback, TunerCallback  # noqa: E402

TRIVIAL = Path(__file__).resolve().parents[1] / "training_scripts" / "trivial"
SETTINGS = {"none": None, "tensorboard": "tensorboardX", "mlflow": "mlflow", "mlflow-file": "mlflow", "wandb": "wandb",
            "mlflow-import-only": "mlflow"}


def make_tracker(setting: str, folder: Path):
    if setting == "tensorboard":
        from syne_tune.callbacks import TensorboardCallback

        return [TensorboardCallback(logdir=folder / "tb")]
    if setting == "mlflow":
        from syne_tune.callbacks import MLflowCallback

        return [MLflowCallback(tracking_uri=f"sqlite:///{folder / 'mlflow.db'}", flush_timeout=300)]
    if setting == "mlflow-file":
        from syne_tune.callbacks import MLflowCallback

        os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
        return [MLflowCallback(tracking_uri=(folder / "mlruns").as_uri(), flush_timeout=300)]
    if setting == "wandb":
        from syne_tune.callbacks import WandbCallback

        return [WandbCallback(mode="offline", dir=str(folder), flush_timeout=300)]
    if setting == "mlflow-import-only":
        return [ImportOnly("mlflow")]
    return []


class ImportOnly(TunerCallback):
    """A control, no tracker: a child process at the trackers' priority that imports ``module`` and
    ends. What the Tuner's process loses to it is the CPU contention of a tracker's start-up."""

    def __init__(self, module: str):
        self.module = module
        self._process = None

    def on_tuning_start(self, tuner) -> None:
        import subprocess

        from syne_tune.callbacks.tracker_process import _NICE

        code = f"import os; os.nice({_NICE}); import {self.module}"
        self._process = subprocess.Popen([sys.executable, "-c", code])

    def on_tuning_end(self) -> None:
        self._process.wait()


class TrackerCpu:
    """Sums the thread CPU time of the trackers' hooks and feeding threads in this process."""

    HOOKS = ("on_tuning_start", "on_result_row", "on_trial_end", "on_loop_end", "on_tuning_end")

    def __init__(self):
        self.seconds = 0.0

    def install(self) -> None:
        from syne_tune.callbacks import tracker, tracker_process

        for name in self.HOOKS:
            setattr(tracker.TrackerCallback, name, self._timed(getattr(tracker.TrackerCallback, name)))
        tracker_process.TrackerChannel._feed = self._timed(tracker_process.TrackerChannel._feed)

    def _timed(self, method):
        def timed(*args, **kwargs):
            start = time.thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds += time.thread_time() - start

        return timed

    def take(self) -> float:
        seconds, self.seconds = self.seconds, 0.0
        return seconds


TRACKER_CPU = TrackerCpu()


class Completions(TunerCallback):
    def __init__(self):
        self.times: list[float] = []

    def on_trial_complete(self, trial, result) -> None:
        self.times.append(time.perf_counter())

    def steady(self, skip: int) -> float:
        times = self.times[skip - 1:]
        return (len(times) - 1) / (times[-1] - times[0])


def throughput(setting: str, n_trials: int, n_workers: int, folder: Path) -> tuple[float, float]:
    scheduler = FIFOScheduler({"x": uniform(0, 1), "sleep": 0.0}, metric="loss", random_seed=0)
    completions = Completions()
    tuner = Tuner(LocalBackend(str(TRIVIAL / "report_once.py")), scheduler,
                  StoppingCriterion(max_num_trials_completed=n_trials - 1), n_workers=n_workers, sleep_time=0.05,
                  results_update_interval=60, progress="off",
                  callbacks=[StoreResultsCallback(), completions, *make_tracker(setting, folder)])
    TRACKER_CPU.take()
    cpu = time.process_time()
    tuner.run()
    return completions.steady(2 * n_workers), (time.process_time() - cpu) / n_trials, TRACKER_CPU.take() / n_trials


def flood(setting: str, seconds: float, n_workers: int, folder: Path) -> tuple[float, float, float]:
    scheduler = FIFOScheduler({"x": uniform(0, 1), "seconds": 10 * seconds + 60}, metric="loss", random_seed=0)
    stop = TimedStop(seconds)
    tuner = Tuner(LocalBackend(str(TRIVIAL / "report_flood.py")), scheduler, stop, n_workers=n_workers,
                  sleep_time=1.0, progress="off", callbacks=[StoreResultsCallback(), *make_tracker(setting, folder)])
    TRACKER_CPU.take()
    cpu = time.process_time()
    tuner.run()
    end, cpu = time.perf_counter(), time.process_time() - cpu
    reports = tuner.tuning_status.overall_metric_statistics.count
    elapsed = stop.held_at - (end - tuner.tuning_status.wallclock_time)
    return reports / elapsed, cpu / reports, end - stop.held_at, TRACKER_CPU.take() / reports


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--flood", type=float, default=10.0, help="seconds of the report flood (0: skip it)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=list(SETTINGS))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    root = Path(tempfile.mkdtemp(prefix="st-trackers-"))
    os.environ.setdefault(SYNE_TUNE_FOLDER_ENV, str(root / "experiments"))
    os.environ.setdefault("WANDB_SILENT", "true")
    settings = [s for s in args.settings if SETTINGS[s] is None or importlib.util.find_spec(SETTINGS[s])]
    if any(SETTINGS[s] for s in settings):
        TRACKER_CPU.install()
    keys = ("trials/s", "ms CPU/trial", "ms tracker CPU/trial", "reports/s", "us CPU/report",
            "us tracker CPU/report", "return s")
    figures: dict[str, dict[str, list[float]]] = {s: {key: [] for key in keys} for s in settings}
    for repeat in range(args.repeats):
        for setting in settings:
            folder = Path(tempfile.mkdtemp(dir=root, prefix=f"{setting}-"))
            rate, cpu, own = throughput(setting, args.trials, args.workers, folder)
            figures[setting]["trials/s"].append(rate)
            figures[setting]["ms CPU/trial"].append(1000 * cpu)
            figures[setting]["ms tracker CPU/trial"].append(1000 * own)
            line = (f"round {repeat + 1}, {setting}: {rate:.1f} trials/s steady, tuner CPU {1000 * cpu:.2f} ms per "
                    f"trial (tracker {1000 * own:.2f})")
            if args.flood > 0:
                reports, cpu, returned, own = flood(setting, args.flood, args.workers, folder)
                figures[setting]["reports/s"].append(reports)
                figures[setting]["us CPU/report"].append(1e6 * cpu)
                figures[setting]["us tracker CPU/report"].append(1e6 * own)
                figures[setting]["return s"].append(returned)
                line += (f"; flood {reports:,.0f} reports/s processed, tuner CPU {1e6 * cpu:.1f} us per report "
                         f"(tracker {1e6 * own:.2f}), run() returned {returned:.2f} s after the stop")
            print(line, flush=True)
    base = {key: statistics.median(values) for key, values in figures["none"].items() if values} \
        if "none" in figures else {}
    print(f"\nmedians over {args.repeats} rounds ({args.trials} trivial trials, {args.workers} workers; "
          f"flood {args.flood:.0f} s):")
    for setting, values in figures.items():
        parts = []
        for key, series in values.items():
            if not series:
                continue
            median = statistics.median(series)
            ratio = f" ({median / base[key]:.2f}x none)" if base.get(key) and key != "return s" else ""
            own = {"ms tracker CPU/trial": "ms CPU/trial", "us tracker CPU/report": "us CPU/report"}.get(key)
            if own in base:  # the tracker's own CPU against the tuner's CPU without a tracker
                ratio = f" ({100 * median / base[own]:.1f}% of none's tuner CPU)"
            parts.append(f"{median:,.2f} {key}{ratio}")
        print(f"  {setting:12s} " + "; ".join(parts))


if __name__ == "__main__":
    main()
