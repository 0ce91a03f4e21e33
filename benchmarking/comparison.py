"""Compares HPO methods over seeds and benchmarks in simulated time, in parallel processes.

Every (method, seed, benchmark) runs the real Tuner with the benchmark's simulated backend
(``benchmark.backend(seed)``: a ``BlackboxRepositoryBackend``, or a ``SimulatorBackend`` of its
own such as ``lr-schedule``'s) for the benchmark's simulated budget. The summary (``report.md``)
gives per benchmark the median and interquartile range of the regret (or of the best metric when
no optimum is known, or of the hypervolume of all reports for a benchmark with a list of
metrics) at 1/8, 1/4, 1/2 and all of the budget, the trials started (reported or not, as
``syne-tune list`` counts them) and the scheduler's CPU time per decision; the plot
(``comparison.png``) the best-so-far against simulated time, median and 25-75% band per method
(needs matplotlib, extra ``benchmarks``). ``compare()`` takes any ``{name: Method}``; the
command line is ``benchmarking/scripts/compare_methods.py``.
"""
from __future__ import annotations

import contextlib
import logging
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarking.definitions import SIMULATED_BENCHMARKS, SimulatedBenchmark
from benchmarking.methods import Method, MethodArguments
from benchmarking.scheduler_timing import time_scheduler_calls
from syne_tune.trial_count import TrialCount

FRACTIONS = (0.125, 0.25, 0.5, 1.0)


@dataclass(frozen=True)
class RunResult:
    """One run: the best-so-far metric after each report, at its simulated time (finite values
    only, ``syne_tune.best``; NaN before the first)."""

    method: str
    benchmark: str
    seed: int
    times: np.ndarray
    best: np.ndarray
    num_trials: int  # trials started, reported or not (syne_tune.trial_count)
    wall_seconds: float
    error: str | None = None
    scheduler_seconds: float = 0.0  # CPU time in the scheduler's own calls
    num_decisions: int = 0  # on_trial_result calls
    num_trials_with_reports: int = 0

    def best_at(self, t: float) -> float:
        """Best metric reached by simulated time ``t`` (NaN before the first report)."""
        index = np.searchsorted(self.times, t, side="right") - 1
        return float(self.best[index]) if index >= 0 else math.nan


def run_one(method_name: str, method: Method, benchmark_name: str, benchmark: SimulatedBenchmark, seed: int,
            max_wallclock_time: float | None = None) -> RunResult:
    """Runs ``method`` on ``benchmark`` with ``seed`` in simulated time."""
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.best import rankable_values, running_best

    start = time.perf_counter()
    backend = benchmark.backend(seed)
    arguments = MethodArguments(
        config_space=benchmark.config_space(), metric=benchmark.metric, mode=benchmark.mode, random_seed=seed,
        resource_attr=benchmark.resource_attr, max_resource_attr=benchmark.max_resource_attr,
        n_workers=benchmark.n_workers)
    scheduler = method.make(arguments)
    scheduler_time = time_scheduler_calls(scheduler)
    budget = max_wallclock_time or benchmark.max_wallclock_time
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=budget), n_workers=benchmark.n_workers,
                  asynchronous_scheduling=not method.synchronous, progress="off",
                  tuner_name=f"{benchmark_name}-{method_name}-{seed}".lower().replace("_", "-"),
                  metadata={"benchmark": benchmark_name, "method": method_name, "seed": seed})
    with _tuner_quiet():
        tuner.run()
    from syne_tune.experiments import load_experiment

    experiment = load_experiment(tuner.name)
    trials = experiment.trial_count()  # counted as syne-tune list counts them
    df = experiment.results
    df = df.sort_values("st_tuner_time", kind="stable")  # the simulator stores nothing past the budget
    if benchmark.multi_objective:
        from syne_tune.experiment_pareto import hypervolume_over_time

        values = hypervolume_over_time(df, list(benchmark.metric), list(benchmark.mode),
                                       list(benchmark.reference_point))["hypervolume"].to_numpy(dtype=float)
        best = np.fmax.accumulate(values)
    else:
        values = rankable_values(df[benchmark.metric]).to_numpy(dtype=float)  # NaN: never best
        best = running_best(values, benchmark.mode)
        if benchmark.noise_free is not None:
            best = _noise_free_incumbent(df, values, best, benchmark.noise_free)
    return RunResult(method_name, benchmark_name, seed, df["st_tuner_time"].to_numpy(dtype=float), best,
                     trials.started, time.perf_counter() - start, scheduler_seconds=scheduler_time.seconds,
                     num_decisions=scheduler_time.decisions, num_trials_with_reports=trials.with_reports)


