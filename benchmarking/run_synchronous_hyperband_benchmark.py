"""Synchronous Hyperband and BOHB against asynchronous successive halving, in simulated time.

    python benchmarking/run_synchronous_hyperband_benchmark.py            # 10 seeds, 3600 s, 4 workers
    python benchmarking/run_synchronous_hyperband_benchmark.py --quick    # 3 seeds, 1200 s

Runs on the synthetic multi-fidelity benchmark of ``multifidelity_simulation.py`` (its in-process
event-driven driver, not the SimulatorBackend) and prints the median regret against simulated
time and the number of trials started. The tutorial claims asynchronous methods win with 4+
workers; this shows whether they do here.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarking.multifidelity_simulation import SyntheticCurves, simulate  # noqa: E402
from syne_tune.optimizer.baselines import ASHA, BOHB, SyncBOHB, SyncHyperband  # noqa: E402


def _method(cls, **kwargs):
    def factory(benchmark: SyntheticCurves, seed: int):
        return cls(benchmark.config_space, metric=benchmark.metric, mode="min", resource_attr=benchmark.resource_attr,
                   max_resource_attr="epochs", random_seed=seed, **kwargs)
    return factory


METHODS = {
    "ASHA stopping": _method(ASHA, type="stopping"),
    "ASHA promotion": _method(ASHA, type="promotion"),
    "BOHB (asynchronous, promotion)": _method(BOHB, type="promotion"),
    "SyncHyperband": _method(SyncHyperband),
    "SyncHyperband brackets=1": _method(SyncHyperband, brackets=1),
    "SyncBOHB": _method(SyncBOHB),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--max-time", type=float, default=3600.0, help="simulated seconds per run")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="3 seeds, 1200 s")
    parser.add_argument("--output", type=Path, help="also write the markdown table here")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.max_time = 3, 1200.0
    logging.disable(logging.WARNING)
    benchmark = SyntheticCurves()
    grid = [args.max_time * k / 8 for k in range(1, 9)]
    lines = [f"Median regret over {args.seeds} seeds, {args.workers} workers (simulated seconds):", "",
             "| method | " + " | ".join(f"{t:.0f}" for t in grid) + " | trials |",
             "|---|" + "---|" * (len(grid) + 1)]
    for name, factory in METHODS.items():
        runs = [simulate(factory(benchmark, seed), benchmark, args.workers, max_time=args.max_time, seed=seed)
                for seed in range(args.seeds)]
        regrets = np.median([[run.regret_at(t) for t in grid] for run in runs], axis=0)
        trials = np.mean([run.num_trials for run in runs])
        lines.append(f"| {name} | " + " | ".join(f"{v:.4f}" for v in regrets) + f" | {trials:.0f} |")
        print(lines[-1], flush=True)
    print("\n".join(lines))
    if args.output:
        args.output.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
