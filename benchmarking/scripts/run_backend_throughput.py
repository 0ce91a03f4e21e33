"""Trial throughput of Tuner + a backend, and the tuner's CPU use while trials run.

Trivial trials (one report, no sleep) with 4 workers: trials per second end to end ("cold":
from ``Tuner.run()`` on, so RayBackend's runner start-up counts, but not ``ray.init``, which is
printed apart), and in steady state (trials completed after the first ``2 * workers``, over
the time since then; same definition for every backend). Then 4 trials that sleep: CPU seconds
the tuner process spends per wallclock second (close to 0 means the loop sleeps instead of polling).

``--flood SECONDS``: instead, 4 trials report as fast as they can for a ``max_wallclock_time``
of SECONDS; prints the reports per second the tuner processed (all stored in the journal and
results.csv.zip), the tuner's CPU time per report, and the delay from the stopping criterion
holding to ``run()`` returning.

``--progress off live`` runs each setting with the progress display off and with the live
(rich) block redrawn every 0.5 s into /dev/null as if it were a terminal, alternating, and
prints the median throughput of each; ``--repeats`` sets the number of pairs.

    python benchmarking/scripts/run_backend_throughput.py --trials 60
    python benchmarking/scripts/run_backend_throughput.py --trials 100 --backend local python --repeats 3
    python benchmarking/scripts/run_backend_throughput.py --flood 20
    python benchmarking/scripts/run_backend_throughput.py --trials 100 --progress off live --repeats 5
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import uniform
from syne_tune.constants import ST_WORKER_TIMESTAMP, SYNE_TUNE_FOLDER_ENV
from syne_tune.optimizer.schedulers import FIFOScheduler
from syne_tune.progress import TuningProgress
from syne_tune.tuner_callback import StoreResultsCallback, TunerCallback

SCRIPT = Path(__file__).resolve().parents[1] / "training_scripts" / "trivial" / "report_once.py"
FLOOD_SCRIPT = Path(__file__).resolve().parents[1] / "training_scripts" / "trivial" / "report_flood.py"


def report_once(x: float = 0.0, sleep: float = 0.0) -> None:
    """What SCRIPT does, as a function for PythonBackend."""
    import time

    from syne_tune import Reporter

    time.sleep(sleep)
    Reporter()(loss=(x - 0.5) ** 2, epoch=1)


def make_backend(name: str, n_workers: int):
    if name == "local":
        return LocalBackend(str(SCRIPT))
    if name == "python":
        from syne_tune.backend import PythonBackend

        return PythonBackend(report_once, {"x": uniform(0, 1), "sleep": 0.0})
    from syne_tune.backend import RayBackend

    # A local Ray instance with as many CPUs as workers, so that 4 trials run at once as with LocalBackend.
    return RayBackend(str(SCRIPT), ray_init_kwargs={"num_cpus": n_workers, "object_store_memory": 100 * 2**20})


class ReportLatency(TunerCallback):
    """Seconds from a script's report (``st_worker_timestamp``) to the scheduler seeing it; completion times."""

    def __init__(self):
        self.latencies: list[float] = []
        self.completions: list[float] = []  # time.perf_counter() of each trial completion

    def on_trial_result(self, trial, status, result, decision) -> None:
        self.latencies.append(time.time() - result[ST_WORKER_TIMESTAMP])

    def on_trial_complete(self, trial, result) -> None:
        self.completions.append(time.perf_counter())

    def steady_throughput(self, skip: int) -> float:
        """Trials per second completed after the first ``skip`` completions."""
        times = self.completions[skip - 1:]
        return (len(times) - 1) / (times[-1] - times[0])


class TimedProgress(TuningProgress):
    """The progress display, counting the time the tuner loop spends in it."""

    seconds = 0.0
    redraws = 0

    def on_loop_end(self) -> None:
        start, due = time.perf_counter(), self._next_refresh
        super().on_loop_end()
        TimedProgress.seconds += time.perf_counter() - start
        TimedProgress.redraws += start >= due


def make_progress(mode: str):
    """``off``, ``lines``, or ``live``: the rich block drawn into /dev/null as on a terminal."""
    if mode == "live":
        return TimedProgress("live", file=open(os.devnull, "w"))
    return mode


def run(backend_name: str, n_trials: int, n_workers: int, sleep: float, sleep_time: float,
        latency: ReportLatency | None = None, progress: str = "off") -> tuple[float, float]:
    """Returns (wallclock seconds, tuner CPU seconds) to complete ``n_trials`` trials."""
    space = {"x": uniform(0, 1), "sleep": sleep}
    scheduler = FIFOScheduler(space, metric="loss", random_seed=0, search_options={"debug_log": False})
    stop = StoppingCriterion(max_num_trials_completed=n_trials - 1)
    start = time.perf_counter()
    backend = make_backend(backend_name, n_workers)
    if latency is not None:
        print(f"{backend_name}: backend constructed in {time.perf_counter() - start:.2f} s")
    tuner = Tuner(backend, scheduler, stop,
                  n_workers=n_workers, sleep_time=sleep_time, results_update_interval=60,
                  print_update_interval=3600, progress=make_progress(progress),
                  callbacks=[StoreResultsCallback()] + ([latency] if latency is not None else []))
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    tuner.run()
    return time.perf_counter() - start_wall, time.process_time() - start_cpu


