"""Runs several HPO methods on one benchmark with the LocalBackend and prints a comparison table.

Example (the height toy needs no data and finishes in about a minute)::

    python benchmarking/scripts/run_benchmark.py --benchmark height --methods RS BO ASHA MOBSTER \\
        --max_wallclock_time 15 --params sleep_time=0.01 max_resource_level=27

Methods (the tutorial's names): RS (random search), BO (GP Bayesian optimization), ASHA
(stopping), ASHA-PROM (promotion), PASHA, MOBSTER (stopping with GP), HB (Hyperband with
as many brackets as rung levels), RS-SYNC (random search, synchronous scheduling).
Each method runs in its own Tuner with a fresh LocalBackend; results land in the usual
results folder (``SYNETUNE_FOLDER`` or ``~/syne-tune``).
"""
from __future__ import annotations

import argparse
import ast
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarking`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarking.definitions import BENCHMARKS, benchmark_definition  # noqa: E402

from benchmarking import methods  # noqa: E402  (the one method registry)
from benchmarking.methods import METHODS, MethodArguments  # noqa: E402


@dataclass(frozen=True)
class MethodResult:
    """One row of the comparison table."""

    method: str
    best_value: float | None
    best_trial_id: int | None
    best_config: dict | None
    num_trials: int
    num_completed: int
    num_reports: int
    wallclock_time: float
    tuner_name: str | None
    error: str | None = None


def make_scheduler(method: str, benchmark: dict, n_workers: int, random_seed: int):
    """The scheduler of ``method`` (from ``benchmarking/methods.py``), configured from the benchmark definition."""
    params = benchmark["default_params"]
    arguments = MethodArguments(
        config_space=benchmark["config_space"], metric=benchmark["metric"], mode=benchmark["mode"],
        random_seed=random_seed, resource_attr=benchmark["resource_attr"], max_t=int(params["max_resource_level"]),
        n_workers=n_workers,
        extra={"grace_period": int(params["grace_period"]), "reduction_factor": params["reduction_factor"]})
    return methods.make_scheduler(method, arguments)


def run_method(method: str, benchmark_name: str, benchmark: dict, n_workers: int,
               stop_criterion: Callable, random_seed: int = 0, tuner_sleep_time: float = 0.5) -> MethodResult:
    """Tunes the benchmark with one method until ``stop_criterion`` holds."""
    from syne_tune import Tuner
    from syne_tune.backend import LocalBackend

    scheduler = make_scheduler(method, benchmark, n_workers, random_seed)
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=benchmark["script"]),
        scheduler=scheduler,
        stop_criterion=stop_criterion,
        n_workers=n_workers,
        sleep_time=tuner_sleep_time,
        tuner_name=f"{benchmark_name}-{method}".lower().replace("_", "-"),
        asynchronous_scheduling=not METHODS[method].synchronous,
        metadata={"benchmark": benchmark_name, "method": method},
    )
    start = time.perf_counter()
    tuner.run()
    wallclock_time = time.perf_counter() - start
    status = tuner.tuning_status
    best = tuner.best_trial()
    return MethodResult(
        method=method,
        best_value=None if best is None else best[1],
        best_trial_id=None if best is None else best[0],
        best_config=None if best is None else status.trial_configs.get(best[0]),
        num_trials=status.num_trials_started,
        num_completed=status.num_trials_completed,
        num_reports=status.overall_metric_statistics.count,
        wallclock_time=wallclock_time,
        tuner_name=tuner.name,
    )


def run_benchmark(benchmark_name: str, methods: list[str], params: dict | None = None,
                  max_wallclock_time: float = 60.0, n_workers: int | None = None, random_seed: int = 0,
                  max_num_trials_started: int | None = None, tuner_sleep_time: float = 0.5) -> list[MethodResult]:
    """Runs every method in turn on the benchmark, each for ``max_wallclock_time`` seconds.

    Args:
        params: benchmark parameters over its defaults (e.g. ``{"max_resource_level": 27}``).
        n_workers: parallel trials; the benchmark's ``num_workers`` if None.
        max_num_trials_started: also stop each method after this many trials (None: no limit).
    """
    from syne_tune import StoppingCriterion

    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"Unknown method(s) {unknown}. Choose from {list(METHODS)}.")
    benchmark = benchmark_definition(benchmark_name, params)
    n_workers = int(n_workers or benchmark["default_params"]["num_workers"])
    results = []
    for method in methods:
        stop_criterion = StoppingCriterion(max_wallclock_time=max_wallclock_time,
                                           max_num_trials_started=max_num_trials_started)
        try:
            result = run_method(method, benchmark_name, benchmark, n_workers, stop_criterion,
                                random_seed=random_seed, tuner_sleep_time=tuner_sleep_time)
        except ImportError as err:  # e.g. BO/MOBSTER without the gpsearchers extra
            logging.getLogger(__name__).warning("Skipping %s: %s", method, err)
            result = MethodResult(method, None, None, None, 0, 0, 0, 0.0, None, error=str(err))
        results.append(result)
    return results


def format_table(results: list[MethodResult], metric: str, mode: str) -> str:
    """A plain-text table, best method first."""
    header = ("method", f"best {metric} ({mode})", "trials", "completed", "reports", "wallclock [s]")
    sign = -1.0 if mode == "max" else 1.0
    ordered = sorted(results, key=lambda r: (r.best_value is None, sign * (r.best_value or 0.0)))
    rows = [header] + [
        (r.method, "-" if r.best_value is None else f"{r.best_value:.6g}", str(r.num_trials),
         str(r.num_completed), str(r.num_reports), f"{r.wallclock_time:.1f}")
        for r in ordered
    ]
    notes = [f"{r.method} did not run: {r.error}" for r in ordered if r.error]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines + notes)


def _parse_params(items: list[str]) -> dict:
    params = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep:
            raise ValueError(f"--params entries must look like key=value. Got {item!r}.")
        try:
            params[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            params[key] = text  # a plain string such as a path
    return params


def main(argv: list[str] | None = None) -> list[MethodResult]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", default="height", choices=sorted(BENCHMARKS))
    parser.add_argument("--methods", nargs="+", default=["RS", "BO", "ASHA", "MOBSTER"], choices=list(METHODS))
    parser.add_argument("--params", nargs="*", default=[], metavar="KEY=VALUE",
                        help="benchmark parameters, e.g. dataset_path=./data max_resource_level=27")
    parser.add_argument("--max_wallclock_time", type=float, default=60.0, help="seconds per method")
    parser.add_argument("--max_num_trials_started", type=int, default=None)
    parser.add_argument("--n_workers", type=int, default=None)
    parser.add_argument("--random_seed", type=int, default=0)
    args = parser.parse_args(argv)
    results = run_benchmark(args.benchmark, args.methods, _parse_params(args.params),
                            max_wallclock_time=args.max_wallclock_time, n_workers=args.n_workers,
                            random_seed=args.random_seed, max_num_trials_started=args.max_num_trials_started)
    benchmark = benchmark_definition(args.benchmark, _parse_params(args.params))
    print(f"\nBenchmark {args.benchmark}: {len(results)} method(s), "
          f"{args.max_wallclock_time:g} s each\n")
    print(format_table(results, benchmark["metric"], benchmark["mode"]))
    return results


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