@contextlib.contextmanager
def _tuner_quiet():
    """Keeps the Tuner's INFO lines (a summary per run) out of the comparison's output, for this
    run only: the caller's logging is as it was afterwards."""
    package = logging.getLogger("syne_tune")
    previous, handler = package.level, logging.NullHandler()
    package.addHandler(handler)  # a configured package logger: the Tuner adds no console handler
    package.setLevel(logging.WARNING)
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(previous)


def _noise_free_incumbent(df, values: np.ndarray, best: np.ndarray, noise_free) -> np.ndarray:
    """After each report, the noise-free value of the incumbent: the config of the best report so far
    (``values``: NaN where a report cannot be best)."""
    columns = [c for c in df.columns if c.startswith("config_")]
    is_new_best = np.r_[True, best[1:] != best[:-1]] & (values == best)
    incumbent = np.maximum.accumulate(np.where(is_new_best, np.arange(len(values)), 0))
    truth = {}
    for row in np.unique(incumbent):
        truth[row] = noise_free({c[len("config_"):]: df[c].iloc[row] for c in columns})
    result = np.array([truth[row] for row in incumbent], dtype=float)
    result[np.isnan(best)] = np.nan  # no incumbent before the first numeric report
    return result


def _run_job(job) -> RunResult:
    method_name, method, benchmark_name, benchmark, seed, max_wallclock_time, folder = job
    if folder is not None:
        os.environ["SYNETUNE_FOLDER"] = folder
    try:
        return run_one(method_name, method, benchmark_name, benchmark, seed, max_wallclock_time)
    except Exception as error:  # noqa: BLE001 - one failing run must not end the comparison
        return RunResult(method_name, benchmark_name, seed, np.zeros(0), np.zeros(0), 0, 0.0,
                         error=f"{type(error).__name__}: {error}")


def compare(methods: dict[str, Method], benchmarks: list[str], seeds: int, processes: int = 2,
            max_wallclock_time: float | None = None, output: Path | None = None, log=print) -> list[RunResult]:
    """Runs every method x seed x benchmark (``processes`` at a time) and returns the runs.

    ``log`` receives one progress line per finished run.
    """
    unknown = [b for b in benchmarks if b not in SIMULATED_BENCHMARKS]
    if unknown:
        raise ValueError(f"Unknown simulated benchmark(s) {unknown}. Choose from {sorted(SIMULATED_BENCHMARKS)}.")
    folder = str(Path(output) / "experiments") if output is not None else None
    jobs = []
    for benchmark in benchmarks:
        definition = SIMULATED_BENCHMARKS[benchmark]
        for name, method in methods.items():
            if method.multi_fidelity and definition.resource_attr is None:
                log(f"Skipping {name} on {benchmark}: a multi-fidelity method on a single-fidelity benchmark.")
                continue
            if method.multi_objective != definition.multi_objective:
                kinds = ("single", "multi") if definition.multi_objective else ("multi", "single")
                log(f"Skipping {name} on {benchmark}: a {kinds[0]}-objective method on a {kinds[1]}-objective "
                    "benchmark.")
                continue
            jobs += [(name, method, benchmark, definition, seed, max_wallclock_time, folder) for seed in range(seeds)]
    start = time.perf_counter()

    def _progress(futures):
        for count, future in enumerate(futures, start=1):
            result = future.result()
            trials = TrialCount(result.num_trials, result.num_trials_with_reports)
            outcome = (f"error {result.error}" if result.error else
                       f"best {result.best[-1]:.6g} after {trials}" if len(result.best) else
                       f"no report ({trials})")
            log(f"[{count}/{len(jobs)}] {result.benchmark} {result.method} seed {result.seed}: {outcome} "
                f"({result.wall_seconds:.1f} s; {time.perf_counter() - start:.0f} s so far)")
            yield future

    with ProcessPoolExecutor(max_workers=max(1, processes)) as pool:
        futures = [pool.submit(_run_job, job) for job in jobs]
        try:
            finished = [future.result() for future in _progress(as_completed(futures))]
        except KeyboardInterrupt:  # Ctrl-C reached the workers too: drop the runs not started yet
            for future in futures:
                future.cancel()
            raise
    finished.sort(key=lambda r: (r.benchmark, list(methods).index(r.method), r.seed))
    return finished


