"""Benchmark: random search vs bayesopt on Branin and Hartmann6, with the Tuner in simulated time.

Each run is the real ``Tuner`` with a ``FIFOScheduler`` against a simulated backend (the built-in
``branin``/``hartmann6`` blackboxes of ``syne_tune.blackbox_repository``; no subprocesses). The
backend gives trial k < workers a duration of k + 1 simulated seconds and every later trial
``workers`` seconds, so trials complete one at a time, oldest first, and each bayesopt suggestion
after the first ``workers`` is made with ``workers − 1`` pending evaluations (fantasized), the
protocol of the figures in docs/benchmarks-bayesopt.md.

    python -m benchmarking.scripts.run_bayesopt_benchmark --seeds 10
    python -m benchmarking.scripts.run_bayesopt_benchmark --quick
    python -m benchmarking.scripts.run_bayesopt_benchmark --non-finite --seeds 20   # NaN region: impute vs drop
    python -m benchmarking.scripts.run_bayesopt_benchmark --options '{"num_fantasy_samples": 50}'
"""
from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from benchmarking.synthetic_functions import SYNTHETIC_FUNCTIONS
from benchmarking.utils.experiment_folder import temporary_experiment_folder
from syne_tune.backend.simulator_backend.simulator_backend import SimulatorConfig
from syne_tune.blackbox_repository import load_blackbox
from syne_tune.blackbox_repository.blackbox import Blackbox, FunctionBlackbox
from syne_tune.blackbox_repository.simulated_tabular_backend import UserBlackboxBackend
from syne_tune.blackbox_repository.synthetic import ELAPSED_TIME
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler

METRIC = "value"   # the objective of the synthetic blackboxes


@dataclass(frozen=True)
class Problem:
    """A single-fidelity blackbox to minimize and its known minimum."""

    name: str
    blackbox: Blackbox
    optimum: float


def problem(name: str) -> Problem:
    """The built-in blackbox ``name`` ('branin', 'hartmann6') with its optimum."""
    return Problem(name, load_blackbox(name)[name], SYNTHETIC_FUNCTIONS[name].optimum)


class OldestFirstBackend(UserBlackboxBackend):
    """Simulates a single-fidelity blackbox so that trials complete one at a time in start order.

    Trial k < ``workers`` lasts k + 1 simulated seconds, every later trial ``workers`` seconds,
    no simulated delays: with ``workers`` workers kept busy, trial k ends at k + 1, and each new
    trial starts when the oldest running one has ended.
    """

    def __init__(self, blackbox: Blackbox, workers: int):
        super().__init__(blackbox, ELAPSED_TIME, simulator_config=SimulatorConfig(0.0, 0.0, 0.0))
        self.workers = workers

    def _evaluate(self, trial_id: int, config: dict, checkpoint: dict | None) -> Sequence[dict]:
        duration = float(min(trial_id + 1, self.workers))
        return [dict(report, **{ELAPSED_TIME: duration}) for report in super()._evaluate(trial_id, config, checkpoint)]


