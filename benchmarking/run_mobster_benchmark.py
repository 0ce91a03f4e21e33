"""MOBSTER (HyperbandScheduler, searcher='bayesopt') with each resource kernel next to ASHA, in simulated time.

    python benchmarking/run_mobster_benchmark.py                 # 10 seeds, 1200 simulated seconds
    python benchmarking/run_mobster_benchmark.py --quick         # 3 seeds, 600 s, default kernel only
    python benchmarking/run_mobster_benchmark.py --output docs/benchmarks-mobster.md

Same benchmark as run_hyperband_benchmark.py (SyntheticCurves, 4 workers, max_t = 81). A full
evaluation takes ~81 simulated seconds, so ~20 full evaluations fit in ~400 s with 4 workers.
Prints the median regret against simulated time, the scheduler's CPU time per decision, and the
searcher's CPU time per new configuration against the number of observations it holds.
Runs are spread over ``--jobs`` processes.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarking.multifidelity_simulation import SyntheticCurves, simulate  # noqa: E402
from syne_tune.optimizer.schedulers import HyperbandScheduler  # noqa: E402
from syne_tune.optimizer.schedulers.searchers.search_options import MultiFidelityGPSearchOptions  # noqa: E402

N_WORKERS = 4
DEFAULT_KERNEL = MultiFidelityGPSearchOptions.gp_resource_kernel
KERNELS = ("exp-decay-sum", "exp-decay-delta1", "exp-decay-combined", "matern52", "matern52-res-warp")
# Refit the GP only when a trial reached max_t once past 50 observations; 'rungs' data (the default).
MOBSTER_OPTIONS = {"opt_skip_num_max_resource": True, "opt_skip_init_length": 50, "debug_log": False}
BUCKETS = (0, 50, 150, 300, 500, 700, 10_000)


def _scheduler(method: str, benchmark: SyntheticCurves, seed: int) -> HyperbandScheduler:
    common = dict(metric=benchmark.metric, mode="min", resource_attr=benchmark.resource_attr,
                  max_resource_attr="epochs", random_seed=seed)
    if method == "ASHA stopping":
        return HyperbandScheduler(benchmark.config_space, searcher="random", type="stopping", **common)
    if method == "ASHA promotion":
        return HyperbandScheduler(benchmark.config_space, searcher="random", type="promotion", **common)
    kernel, type_ = method.split(" ")[1], method.split(" ")[2] if method.count(" ") > 1 else "stopping"
    return HyperbandScheduler(benchmark.config_space, searcher="bayesopt", type=type_,
                              search_options={**MOBSTER_OPTIONS, "gp_resource_kernel": kernel}, **common)


def _run(method: str, seed: int, max_time: float):
    """One simulated run: (regret trace, trials, reports, s/decision, [(observations, s per new config)])."""
    logging.disable(logging.WARNING)
    benchmark = SyntheticCurves()
    scheduler = _scheduler(method, benchmark, seed)
    timings = []
    searcher = scheduler.searcher
    if hasattr(searcher, "dataset_size") and method.startswith("MOBSTER"):
        get_config = searcher.get_config

        def timed_get_config(**kwargs):
            size, start = searcher.dataset_size(), time.process_time()
            config = get_config(**kwargs)
            timings.append((size, time.process_time() - start))
            return config
        searcher.get_config = timed_get_config
    result = simulate(scheduler, benchmark, N_WORKERS, max_time=max_time, seed=seed)
    return result.trace, result.num_trials, result.num_reports, result.seconds_per_decision(), timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--max-time", type=float, default=1200.0, help="simulated seconds per run")
    parser.add_argument("--quick", action="store_true", help="3 seeds, 600 s, default kernel only")
    parser.add_argument("--kernels", nargs="*", default=list(KERNELS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--mobster-promotion", action="store_true", help="also MOBSTER with type='promotion'")
    parser.add_argument("--output", type=Path, help="also write the markdown tables here")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.max_time, args.kernels = 3, 600.0, [DEFAULT_KERNEL]
    methods = ["ASHA stopping", "ASHA promotion"] + [f"MOBSTER {k}" for k in args.kernels] \
        + ([f"MOBSTER {DEFAULT_KERNEL} promotion"] if args.mobster_promotion else [])
    grid = [args.max_time * k / 8 for k in range(1, 9)]
    jobs = [(m, s) for m in methods for s in range(args.seeds)]
    start = time.time()
    with ProcessPoolExecutor(args.jobs) as pool:
        outputs = list(pool.map(_run, [m for m, _ in jobs], [s for _, s in jobs], [args.max_time] * len(jobs)))
    by_method = {m: [o for (mm, _), o in zip(jobs, outputs) if mm == m] for m in methods}
    lines = _tables(args, grid, by_method, time.time() - start)
    print("\n".join(lines))
    if args.output:
        args.output.write_text("\n".join(lines) + "\n")
    return 0


def _regret_at(trace, t):
    value = float("inf")
    for time_, regret in trace:
        if time_ > t:
            break
        value = regret
    return value


def _tables(args, grid, by_method, wall) -> list[str]:
    lines = [f"Median regret over {args.seeds} seeds, {N_WORKERS} workers (simulated seconds); "
             f"MOBSTER options {MOBSTER_OPTIONS} ({wall:.0f} s wall clock):", "",
             "| method | " + " | ".join(f"{t:.0f}" for t in grid) + " | trials | reports | ms/decision |",
             "|---|" + "---|" * (len(grid) + 3)]
    medians = {}
    for method, runs in by_method.items():
        medians[method] = np.median([[_regret_at(run[0], t) for t in grid] for run in runs], axis=0)
        cells = " | ".join(f"{v:.4f}" for v in medians[method])
        lines.append(f"| {method} | {cells} | {np.mean([r[1] for r in runs]):.0f} | "
                     f"{np.mean([r[2] for r in runs]):.0f} | {1e3 * np.mean([r[3] for r in runs]):.2f} |")
    lines += ["", "Searcher CPU seconds per new configuration (get_config) by observations held "
              "(mean over all runs; count of calls in brackets):", "",
              "| method | " + " | ".join(f"{lo}-{hi}" for lo, hi in zip(BUCKETS, BUCKETS[1:])) + " | max |",
              "|---|" + "---|" * len(BUCKETS)]
    for method, runs in by_method.items():
        timings = [t for run in runs for t in run[4]]
        if not timings:
            continue
        cells = []
        for lo, hi in zip(BUCKETS, BUCKETS[1:]):
            chosen = [s for n, s in timings if lo <= n < hi]
            cells.append(f"{np.mean(chosen):.3f} ({len(chosen)})" if chosen else "-")
        lines.append(f"| {method} | " + " | ".join(cells) + f" | {max(s for _, s in timings):.2f} |")
    checked = [i for i, t in enumerate(grid) if t >= 400.0]
    asha = np.minimum(medians["ASHA stopping"], medians["ASHA promotion"])
    lines += ["", "Targets:"]
    for method, values in medians.items():
        if method.startswith("MOBSTER"):
            ok = all(values[i] <= asha[i] for i in checked)
            lines.append(f"- {method} median regret <= best ASHA at every time >= 400 s: {'yes' if ok else 'NO'}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
