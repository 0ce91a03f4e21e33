"""DEHB against synchronous Hyperband, (Sync)BOHB and MOBSTER on multi-fidelity Hartmann6, in simulated time.

    PYTHONPATH=$PWD python benchmarking/scripts/run_dehb_benchmark.py --seeds 10
    PYTHONPATH=$PWD python benchmarking/scripts/run_dehb_benchmark.py --methods DEHB SYNC-HB --seeds 5
    PYTHONPATH=$PWD python benchmarking/scripts/run_dehb_benchmark.py --dehb-python ~/venv-dehb/bin/python

``--dehb-python`` adds the ``dehb`` package (``pip install dehb==0.1.2`` in its own virtual
environment) as the row "dehb-package": a subprocess of this file with that interpreter drives
its ask/tell interface in the same simulated time (4 workers; a job at fidelity r takes r seconds
from scratch, as the package runs every job anew, and reports its loss at epoch r when it ends).

The benchmark is ``mf_hartmann6`` of ``run_mobster_vs_original.py`` (the issue's yardstick: the
``dehb`` package reaches a median regret of about 0.5 on it after 200 s over 5 seeds): Hartmann6 on
[0, 1]^6 observed at epochs 1..27 with a bias decaying in the epoch and Gaussian noise,
    loss(x, r) = H6(x) + (0.2 + 0.6·x0)·(1/r − 1/27) + 0.05·ε,
one simulated second per epoch, 4 workers, 200 simulated seconds. Regret over simulated time: the
incumbent is the trial with the best reported loss at the largest epoch reached so far, its regret
is H6(x) − min H6 (noise-free), as in that script. Methods are rows of ``benchmarking/methods.py``,
each run in this process with the Tuner, UserBlackboxBackend (zero simulated delays) and
SimulatorCallback; methods alternate seed by seed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make ``benchmarking`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarking.scripts.run_mobster_vs_original import (  # noqa: E402 (the same benchmark, defined once)
    HARTMANN6_MIN, MAX_T, N_WORKERS, NOISE, hartmann6, regret_at, regret_trace,
)

NAMES = [f"x{i}" for i in range(6)]


def make_blackbox(max_t: int = MAX_T, seconds_per_epoch: float = 1.0):
    """The multi-fidelity Hartmann6 blackbox (module docstring); noise is a function of (config, seed)."""
    from syne_tune.blackbox_repository.blackbox import from_function
    from syne_tune.config_space import randint, uniform

    def evaluate(config, epoch, seed):
        x = np.array([config[n] for n in NAMES])
        key = zlib.crc32(repr([round(float(v), 12) for v in x]).encode())
        noise = NOISE * np.random.default_rng([key, seed or 0]).standard_normal(max_t)[int(epoch) - 1]
        loss = hartmann6(x) + (0.2 + 0.6 * x[0]) * (1.0 / epoch - 1.0 / max_t) + noise
        return {"loss": loss, "elapsed_time": epoch * seconds_per_epoch}

    return from_function({n: uniform(0.0, 1.0) for n in NAMES}, evaluate, fidelity_space={"epoch": randint(1, max_t)},
                         objectives_names=["loss", "elapsed_time"], fidelity_values=list(range(1, max_t + 1)),
                         num_seeds=1000)


def oracle_trace(results: list) -> list[tuple[float, float]]:
    """(simulated seconds, regret) of the best config evaluated so far at any epoch, by its
    noise-free value: what a method has found, whether or not its reports have shown it yet."""
    best, trace = float("inf"), []
    for now, _, _, _, x in results:
        regret = hartmann6(np.array(x)) - HARTMANN6_MIN
        if regret < best:
            best = regret
            trace.append((now, regret))
    return trace


def run_once(method: str, seed: int, max_time: float) -> dict:
    """One simulated run of ``method``; its regret trace, trials and wall-clock seconds."""
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend.simulator_backend.simulator_backend import SimulatorConfig
    from syne_tune.backend.simulator_backend.simulator_callback import SimulatorCallback
    from syne_tune.blackbox_repository.simulated_tabular_backend import UserBlackboxBackend

    from benchmarking.methods import METHODS, MethodArguments

    blackbox = make_blackbox()
    delays = SimulatorConfig(delay_on_trial_result=0.0, delay_complete_after_final_report=0.0, delay_start=0.0)
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time", max_resource_attr="epochs", seed=seed,
                                  simulator_config=delays)
    arguments = MethodArguments(config_space=dict(blackbox.configuration_space, epochs=MAX_T), metric="loss",
                                mode="min", random_seed=seed, resource_attr="epoch", max_resource_attr="epochs",
                                n_workers=N_WORKERS)
    spec = METHODS[method]
    scheduler = spec.make(arguments)
    results = []
    on_trial_result = scheduler.on_trial_result

    def recording(trial, result):
        results.append((backend.time(), trial.trial_id, int(result["epoch"]), float(result["loss"]),
                        [float(trial.config[n]) for n in NAMES]))
        return on_trial_result(trial, result)

    scheduler.on_trial_result = recording
    start = time.perf_counter()
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=max_time), n_workers=N_WORKERS,
                  sleep_time=0, asynchronous_scheduling=not spec.synchronous, callbacks=[SimulatorCallback()],
                  progress="off", tuner_name=f"dehb-bench-{method.lower()}-{seed}")
    tuner.run()
    results = [r for r in results if r[0] <= max_time]
    return {"method": method, "seed": seed, "trace": regret_trace(results), "oracle": oracle_trace(results),
            "trials": len({r[1] for r in results}),
            "wall": time.perf_counter() - start}


def loss_at(x: np.ndarray, epoch: int, seed: int) -> float:
    """The benchmark's loss of ``x`` at ``epoch`` (as the blackbox of :func:`make_blackbox` reports it)."""
    key = zlib.crc32(repr([round(float(v), 12) for v in x]).encode())
    noise = NOISE * np.random.default_rng([key, seed]).standard_normal(MAX_T)[int(epoch) - 1]
    return hartmann6(x) + (0.2 + 0.6 * x[0]) * (1.0 / epoch - 1.0 / MAX_T) + noise


