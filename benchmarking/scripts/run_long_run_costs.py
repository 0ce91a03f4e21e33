"""Costs that must stay flat as an experiment grows: per trial, per snapshot, and in memory.

    python benchmarking/scripts/run_long_run_costs.py                  # 20,000 simulated trials
    python benchmarking/scripts/run_long_run_costs.py --trials 5000 --window 1000 --heap
    python benchmarking/scripts/run_long_run_costs.py --backend local --minutes 10 --window 500

Runs random search over 1-epoch trials of the synthetic multi-fidelity blackbox on the
SimulatorBackend, or (``--backend local``) over real trial processes that report once
(training_scripts/trivial/report_once.py) on the LocalBackend until ``--minutes`` have passed;
4 workers, results written as usual (journal, results.csv.zip, tuner.dill). Prints, for each
window of ``--window`` trials: the Tuner's wall time per trial in that window (the whole loop:
scheduler, backend, journal, results table and the Tuner's own snapshots) and the launcher's
resident memory (after a garbage collection). Flat columns mean the run costs O(trials)
overall, not O(trials²). ``--heap`` adds the Python heap (tracemalloc, which slows the run) and,
at the end, where it grew most.

Then the Tuner's own ``tuner.dill`` saves (when ``run()`` began and ended) and what keeping the
experiment resumable costs at the other end: a resume of the finished experiment from the
``tuner.dill`` written when its run began (as after a SIGKILL late in the run), which replays
the whole journal.
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import shutil
import time
import tracemalloc
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
    """Every ``window`` trials started: wall time per trial since the last window, and memory."""

    def __init__(self, window: int):
        self.window = window
        self.rows: list[tuple[int, float, float, float]] = []
        self.first_snapshot: bytes | None = None  # tuner.dill as written when run() began
        self.heaps = (None, None)  # tracemalloc snapshots at the first and the last window
        self._tuner = None
        self._next = window
        self._last = (0, time.perf_counter())

    def on_tuning_start(self, tuner) -> None:
        self._tuner = tuner
        self._last = (0, time.perf_counter())

    def on_loop_end(self) -> None:
        if self.first_snapshot is None:
            self.first_snapshot = (self._tuner.tuner_path / "tuner.dill").read_bytes()
        started = self._tuner.tuning_status.num_trials_started
        if started < self._next:
            return
        now = time.perf_counter()
        per_trial = (now - self._last[1]) / max(started - self._last[0], 1)
        gc.collect()
        heap = float("nan")
        if tracemalloc.is_tracing():
            heap = tracemalloc.get_traced_memory()[0] / 2**20
            self.heaps = (self.heaps[0] or tracemalloc.take_snapshot(), tracemalloc.take_snapshot())
        self.rows.append((started, per_trial * 1e3, resident_megabytes(), heap))
        self._next += self.window
        self._last = (started, time.perf_counter())  # the measurement itself is not charged to the next window


def run(trials: int, window: int, backend: str = "simulator", minutes: float | None = None):
    """(rows per window, (the Tuner's saves, their seconds), (resume seconds, journal lines),
    (first, last) tracemalloc snapshots)."""
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
    tuner = Tuner(trial_backend, RandomSearch(space, metric="loss", mode="min", random_seed=0), stop, n_workers=4,
                  sleep_time=0.05, progress="off", tuner_name="long-run-costs",
                  callbacks=[StoreResultsCallback(), costs])
    tuner.run()
    saves = (tuner.snapshots.count, tuner.snapshots.seconds)
    return costs.rows, saves, resume_seconds(tuner, costs.first_snapshot), costs.heaps


def resume_seconds(tuner, first_snapshot: bytes) -> tuple[float, int]:
    """Seconds a resume takes from the ``tuner.dill`` of the run's beginning (it replays the whole
    journal; the stopping criterion already holds, so no trial restarts), and the journal lines."""
    folder = tuner.tuner_path
    shutil.copy(folder / "tuner.dill", folder / "tuner.dill.end")
    (folder / "tuner.dill").write_bytes(first_snapshot)
    lines = sum(1 for _ in open(folder / "journal.jsonl", "rb"))
    start = time.perf_counter()
    resumed = Tuner.load(folder)
    resumed.run()
    seconds = time.perf_counter() - start
    assert resumed.tuning_status.num_trials_started == tuner.tuning_status.num_trials_started
    return seconds, lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20_000)
    parser.add_argument("--window", type=int, default=2_000)
    parser.add_argument("--backend", choices=["simulator", "local"], default="simulator")
    parser.add_argument("--minutes", type=float, help="with --backend local: run this long instead of --trials")
    parser.add_argument("--heap", action="store_true", help="trace the Python heap (slower)")
    args = parser.parse_args(argv)
    if args.heap:
        tracemalloc.start(8)
    logging.getLogger("syne_tune").addHandler(logging.NullHandler())  # no summary: the Tuner adds no handler
    # The callback is pickled with the tuner: from the module, not from __main__ (which only dill can pickle).
    from benchmarking.scripts.run_long_run_costs import run as run_from_module

    with temporary_experiment_folder():
        start = time.perf_counter()
        rows, (saves, save_seconds), (resume, lines), (heap_first, heap_last) = run_from_module(args.trials, args.window, args.backend, args.minutes)
        wall = time.perf_counter() - start
    kind = "real processes on the LocalBackend" if args.backend == "local" else "1-epoch trials on the SimulatorBackend"
    print(f"Random search, {kind}, 4 workers: {rows[-1][0] if rows else 0:,}+ trials in {wall:.1f} s")
    print(f"{'trials':>8}  {'ms per trial':>12}  {'resident MB':>11}  {'heap MB':>8}")
    for started, per_trial, memory, heap in rows:
        print(f"{started:>8,}  {per_trial:>12.3f}  {memory:>11.1f}  {heap:>8.2f}")
    print(f"The Tuner saved tuner.dill {saves} times (when run() began and ended): {save_seconds:.2f} s in all")
    if len(rows) > 1 and args.heap:
        grown = (rows[-1][3] - rows[0][3]) * 2**20 / max(rows[-1][0] - rows[0][0], 1)
        print(f"Python heap: {grown / 1024:.2f} KB per trial from {rows[0][0]:,} to {rows[-1][0]:,} trials; grew most at:")
        if heap_first is not None:
            for stat in heap_last.compare_to(heap_first, "lineno")[:8]:
                print(f"  {stat.size_diff / 1024:>9.1f} KB  {stat.traceback[0]}")
    print(f"Resume from the tuner.dill of the run's beginning: {resume:.2f} s to replay {lines:,} journal lines "
          f"({1e3 * resume / max(lines, 1):.3f} ms per line)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