def _shown(benchmark: SimulatedBenchmark) -> str:
    """What a comparison shows of a run: its best metric, or the hypervolume of its reports."""
    if benchmark.multi_objective:
        metrics = ", ".join(f"{m} ({mode})" for m, mode in zip(benchmark.metric, benchmark.mode))
        return f"hypervolume of {metrics}, reference point {tuple(benchmark.reference_point)}"
    return f"{benchmark.mode} {benchmark.metric}"


def _regret(benchmark: SimulatedBenchmark, values: np.ndarray, optimum: float | None) -> np.ndarray:
    if optimum is None:
        return values
    return optimum - values if benchmark.mode == "max" else values - optimum


def summary_table(results: list[RunResult], max_wallclock_time: float | None = None) -> str:
    """Markdown: per benchmark, median [25%, 75%] regret of each method at several simulated times."""
    lines = []
    for benchmark_name in dict.fromkeys(r.benchmark for r in results):
        benchmark = SIMULATED_BENCHMARKS[benchmark_name]
        budget = max_wallclock_time or benchmark.max_wallclock_time
        optimum = benchmark.best_value()
        grid = [budget * f for f in FRACTIONS]
        what = ("regret" if optimum is not None else "hypervolume" if benchmark.multi_objective
                else f"best {benchmark.metric}")
        header = " | ".join(f"{t:.0f} s" for t in grid)
        lines += [f"### {benchmark_name}: {what} ({_shown(benchmark)}), median [25%, 75%] over seeds",
                  "", f"| method | {header} | trials started | ms/decision | failed runs |",
                  "|---|" + "---|" * (len(grid) + 3)]
        runs = [r for r in results if r.benchmark == benchmark_name]
        for method in dict.fromkeys(r.method for r in runs):
            ok = [r for r in runs if r.method == method and r.error is None]
            cells = []
            for t in grid:
                values = _regret(benchmark, np.array([r.best_at(t) for r in ok]), optimum)
                values = values[~np.isnan(values)]
                cells.append("-" if not len(values) else
                             "{:.4g} [{:.4g}, {:.4g}]".format(*np.percentile(values, [50, 25, 75])))
            trials = np.median([r.num_trials for r in ok]) if ok else 0
            per_decision = np.median([1e3 * r.scheduler_seconds / max(1, r.num_decisions) for r in ok]) if ok else 0
            failed = sum(1 for r in runs if r.method == method and r.error is not None)
            lines.append(f"| {method} | " + " | ".join(cells) + f" | {trials:.0f} | {per_decision:.3g} | {failed} |")
        lines.append("")
    return "\n".join(lines)


def plot(results: list[RunResult], path: Path, max_wallclock_time: float | None = None) -> Path:
    """Best-so-far against simulated time: median line and 25-75% band per method, one panel per benchmark."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r.benchmark for r in results))
    figure, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 4), squeeze=False)
    for axis, benchmark_name in zip(axes[0], names):
        benchmark = SIMULATED_BENCHMARKS[benchmark_name]
        grid = np.linspace(0, max_wallclock_time or benchmark.max_wallclock_time, 200)[1:]
        runs = [r for r in results if r.benchmark == benchmark_name and r.error is None]
        for method in dict.fromkeys(r.method for r in runs):
            curves = np.array([[r.best_at(t) for t in grid] for r in runs if r.method == method])
            shown = ~np.isnan(curves).any(axis=0)  # from the time every seed has reported
            low, median, high = np.percentile(curves[:, shown], [25, 50, 75], axis=0)
            line, = axis.plot(grid[shown], median, label=method)
            axis.fill_between(grid[shown], low, high, color=line.get_color(), alpha=0.2)
        axis.set_title(benchmark_name)
        axis.set_xlabel("simulated time (s)")
        axis.set_ylabel("hypervolume" if benchmark.multi_objective
                        else f"best {benchmark.metric} ({benchmark.mode})")
        axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