def run_dehb_package(seed: int, max_time: float) -> dict:
    """One simulated run of the ``dehb`` package (module docstring), in the interpreter that has it."""
    import heapq

    import ConfigSpace
    from dehb import DEHB

    cs = ConfigSpace.ConfigurationSpace(seed=seed)
    cs.add([ConfigSpace.Float(n, (0.0, 1.0)) for n in NAMES])
    start = time.perf_counter()
    optimizer = DEHB(cs=cs, dimensions=len(NAMES), min_fidelity=1, max_fidelity=MAX_T, eta=3, n_workers=1,
                     seed=seed, save_freq="end", output_path=tempfile.mkdtemp(prefix="dehb-package-"))
    running, results, now, job_id = [], [], 0.0, 0
    while True:
        while len(running) < N_WORKERS:
            job = optimizer.ask()
            heapq.heappush(running, (now + float(job["fidelity"]), job_id, job))
            job_id += 1
        now, finished_id, job = heapq.heappop(running)
        if now > max_time:
            break
        x = np.array([float(job["config"][n]) for n in NAMES])
        loss = loss_at(x, int(round(job["fidelity"])), seed)
        optimizer.tell(job, {"fitness": loss, "cost": float(job["fidelity"])})
        results.append((now, finished_id, int(round(job["fidelity"])), loss, x.tolist()))
    return {"method": "dehb-package", "seed": seed, "trace": regret_trace(results), "oracle": oracle_trace(results),
            "trials": len(results),
            "wall": time.perf_counter() - start}