class TimedStop:
    """A StoppingCriterion that remembers when it first held."""

    def __init__(self, seconds: float):
        self.criterion = StoppingCriterion(max_wallclock_time=seconds)
        self.held_at: float | None = None

    def __call__(self, status) -> bool:
        if self.criterion(status):
            if self.held_at is None:
                self.held_at = time.perf_counter()
            return True
        return False


def run_flood(seconds: float, n_workers: int) -> None:
    """Trials that report as fast as they can: what the tuner keeps up with, and how fast it stops."""
    space = {"x": uniform(0, 1), "seconds": 10 * seconds + 60}
    scheduler = FIFOScheduler(space, metric="loss", random_seed=0)
    stop = TimedStop(seconds)
    tuner = Tuner(LocalBackend(str(FLOOD_SCRIPT)), scheduler, stop, n_workers=n_workers, sleep_time=1.0,
                  print_update_interval=3600, progress="off")
    start_cpu = time.process_time()
    tuner.run()
    end, cpu = time.perf_counter(), time.process_time() - start_cpu
    reports = tuner.tuning_status.overall_metric_statistics.count
    elapsed = stop.held_at - (end - tuner.tuning_status.wallclock_time)
    stored = len(pd.read_csv(tuner.tuner_path / "results.csv.zip", usecols=["trial_id"]))
    print(f"flood, {n_workers} trials, {seconds:.0f} s: {reports} reports, {reports / elapsed:,.0f} reports/s processed; "
          f"tuner CPU {1e6 * cpu / reports:.1f} us per report; run() returned {end - stop.held_at:.2f} s after "
          f"the stopping criterion held; results.csv.zip holds {stored} rows")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backend", choices=["local", "python", "ray"], nargs="+", default=["local"])
    parser.add_argument("--sleep_time", type=float, default=5.0, help="Tuner sleep_time (its default is 5)")
    parser.add_argument("--repeats", type=int, default=1, help="runs of the backend list, e.g. local ray local ray")
    parser.add_argument("--progress", choices=["off", "lines", "live"], nargs="+", default=["off"],
                        help="progress display(s) to compare, run alternately (default: off)")
    parser.add_argument("--flood", type=float, default=None, help="seconds of the report-flood benchmark")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault(SYNE_TUNE_FOLDER_ENV, tempfile.mkdtemp(prefix="st-throughput-"))
    if args.flood is not None:
        for _ in range(args.repeats):
            run_flood(args.flood, args.workers)
        return
    throughput: dict[tuple[str, str], list[float]] = {}
    for backend in args.backend * args.repeats:
        for progress in args.progress:
            latency = ReportLatency()
            wall, _ = run(backend, args.trials, args.workers, sleep=0.0, sleep_time=args.sleep_time,
                          latency=latency, progress=progress)
            median = sorted(latency.latencies)[len(latency.latencies) // 2]
            steady = latency.steady_throughput(2 * args.workers)
            if progress == "live":
                print(f"{backend} (progress live): {1000 * TimedProgress.seconds:.0f} ms in the display over "
                      f"{TimedProgress.redraws} redraws ({100 * TimedProgress.seconds / wall:.2f}% of {wall:.2f} s)")
                TimedProgress.seconds, TimedProgress.redraws = 0.0, 0
            throughput.setdefault((backend, progress), []).append(steady)
            print(f"{backend} (progress {progress}): {args.trials} trivial trials, {args.workers} workers: "
                  f"{wall:.2f} s, {args.trials / wall:.1f} trials/s cold, {steady:.1f} trials/s steady; "
                  f"report latency median {1000 * median:.0f} ms, max {1000 * max(latency.latencies):.0f} ms")
            wall, cpu = run(backend, args.workers, args.workers, sleep=3.0, sleep_time=args.sleep_time,
                            progress=progress)
            print(f"{backend} (progress {progress}): {args.workers} trials sleeping 3 s: tuner CPU {cpu:.3f} s "
                  f"over {wall:.2f} s wallclock ({100 * cpu / wall:.1f}% of one core)")
    if len(args.progress) > 1:
        for (backend, progress), values in throughput.items():
            print(f"{backend}, progress {progress}: median steady throughput {statistics.median(values):.1f} "
                  f"trials/s over {len(values)} runs ({', '.join(f'{v:.1f}' for v in values)})")


if __name__ == "__main__":
    main()
