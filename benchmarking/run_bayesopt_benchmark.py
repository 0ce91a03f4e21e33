"""Benchmark: random search vs bayesopt on Branin and Hartmann6, driving FIFOScheduler directly.

No backend, no subprocesses: each evaluation is instantaneous. With ``workers > 1`` the runner keeps
that many trials pending and completes the oldest one before each new suggestion, so every
bayesopt suggestion is made with ``workers − 1`` pending evaluations (fantasized).

    python -m benchmarking.run_bayesopt_benchmark --seeds 10
    python -m benchmarking.run_bayesopt_benchmark --quick
    python -m benchmarking.run_bayesopt_benchmark --non-finite --seeds 20   # NaN region: impute vs drop
    python -m benchmarking.run_bayesopt_benchmark --options '{"num_fantasy_samples": 50}'
"""
from __future__ import annotations

import argparse
import json
import time
from collections import deque

import numpy as np

from benchmarking.synthetic_functions import SYNTHETIC_FUNCTIONS, SyntheticFunction
from syne_tune.backend.trial_status import Trial
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler

METRIC = "objective"


def run(function: SyntheticFunction, searcher: str, seed: int, num_evaluations: int, workers: int,
        search_options: dict | None = None, mode: str = "min", non_finite: str | None = None
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best-so-far regret after each evaluation (NaN values never count as best): (num_evaluations,);
    plus wall-clock and CPU seconds per suggestion and the number of observations at each suggestion.
    ``non_finite`` sets the GP searcher's policy for NaN values ('impute' or 'drop')."""
    scheduler = FIFOScheduler(function.config_space, searcher=searcher, metric=METRIC, mode=mode,
                              random_seed=seed, search_options=dict(search_options or {}, debug_log=False))
    if non_finite is not None:
        scheduler.searcher.non_finite = non_finite
    sign = -1.0 if mode == "max" else 1.0
    running: deque[Trial] = deque()
    values, times, cpu_times, observed = [], [], [], []
    trial_id = 0
    while len(values) < num_evaluations:
        while len(running) < workers and trial_id < num_evaluations:
            start, cpu_start = time.perf_counter(), time.process_time()
            suggestion = scheduler.suggest(trial_id)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
            observed.append(len(values))
            running.append(Trial(trial_id=trial_id, config=suggestion.config))
            trial_id += 1
        trial = running.popleft()
        value = function.function(trial.config)
        scheduler.on_trial_complete(trial, {METRIC: sign * value})
        values.append(value)
    regret = np.fmin.accumulate(np.array(values)) - function.optimum
    return regret, np.array(times), np.array(cpu_times), np.array(observed)


def hartmann6_with_nan_region(threshold: float = 0.6) -> SyntheticFunction:
    """Hartmann6 returning NaN where x1 > ``threshold`` (40 % of the space at 0.6; the optimum, at
    x1 = 0.15, is outside): a stand-in for a learning rate whose loss diverges."""
    base = SYNTHETIC_FUNCTIONS["hartmann6"]

    def function(config: dict) -> float:
        return float("nan") if config["x1"] > threshold else base.function(config)

    return SyntheticFunction("hartmann6-nan", function, base.config_space, base.optimum)


def compare_non_finite_policies(seeds: int, evaluations: int, workers_list: list[int],
                                policies: list[str]) -> None:
    """Regret of the GP searcher's NaN policies on :func:`hartmann6_with_nan_region`."""
    function = hartmann6_with_nan_region()
    checkpoints = [c for c in (30, 50, 100, 200) if c <= evaluations]
    for workers in workers_list:
        for policy in policies:
            regrets = np.array([run(function, "bayesopt", seed, evaluations, workers, non_finite=policy)[0]
                                for seed in range(seeds)])
            cells = "  ".join(f"@{c}: {quartiles(regrets[:, c - 1])}" for c in checkpoints)
            print(f"hartmann6-nan workers={workers} {policy:7s} {cells}", flush=True)


def quartiles(x: np.ndarray) -> str:
    q1, q2, q3 = np.percentile(x, [25, 50, 75])
    return f"{q2:.4f} [{q1:.4f}, {q3:.4f}]"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="number of random seeds per setting")
    parser.add_argument("--evaluations", type=int, default=50)
    parser.add_argument("--functions", nargs="+", default=list(SYNTHETIC_FUNCTIONS))
    parser.add_argument("--quick", action="store_true", help="2 seeds, 30 evaluations, Branin only")
    parser.add_argument("--timing-evaluations", type=int, default=110,
                        help="length of the Hartmann6 run used to time suggestions (0 to skip)")
    parser.add_argument("--options", default="{}", help="search_options for bayesopt, as a JSON object")
    parser.add_argument("--non-finite", action="store_true",
                        help="only compare the NaN policies ('impute', 'drop') on Hartmann6 with a NaN region")
    parser.add_argument("--policies", nargs="+", default=["impute", "drop"], choices=["impute", "drop"])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.evaluations, args.functions, args.timing_evaluations = 2, 30, ["branin"], 40
    try:
        options = json.loads(args.options)
    except json.JSONDecodeError as error:
        parser.error(f"--options must be a JSON object such as '{{\"opt_nstarts\": 3}}': {error}")
    if not isinstance(options, dict):
        parser.error(f"--options must be a JSON object. Got {args.options!r}.")
    if args.non_finite:
        compare_non_finite_policies(args.seeds, args.evaluations, args.workers, args.policies)
        return
    checkpoints = [c for c in (30, 50, 100, 200) if c <= args.evaluations]
    print(f"regret: median [q25, q75] over {args.seeds} seeds; bayesopt options {options}")
    for name in args.functions:
        function = SYNTHETIC_FUNCTIONS[name]
        for workers in args.workers:
            for searcher in ("random", "bayesopt"):
                start = time.perf_counter()
                regrets = np.array([run(function, searcher, seed, args.evaluations, workers,
                                        options if searcher == "bayesopt" else None)[0]
                                    for seed in range(args.seeds)])
                cells = "  ".join(f"@{c}: {quartiles(regrets[:, c - 1])}" for c in checkpoints)
                print(f"{name:10s} workers={workers} {searcher:8s} {cells}  ({time.perf_counter() - start:.1f}s)",
                      flush=True)
    if args.timing_evaluations:
        print("seconds per bayesopt suggestion, wall-clock (CPU of this process), median over the window,"
              " then over seeds, by number of observations:")
        for workers in (1, 4):
            runs = [run(SYNTHETIC_FUNCTIONS["hartmann6"], "bayesopt", seed, args.timing_evaluations, workers,
                        options) for seed in range(min(args.seeds, 3))]
            for low in range(10, args.timing_evaluations, 20):
                window = [((n >= low) & (n < low + 20), t, c) for _, t, c, n in runs]
                wall = [np.median(t[w]) for w, t, _ in window if np.any(w)]
                cpu = [np.median(c[w]) for w, _, c in window if np.any(w)]
                print(f"  workers={workers} (pending={workers - 1}) observations {low}-{low + 19}: "
                      f"{np.median(wall):.4f} s ({np.median(cpu):.4f} s CPU)", flush=True)


if __name__ == "__main__":
    main()
