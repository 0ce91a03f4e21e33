"""Benchmark: seconds per bayesopt suggestion as the data grows (FIFO GP searcher, Hartmann6).

For each number of observations n, the searcher is given n − 1 random observations and one cold
hyperparameter fit (not timed); then ``window`` suggestions are made in sequence, each evaluated and
added before the next (so the data grows from n), with ``pending`` evaluations kept open and
fantasized. The window spans at least one refit of the schedule (search option ``refit_growth``), so the mean is
the amortized cost; the median is the cost of a suggestion without refit.

    python -m benchmarking.scripts.run_gp_scaling_benchmark
    python -m benchmarking.scripts.run_gp_scaling_benchmark --sizes 100 2000 --pending 0 16
"""
from __future__ import annotations

import argparse
import math
import time
from collections import deque

import numpy as np

from benchmarking.synthetic_functions import SYNTHETIC_FUNCTIONS
from syne_tune.optimizer.schedulers.searchers import gp_searcher
from syne_tune.optimizer.schedulers.searchers.gp_searcher import GPFIFOSearcher


def time_suggestions(n: int, pending: int, seed: int, window: int | None = None,
                     search_options: dict | None = None) -> tuple[np.ndarray, int]:
    """CPU seconds of each of ``window`` suggestions starting at ``n`` observations; and the refits."""
    function = SYNTHETIC_FUNCTIONS["hartmann6"]
    options = dict({"num_init_random": 0}, **(search_options or {}))     # the random phase is the preload
    searcher = GPFIFOSearcher(function.config_space, metric="y", points_to_evaluate=[], random_seed=seed,
                              debug_log=False, **options)
    rs = np.random.RandomState(seed)
    for i in range(n - 1):
        config = {k: float(rs.rand()) for k in function.config_space}
        searcher.on_trial_result(f"r{i}", config, {"y": function.function(config)}, update=True)
    with gp_searcher.single_threaded_blas():
        searcher._posterior()                                # cold fit, not timed
    if window is None:
        window = max(20, math.ceil(n * searcher.options.refit_growth) + 2)
    open_trials: deque = deque()
    times, refits = [], 0
    for trial in range(window + pending):
        start = time.process_time()
        config = searcher.get_config(trial_id=str(trial))
        elapsed = time.process_time() - start
        if trial >= pending:                                  # steady state: `pending` open evaluations
            times.append(elapsed)
            refits += "refit=True" in searcher._decision
        searcher.register_pending(str(trial), config)
        open_trials.append((str(trial), config))
        if len(open_trials) > pending:
            trial_id, config = open_trials.popleft()
            searcher.on_trial_result(trial_id, config, {"y": function.function(config)}, update=True)
    return np.array(times), refits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000, 2000])
    parser.add_argument("--pending", type=int, nargs="+", default=[0, 16])
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args(argv)
    print("CPU seconds per suggestion, Hartmann6 (6 dims), FIFO bayesopt defaults; "
          f"median / mean over the window, then median over {args.seeds} seeds")
    for n in args.sizes:
        for pending in args.pending:
            runs = [time_suggestions(n, pending, seed) for seed in range(args.seeds)]
            median = np.median([np.median(t) for t, _ in runs])
            mean = np.median([np.mean(t) for t, _ in runs])
            print(f"  n={n:5d} pending={pending:2d}: median {median:.4f} s  mean {mean:.4f} s  "
                  f"({len(runs[0][0])} suggestions, {runs[0][1]} refits)", flush=True)


if __name__ == "__main__":
    main()
