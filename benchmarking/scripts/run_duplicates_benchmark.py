"""Benchmark: no wasted worker. Distinct configs proposed by bayesopt on boundary optima, and regret
on the existing BO benchmarks, for this checkout against a baseline checkout (issue 20, item 3).

(a) Boundary optima: deterministic functions whose minimum lies at the upper bound of a log-scaled
``lr`` (alone, with an integer, with a categorical), 40 trials through the real Tuner (simulated
backend of run_bayesopt_benchmark: trials complete oldest first). A proposal is a *repeat at δ* if
its encoded point (the GP's unit cube) is within L∞ distance δ of an earlier proposal; δ = 0 is the
searcher's own rule (same match string). δ = 0.01 is 1 % of each hyperparameter's range: for
``loguniform(1e-4, 1)`` a factor 1.1 in ``lr``, a deterministic re-run of practically the same config.
(b) Regret: ``run_bayesopt_benchmark.run`` on Hartmann6 (1 and 4 workers) and, with the extra
``blackboxes``, ``run_categorical_benchmark.run`` on NAS-Bench-201 cifar10; plus seconds per suggestion.

Each (problem, seed) runs in two subprocesses, the baseline then this checkout, alternating, so
load on the shared machine hits both alike. Make the baseline with ``git worktree add``::

    git worktree add /tmp/duplicates-baseline <parent commit>
    PYTHONPATH=$PWD python -m benchmarking.scripts.run_duplicates_benchmark --baseline /tmp/duplicates-baseline --seeds 10
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DELTAS = (0.0, 0.001, 0.01)
TRIALS = 40


def boundary_space(name: str) -> dict:
    from syne_tune.config_space import choice, loguniform, randint

    space = {"lr": loguniform(1e-4, 1.0)}
    if name == "lr+int":
        space["batch_size"] = randint(8, 64)
    elif name == "lr+cat":
        space["penalty"] = choice(["l1", "l2", "none"])
    return space


def boundary_loss(config: dict) -> float:
    """A logistic-regression-like loss: falls with lr up to the bound 1.0, the integer and the
    categorical shift it a little; deterministic."""
    loss = 0.25 + 0.5 * math.exp(-30.0 * config["lr"])
    loss += 0.001 * (config.get("batch_size", 8) - 8)
    return loss + {"l1": 0.01, "l2": 0.0, "none": 0.02}[config.get("penalty", "l2")]


def distinct_fractions(X: np.ndarray) -> list[float]:
    """Per δ in DELTAS: the fraction of the rows of X (n, d) not within L∞ distance δ of an earlier row
    (δ = 0: identical encodings, i.e. the same config after rounding and snapping)."""
    fractions = []
    for delta in DELTAS:
        repeats = sum(1 for i in range(1, len(X)) if np.min(np.max(np.abs(X[:i] - X[i]), axis=1)) <= delta)
        fractions.append(1.0 - repeats / len(X))
    return fractions


def run_boundary(name: str, seed: int, workers: int) -> dict:
    """Distinct fractions, and the best loss, of one 40-trial bayesopt run."""
    from benchmarking.scripts.run_bayesopt_benchmark import OldestFirstBackend
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.blackbox_repository.blackbox import FunctionBlackbox
    from syne_tune.blackbox_repository.synthetic import ELAPSED_TIME
    from syne_tune.gp.encoding import ConfigEncoding
    from syne_tune.optimizer.schedulers.fifo import FIFOScheduler

    class RecordingScheduler(FIFOScheduler):
        """Records every suggested config."""

        proposed: list[dict] = []

        def _suggest(self, trial_id: int):
            suggestion = super()._suggest(trial_id)
            if suggestion is not None:
                self.proposed.append(dict(suggestion.config))
            return suggestion

    space = boundary_space(name)
    blackbox = FunctionBlackbox(space, lambda config, _, __: [boundary_loss(config), 1.0], ["loss", ELAPSED_TIME])
    scheduler = RecordingScheduler(space, searcher="bayesopt", metric="loss", mode="min", random_seed=seed,
                                   search_options={"debug_log": False})
    Tuner(OldestFirstBackend(blackbox, workers), scheduler, StoppingCriterion(max_num_trials_started=TRIALS),
          n_workers=workers, progress="off", tuner_name="duplicates-benchmark").run()
    trials = scheduler.proposed[:TRIALS]
    X = ConfigEncoding(space).encode(trials)
    return {"distinct": distinct_fractions(X), "best": min(boundary_loss(c) for c in trials)}


def run_regret(name: str, seed: int, workers: int) -> dict:
    """Regret at 30 and 50 evaluations (Hartmann6) or after 60 (NAS-Bench-201), and median seconds per suggestion."""
    if name == "hartmann6":
        from benchmarking.scripts.run_bayesopt_benchmark import problem, run

        regret, wall, _, _ = run(problem("hartmann6"), "bayesopt", seed, 50, workers)
        return {"regret": [float(regret[29]), float(regret[49])], "seconds": float(np.median(wall))}
    from benchmarking.scripts.run_categorical_benchmark import run
    from syne_tune.blackbox_repository import load_blackbox

    regret, cpu, _ = run(load_blackbox("nasbench201")["cifar10"], "bayesopt", seed, 60, workers)
    return {"regret": [float(regret)], "seconds": float(np.median(cpu))}


def worker(task: dict) -> dict:
    import logging

    logging.disable(logging.WARNING)
    os.environ.setdefault("SYNETUNE_FOLDER", tempfile.mkdtemp(prefix="duplicates-benchmark-"))
    runner = run_boundary if task["kind"] == "boundary" else run_regret
    return runner(task["name"], task["seed"], task["workers"])


def in_subprocess(checkout: Path, task: dict) -> dict:
    """``worker(task)`` with ``checkout`` first on the path (its syne_tune and benchmarking packages)."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(task)], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"worker {task} under {checkout} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(values) -> str:
    q1, q2, q3 = np.percentile(values, [25, 50, 75])
    return f"{q2:.4g} [{q1:.4g}, {q3:.4g}]"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="checkout of the code to compare with (git worktree add)")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--parts", nargs="+", default=["boundary", "hartmann6", "nas201"],
                        choices=["boundary", "hartmann6", "nas201"])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return
    checkouts = ([("baseline", args.baseline.resolve())] if args.baseline else []) + [("this", REPO)]
    settings = []
    if "boundary" in args.parts:
        settings += [("boundary", name, w) for name in ("lr", "lr+int", "lr+cat") for w in args.workers]
    if "hartmann6" in args.parts:
        settings += [("regret", "hartmann6", w) for w in args.workers]
    if "nas201" in args.parts:
        settings += [("regret", "nas201", 4)]
    print(f"median [q25, q75] over {args.seeds} seeds; each seed runs {' then '.join(n for n, _ in checkouts)}")
    for kind, name, workers in settings:
        start = time.perf_counter()
        results = {label: [] for label, _ in checkouts}
        for seed in range(args.seeds):
            for label, checkout in checkouts:
                results[label].append(in_subprocess(checkout, dict(kind=kind, name=name, seed=seed, workers=workers)))
        for label, runs in results.items():
            if kind == "boundary":
                cells = "  ".join(f"distinct δ={d:g}: {median([r['distinct'][i] for r in runs])}"
                                  for i, d in enumerate(DELTAS))
                cells += f"  best loss: {median([r['best'] for r in runs])}"
            else:
                points = ("@30", "@50") if name == "hartmann6" else ("@60",)
                cells = "  ".join(f"regret {p}: {median([r['regret'][i] for r in runs])}" for i, p in enumerate(points))
                cells += f"  s/suggestion: {median([r['seconds'] for r in runs])}"
            print(f"{name:9s} workers={workers} {label:8s} {cells}", flush=True)
        print(f"  ({time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