class RecordingFIFOScheduler(FIFOScheduler):
    """FIFOScheduler that suggests ``num_evaluations`` trials only (then reports the space exhausted,
    so the Tuner ends once they completed) and records, per suggestion, wall-clock and CPU seconds
    and the number of completed evaluations, and the metric of each completed trial in order."""

    def __init__(self, *args, num_evaluations: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.num_evaluations = num_evaluations
        self.values: list[float] = []
        self.suggest_seconds: list[tuple[float, float, int]] = []   # (wall, CPU, observations)

    def suggest(self, trial_id: int):
        if trial_id >= self.num_evaluations:
            return None
        start, cpu_start = time.perf_counter(), time.process_time()
        suggestion = super().suggest(trial_id)
        self.suggest_seconds.append((time.perf_counter() - start, time.process_time() - cpu_start, len(self.values)))
        return suggestion

    def on_trial_complete(self, trial, result: dict) -> None:
        super().on_trial_complete(trial, result)
        self.values.append(float(result[self.metric]))


def run(function: Problem, searcher: str, seed: int, num_evaluations: int, workers: int,
        search_options: dict | None = None, mode: str = "min") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One Tuner run in simulated time (see the module docstring).

    Returns the best-so-far regret after each evaluation (NaN values never count as best):
    (num_evaluations,); plus wall-clock and CPU seconds per suggestion and the number of
    observations at each suggestion. ``mode='max'`` reports the negated value (the searcher then
    maximizes). Settings of the GP searcher (e.g. ``non_finite``, its policy for NaN values) are
    ``search_options``.
    """
    from syne_tune import StoppingCriterion, Tuner

    blackbox = function.blackbox
    if mode == "max":
        blackbox = with_metric(blackbox, lambda config, value: -value)
    scheduler = RecordingFIFOScheduler(
        blackbox.configuration_space, searcher=searcher, metric=METRIC, mode=mode, random_seed=seed,
        search_options=dict(search_options or {}, debug_log=False), num_evaluations=num_evaluations)
    with temporary_experiment_folder():
        Tuner(OldestFirstBackend(blackbox, workers), scheduler, StoppingCriterion(), n_workers=workers,
              progress="off", tuner_name="bayesopt-benchmark").run()
    values = np.array(scheduler.values) * (-1.0 if mode == "max" else 1.0)
    regret = np.fmin.accumulate(values) - function.optimum
    wall, cpu, observed = (np.array(column) for column in zip(*scheduler.suggest_seconds))
    return regret, wall, cpu, observed.astype(int)


def with_metric(blackbox: Blackbox, transform) -> Blackbox:
    """The single-fidelity ``blackbox`` with its ``METRIC`` replaced by ``transform(config, value)``."""
    names = blackbox.objectives_names

    def curve(config, _, seed):
        values = blackbox.objective_function(config, None, seed)
        return [transform(config, values[name]) if name == METRIC else values[name] for name in names]

    return FunctionBlackbox(blackbox.configuration_space, curve, names)


def hartmann6_with_nan_region(threshold: float = 0.6) -> Problem:
    """Hartmann6 returning NaN where x1 > ``threshold`` (40 % of the space at 0.6; the optimum, at
    x1 = 0.15, is outside): a stand-in for a learning rate whose loss diverges."""
    base = problem("hartmann6")
    blackbox = with_metric(base.blackbox, lambda config, value: float("nan") if config["x1"] > threshold else value)
    return Problem("hartmann6-nan", blackbox, base.optimum)


def compare_non_finite_policies(seeds: int, evaluations: int, workers_list: list[int],
                                policies: list[str]) -> None:
    """Regret of the GP searcher's NaN policies (search option ``non_finite``) on
    :func:`hartmann6_with_nan_region`."""
    function = hartmann6_with_nan_region()
    checkpoints = [c for c in (30, 50, 100, 200) if c <= evaluations]
    for workers in workers_list:
        for policy in policies:
            regrets = np.array([run(function, "bayesopt", seed, evaluations, workers, {"non_finite": policy})[0]
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
        function = problem(name)
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
            runs = [run(problem("hartmann6"), "bayesopt", seed, args.timing_evaluations, workers,
                        options) for seed in range(min(args.seeds, 3))]
            for low in range(10, args.timing_evaluations, 20):
                window = [((n >= low) & (n < low + 20), t, c) for _, t, c, n in runs]
                wall = [np.median(t[w]) for w, t, _ in window if np.any(w)]
                cpu = [np.median(c[w]) for w, _, c in window if np.any(w)]
                print(f"  workers={workers} (pending={workers - 1}) observations {low}-{low + 19}: "
                      f"{np.median(wall):.4f} s ({np.median(cpu):.4f} s CPU)", flush=True)


if __name__ == "__main__":
    logging.disable(logging.WARNING)   # the Tuner's summary of every run
    main()
