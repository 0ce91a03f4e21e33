"""Compares FIFO random search with ASHA (stopping, promotion), PASHA and Hyperband in simulated time.

    python benchmarking/run_hyperband_benchmark.py            # 10 seeds, 3600 simulated seconds
    python benchmarking/run_hyperband_benchmark.py --quick    # 3 seeds, 1200 s, for a smoke check

Prints the median regret against simulated time, the scheduler's CPU time per decision
(overall and while 900-1000 trials exist) and whether the targets hold:
every successive-halving variant below FIFO at every time point from the first full
evaluation on, and < 1 ms per decision at 1000 trials.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``benchmarking`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarking.multifidelity_simulation import SyntheticCurves, simulate  # noqa: E402
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler  # noqa: E402

N_WORKERS = 4


def _hyperband(**kwargs):
    def factory(benchmark: SyntheticCurves, seed: int):
        return HyperbandScheduler(benchmark.config_space, searcher="random", metric=benchmark.metric, mode="min",
                                  resource_attr=benchmark.resource_attr, max_resource_attr="epochs",
                                  random_seed=seed, **kwargs)
    return factory


METHODS = {
    "FIFO random": lambda benchmark, seed: FIFOScheduler(
        benchmark.config_space, searcher="random", metric=benchmark.metric, mode="min", random_seed=seed),
    "ASHA stopping": _hyperband(type="stopping"),
    "ASHA promotion": _hyperband(type="promotion"),
    # epsilon in units of the loss: twice the report noise (the default 1.0 suits metrics in percent)
    "PASHA": _hyperband(type="pasha"),
    "Hyperband 3 brackets": _hyperband(type="stopping", brackets=3),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--max-time", type=float, default=3600.0, help="simulated seconds per run")
    parser.add_argument("--quick", action="store_true", help="3 seeds, 1200 s")
    parser.add_argument("--output", type=Path, help="also write the markdown tables here")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.max_time = 3, 1200.0
    logging.disable(logging.WARNING)
    benchmark = SyntheticCurves()
    grid = [args.max_time * k / 8 for k in range(1, 9)]
    regrets, overhead, throughput = {}, {}, {}
    for name, factory in METHODS.items():
        runs = [simulate(factory(benchmark, seed), benchmark, N_WORKERS, max_time=args.max_time, seed=seed)
                for seed in range(args.seeds)]
        regrets[name] = np.median([[run.regret_at(t) for t in grid] for run in runs], axis=0)
        throughput[name] = (np.mean([run.num_trials for run in runs]), np.mean([run.num_reports for run in runs]))
        at_1000 = simulate(factory(benchmark, 10_000), benchmark, N_WORKERS, max_trials=1000, seed=10_000)
        overhead[name] = (1e3 * np.mean([run.seconds_per_decision() for run in runs]),
                          1e3 * at_1000.seconds_per_decision(900, 1000), at_1000.num_trials)
    lines = _tables(args, grid, regrets, overhead, throughput, benchmark)
    print("\n".join(lines))
    if args.output:
        args.output.write_text("\n".join(lines) + "\n")
    return 0


def _tables(args, grid, regrets, overhead, throughput, benchmark) -> list[str]:
    first_full = benchmark.max_t * 1.0  # a full evaluation of the fastest config takes >= 40.5 s; 81 s typical
    lines = [f"Median regret over {args.seeds} seeds, {N_WORKERS} workers (simulated seconds):", "",
             "| method | " + " | ".join(f"{t:.0f}" for t in grid) + " | trials | reports |",
             "|---|" + "---|" * (len(grid) + 2)]
    for name, values in regrets.items():
        cells = " | ".join(f"{v:.4f}" for v in values)
        lines.append(f"| {name} | {cells} | {throughput[name][0]:.0f} | {throughput[name][1]:.0f} |")
    lines += ["", "Scheduler CPU time per decision (ms):", "",
              "| method | whole runs | at 900-1000 trials |", "|---|---|---|"]
    for name, (overall, late, trials) in overhead.items():
        lines.append(f"| {name} | {overall:.4f} | {late:.4f} ({trials} trials) |")
    fifo = regrets["FIFO random"]
    checked = [i for i, t in enumerate(grid) if t >= first_full * 2]
    lines += ["", "Targets:"]
    for name, values in regrets.items():
        if name != "FIFO random":
            beats = all(values[i] < fifo[i] for i in checked)
            lines.append(f"- {name} below FIFO random at every time >= {first_full * 2:.0f} s: "
                         f"{'yes' if beats else 'NO'}")
    worst = max(late for _, late, _ in overhead.values())
    lines.append(f"- overhead < 1 ms per decision at 1000 trials: {'yes' if worst < 1.0 else 'NO'} "
                 f"(worst {worst:.4f} ms)")
    return lines


if __name__ == "__main__":
    sys.exit(main())
