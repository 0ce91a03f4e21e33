"""Costs that must stay flat as an experiment grows: per trial, per snapshot, and in memory.

    python benchmarking/scripts/run_long_run_costs.py                  # 20,000 simulated trials
    python benchmarking/scripts/run_long_run_costs.py --trials 5000 --window 1000
    python benchmarking/scripts/run_long_run_costs.py --backend local --minutes 10 --window 500

Runs random search over 1-epoch trials of the synthetic multi-fidelity blackbox on the
SimulatorBackend, or (``--backend local``) over real trial processes that report once
(training_scripts/trivial/report_once.py) on the LocalBackend until ``--minutes`` have passed;
4 workers, results written as usual (journal, results.csv.zip, tuner.dill). Prints, for each
window of ``--window`` trials: the Tuner's wall time per trial in that window (the whole loop:
scheduler, backend, journal, results table and the Tuner's own snapshots), the time one
``tuner.save()`` takes at that size, the share of the window the Tuner spent saving its own
snapshots, and the launcher's resident memory (after a garbage collection). Flat columns mean
the run costs O(trials) overall, not O(trials²).
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarking`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarking.utils.experiment_folder import temporary_experiment_folder  # noqa: E402
from syne_tune import StoppingCriterion, Tuner  # noqa: E402
from syne_tune.tuner_callback import TunerCallback  # noqa: E402


def resident_megabytes() -> float:
    """The process's resident memory now (Linux /proc; NaN elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class CostsPerWindow(TunerCallback):
    """Every ``window`` trials started: wall time per trial since the last window, one save's time, memory."""

    def __init__(self, window: int):
        self.window = window
        self.rows: list[tuple[int, float, float, float, float]] = []
        self.snapshot_seconds = 0.0  # in the Tuner's own saves, this window
        self._tuner = None
        self._next = window
        self._last = (0, time.perf_counter())

    def on_tuning_start(self, tuner) -> None:
        self._tuner = tuner
        self._last = (0, time.perf_counter())

    def on_loop_end(self) -> None:
        started = self._tuner.tuning_status.num_trials_started
        if started < self._next:
            return
        now = time.perf_counter()
        per_trial = (now - self._last[1]) / max(started - self._last[0], 1)
        share = self.snapshot_seconds / max(now - self._last[1], 1e-9)
        self.snapshot_seconds = 0.0
        with tempfile.TemporaryDirectory() as folder:
            begin = time.perf_counter()
            self._tuner.save(folder)
            save = time.perf_counter() - begin
        gc.collect()
        self.rows.append((started, per_trial * 1e3, save * 1e3, 100 * share, resident_megabytes()))
        self._next += self.window
        self._last = (started, time.perf_counter())  # the measurement itself is not charged to the next window


def run(trials: int, window: int, backend: str = "simulator",
        minutes: float | None = None) -> list[tuple[int, float, float, float]]:
    from syne_tune.backend import LocalBackend
    from syne_tune.blackbox_repository import UserBlackboxBackend
    from syne_tune.blackbox_repository.synthetic import synthetic_multifidelity
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.baselines import RandomSearch
    from syne_tune.tuner_callback import StoreResultsCallback

    if backend == "local":
        script = Path(__file__).resolve().parents[1] / "training_scripts" / "trivial" / "report_once.py"
        trial_backend, space = LocalBackend(str(script)), {"x": uniform(0, 1)}
        stop = StoppingCriterion(max_wallclock_time=60 * minutes) if minutes else \
            StoppingCriterion(max_num_trials_started=trials - 1)
    else:
        box = synthetic_multifidelity()
        trial_backend = UserBlackboxBackend(box, "elapsed_time", max_resource_attr="epochs")
        space = dict(box.configuration_space_with_max_resource_attr("epochs"), epochs=1)
        stop = StoppingCriterion(max_num_trials_started=trials - 1)
    costs = CostsPerWindow(window)
    tuner_save = Tuner.save

    def timed_save(tuner, folder=None):  # the Tuner's own snapshots (folder None), not the probe's
        start = time.perf_counter()
        tuner_save(tuner, folder)
        if folder is None:
            costs.snapshot_seconds += time.perf_counter() - start

    tuner = Tuner(trial_backend, RandomSearch(space, metric="loss", mode="min", random_seed=0), stop, n_workers=4,
                  sleep_time=0.05, progress="off", tuner_name="long-run-costs",
                  callbacks=[StoreResultsCallback(), costs])
    Tuner.save = timed_save
    try:
        tuner.run()
    finally:
        Tuner.save = tuner_save
    return costs.rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20_000)
    parser.add_argument("--window", type=int, default=2_000)
    parser.add_argument("--backend", choices=["simulator", "local"], default="simulator")
    parser.add_argument("--minutes", type=float, help="with --backend local: run this long instead of --trials")
    args = parser.parse_args(argv)
    logging.getLogger("syne_tune").addHandler(logging.NullHandler())  # no summary: the Tuner adds no handler
    # The callback is pickled with the tuner: from the module, not from __main__ (which only dill can pickle).
    from benchmarking.scripts.run_long_run_costs import run as run_from_module

    with temporary_experiment_folder():
        start = time.perf_counter()
        rows = run_from_module(args.trials, args.window, args.backend, args.minutes)
        wall = time.perf_counter() - start
    kind = "real processes on the LocalBackend" if args.backend == "local" else "1-epoch trials on the SimulatorBackend"
    print(f"Random search, {kind}, 4 workers: {rows[-1][0] if rows else 0:,}+ trials in {wall:.1f} s")
    print(f"{'trials':>8}  {'ms per trial':>12}  {'ms per save':>11}  {'% saving':>8}  {'resident MB':>11}")
    for started, per_trial, save, share, memory in rows:
        print(f"{started:>8,}  {per_trial:>12.3f}  {save:>11.1f}  {share:>8.1f}  {memory:>11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