def _spawn_dehb_package(python: str, seed: int, max_time: float) -> dict:
    command = [python, str(Path(__file__).resolve()), "--dehb-package-worker", "--seed", str(seed),
               "--max-time", str(max_time)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"dehb package run (seed {seed}) failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def table(runs: dict[str, list[dict]], max_time: float, key: str = "trace") -> list[str]:
    grid = [max_time * k / 4 for k in range(1, 5)]
    lines = ["| method | " + " | ".join(f"regret {t:.0f} s" for t in grid) + " | trials | wall s/run |",
             "|---|" + "---|" * (len(grid) + 2)]
    for method, outputs in runs.items():
        cells = []
        for t in grid:
            values = [regret_at(o[key], t) for o in outputs]
            q25, q50, q75 = np.percentile(values, [25, 50, 75])
            cells.append(f"{q50:.3f} [{q25:.3f}, {q75:.3f}]")
        lines.append(f"| {method} | " + " | ".join(cells) + f" | {np.median([o['trials'] for o in outputs]):.0f} | "
                     f"{np.median([o['wall'] for o in outputs]):.1f} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=["DEHB", "SYNC-HB", "SYNC-BOHB", "BOHB"],
                        help="rows of benchmarking/methods.py")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--max-time", type=float, default=200.0, help="simulated seconds per run")
    parser.add_argument("--dehb-python", help="interpreter of a virtual environment with the dehb package")
    parser.add_argument("--dehb-package-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--plot", help="path of a PNG: median regret (25-75%% band) over simulated time per method")
    args = parser.parse_args(argv)
    if args.dehb_package_worker:
        print("RESULT " + json.dumps(run_dehb_package(args.seed, args.max_time)))
        return 0
    import logging

    logging.disable(logging.WARNING)
    os.environ.setdefault("SYNETUNE_FOLDER", tempfile.mkdtemp(prefix="dehb-bench-"))
    methods = args.methods + (["dehb-package"] if args.dehb_python else [])
    runs: dict[str, list[dict]] = {m: [] for m in methods}
    start = time.time()
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        order = methods if seed % 2 == 0 else methods[::-1]
        for method in order:
            if method == "dehb-package":
                output = _spawn_dehb_package(args.dehb_python, seed, args.max_time)
            else:
                output = run_once(method, seed, args.max_time)
            runs[method].append(output)
            print(f"seed {seed} {method}: final regret {regret_at(output['trace'], args.max_time):.4f}, "
                  f"{output['trials']} trials, {output['wall']:.1f} s", flush=True)
    print()
    print(f"Multi-fidelity Hartmann6: seeds {args.first_seed}..{args.first_seed + args.seeds - 1}, {N_WORKERS} "
          f"workers, {args.max_time:.0f} simulated s, max_t={MAX_T}; median [25%, 75%] regret "
          f"({time.time() - start:.0f} s wall)")
    print()
    print("\n".join(table(runs, args.max_time)))
    print()
    print("Regret of the best config evaluated so far (any epoch, noise-free):")
    print()
    print("\n".join(table(runs, args.max_time, key="oracle")))
    if args.plot:
        plot(runs, args.max_time, Path(args.plot))
    return 0


def plot(runs: dict[str, list[dict]], max_time: float, path: Path) -> None:
    """Median regret of the incumbent (25-75% band) against simulated time, one line per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = np.linspace(1.0, max_time, 200)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for method, outputs in runs.items():
        values = np.array([[regret_at(o["trace"], t) for t in times] for o in outputs])
        q25, q50, q75 = np.percentile(values, [25, 50, 75], axis=0)
        (line,) = ax.plot(times, q50, label=method)
        ax.fill_between(times, q25, q75, color=line.get_color(), alpha=0.15)
    ax.set(yscale="log", xlabel="simulated time (s)", ylabel="regret of the incumbent",
           title=f"Multi-fidelity Hartmann6, {N_WORKERS} workers, {len(next(iter(runs.values())))} seeds")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
