"""MOBSTER's scheduler CPU next to the original library's, on multi-fidelity Hartmann6, in simulated time.

    python benchmarking/scripts/run_mobster_vs_original.py --original-python ~/venv-original/bin/python
    python benchmarking/scripts/run_mobster_vs_original.py --seeds 2 --libraries ours
    python benchmarking/scripts/run_mobster_vs_original.py --libraries ours --profile /tmp/ours.prof

The original library (syne-tune 0.13.0, the last release whose HyperbandScheduler still has the GP
searchers: ``pip install 'syne-tune[gpsearchers]==0.13.0'``) lives in its own virtual environment
(``--original-python``, or the environment variable ORIGINAL_SYNE_TUNE_PYTHON). Each run is one subprocess executing
this very file (``--worker``) with the library's interpreter; ours gets the repository on PYTHONPATH,
the original gets an environment without it. Both go through the same code: the library's Tuner,
UserBlackboxBackend (zero simulated delays) and SimulatorCallback, and its
HyperbandScheduler(searcher='bayesopt', type='stopping') with the library's default search options.
The libraries alternate seed by seed (even seeds ours first, odd seeds the original first), BLAS is
limited to one thread in both. The original's simulator also advances its clock by the Tuner's
sleep time whenever the Tuner waits, so it fits fewer results into the same simulated time (~600
against 800); the table gives CPU per result too.

Benchmark (``mf_hartmann6``): the Hartmann6 function (minimum −3.32237) on [0, 1]^6 observed at
epoch r = 1..max_t (27) with a bias that decays in r and is 0 at max_t, plus Gaussian noise:
    loss(x, r) = H6(x) + (0.2 + 0.6·x0)·(1/r − 1/max_t) + 0.05·ε,
each epoch costing ``--seconds-per-epoch`` simulated seconds. Noise is a function of (config, seed).

Measured per run: scheduler CPU (``time.process_time`` inside suggest, on_trial_add,
on_trial_result, on_trial_complete and on_trial_remove, outermost call only, wrapped the same way
in both libraries), the number of results, and the regret over simulated time: the incumbent is
the trial with the best reported loss at the largest epoch reached so far, its regret is
H6(x) − min H6 (noise-free).
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

REPO = Path(__file__).resolve().parents[2]
ORIGINAL_PYTHON_ENV = "ORIGINAL_SYNE_TUNE_PYTHON"  # the original's interpreter, when --original-python is not given
N_WORKERS = 4
MAX_T = 27
NOISE = 0.05


def _load_file(relative_path: str):
    """A module of this repository loaded from its file, not through ``syne_tune``/``benchmarking``:
    the original library's worker imports another ``syne_tune`` and must not see this repository's."""
    import importlib.util

    path = REPO / relative_path
    spec = importlib.util.spec_from_file_location(f"_repository_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_FUNCTIONS = _load_file("syne_tune/blackbox_repository/synthetic_functions.py")  # numpy only
_TIMING = _load_file("benchmarking/scheduler_timing.py")  # standard library only
hartmann6 = _FUNCTIONS.hartmann6
HARTMANN6_MIN = _FUNCTIONS.HARTMANN6_MINIMUM


def mf_hartmann6(x: np.ndarray, epochs: np.ndarray, seed: int, max_t: int, seconds_per_epoch: float
                 ) -> np.ndarray:
    """(len(epochs), 2): loss at each epoch (module docstring) and cumulative elapsed seconds."""
    key = zlib.crc32(repr([round(float(v), 12) for v in x]).encode())
    noise = NOISE * np.random.default_rng([key, seed]).standard_normal(len(epochs))
    r = epochs.astype(float)
    loss = hartmann6(x) + (0.2 + 0.6 * x[0]) * (1.0 / r - 1.0 / max_t) + noise
    return np.column_stack([loss, r * seconds_per_epoch])


# --- worker: one run with whichever syne_tune is importable -------------------------------------


def _make_blackbox(max_t: int, seconds_per_epoch: float):
    """The benchmark as a Blackbox of the importing library (both share this interface)."""
    from syne_tune.blackbox_repository.blackbox import Blackbox
    from syne_tune.config_space import randint, uniform

    names = [f"x{i}" for i in range(6)]

    class MFHartmann6(Blackbox):
        num_seeds = 1000

        def __init__(self):
            super().__init__(configuration_space={n: uniform(0.0, 1.0) for n in names},
                             fidelity_space={"epoch": randint(1, max_t)}, objectives_names=["loss", "elapsed_time"])

        @property
        def fidelity_values(self):
            return np.arange(1, max_t + 1)

        def objective_function(self, configuration, fidelity=None, seed=None):
            curve = mf_hartmann6(np.array([configuration[n] for n in names]), self.fidelity_values,
                                 seed or 0, max_t, seconds_per_epoch)
            if fidelity is None:
                return curve
            fidelity = fidelity["epoch"] if isinstance(fidelity, dict) else fidelity
            return dict(zip(self.objectives_names, curve[int(fidelity) - 1]))

    return MFHartmann6()


class _ResultRecorder:
    """Wraps the scheduler's ``on_trial_result``: (time, trial, epoch, loss, x) of each result."""

    def __init__(self, scheduler, now):
        self.call, self.now, self.results = scheduler.on_trial_result, now, []
        scheduler.on_trial_result = self

    def __call__(self, *args, **kwargs):
        trial, result = args if len(args) == 2 else (kwargs["trial"], kwargs["result"])
        self.results.append((self.now(), trial.trial_id, int(result["epoch"]), float(result["loss"]),
                             [float(trial.config[f"x{i}"]) for i in range(6)]))
        return self.call(*args, **kwargs)


def regret_trace(results: list) -> list[tuple[float, float]]:
    """(simulated seconds, regret) whenever the incumbent's regret changed (module docstring)."""
    best_at, configs, trace = {}, {}, []
    for now, trial_id, epoch, loss, x in results:
        configs.setdefault(trial_id, x)
        if epoch not in best_at or loss < best_at[epoch][0]:
            best_at[epoch] = (loss, trial_id)
        regret = hartmann6(np.array(configs[best_at[max(best_at)][1]])) - HARTMANN6_MIN
        if not trace or trace[-1][1] != regret:
            trace.append((now, regret))
    return trace


def run_once(seed: int, max_time: float, max_t: int, seconds_per_epoch: float) -> dict:
    """One simulated MOBSTER run with the importable library; returns the measured figures."""
    import importlib.util

    import syne_tune
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend.simulator_backend.simulator_backend import SimulatorConfig
    from syne_tune.backend.simulator_backend.simulator_callback import SimulatorCallback
    from syne_tune.blackbox_repository.simulated_tabular_backend import UserBlackboxBackend
    from syne_tune.optimizer.schedulers import HyperbandScheduler

    original = importlib.util.find_spec("syne_tune.gp") is None       # our GP core is syne_tune.gp
    blackbox = _make_blackbox(max_t, seconds_per_epoch)
    delays = {"delay_on_trial_result": 0.0, "delay_complete_after_final_report": 0.0, "delay_start": 0.0}
    if original:
        delays.update(delay_complete_after_stop=0.0, delay_stop=0.0)
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time", max_resource_attr="epochs",
                                  seed=seed, simulator_config=SimulatorConfig(**delays))
    config_space = dict(blackbox.configuration_space, epochs=max_t)
    scheduler = HyperbandScheduler(config_space, searcher="bayesopt", metric="loss", mode="min",
                                   resource_attr="epoch", max_resource_attr="epochs", type="stopping",
                                   random_seed=seed)
    now = (lambda: backend.time_keeper.time()) if original else backend.time
    timing = _TIMING.time_scheduler_calls(scheduler)  # CPU time of the outermost calls
    recorder = _ResultRecorder(scheduler, now)  # outside the timed calls
    extra = {"save_tuner": False} if original else {"progress": "off"}
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=max_time), n_workers=N_WORKERS,
                  sleep_time=0, results_update_interval=1e6, print_update_interval=1e6,
                  callbacks=[SimulatorCallback()], tuner_name=f"mobster-vs-original-{seed}", **extra)
    tuner.run()
    results = [r for r in recorder.results if r[0] <= max_time]
    version = getattr(syne_tune, "__version__", None) or _our_version()
    return {"library": "original" if original else "ours", "version": str(version), "seed": seed,
            "cpu": timing.seconds, "results": len(results), "trials": len({r[1] for r in results}),
            "trace": regret_trace(results)}


def _our_version() -> str:
    from syne_tune.version import __version__
    return __version__


def _worker(args) -> None:
    import logging

    logging.disable(logging.WARNING)  # a worker process prints only its result line
    if args.profile:
        import cProfile
        profiler = cProfile.Profile()
        output = profiler.runcall(run_once, args.seed, args.max_time, args.max_t, args.seconds_per_epoch)
        profiler.dump_stats(args.profile)
    else:
        output = run_once(args.seed, args.max_time, args.max_t, args.seconds_per_epoch)
    print("RESULT " + json.dumps(output))


# --- driver: alternate the libraries seed by seed ----------------------------------------------


def _spawn(library: str, seed: int, args, profile: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    python = sys.executable
    if library in ("ours", "baseline"):
        env["PYTHONPATH"] = str(REPO) if library == "ours" else args.baseline_repo
    else:
        python = args.original_python
    command = [python, str(Path(__file__).resolve()), "--worker", "--seed", str(seed),
               "--max-time", str(args.max_time), "--max-t", str(args.max_t),
               "--seconds-per-epoch", str(args.seconds_per_epoch)] + (["--profile", profile] if profile else [])
    with tempfile.TemporaryDirectory() as folder:
        env["SYNETUNE_FOLDER"] = folder
        done = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{library} run (seed {seed}) failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def regret_at(trace, t: float) -> float:
    value = float("inf")
    for time_, regret in trace:
        if time_ > t:
            break
        value = regret
    return value


def table(runs: dict[str, list[dict]], max_time: float) -> list[str]:
    grid = [max_time * k / 4 for k in range(1, 5)]
    lines = ["| library | version | median scheduler CPU (s) | min-max | results | trials | ms per result | "
             + " | ".join(f"regret {t:.0f} s" for t in grid) + " |",
             "|---|---|---|---|---|---|---|" + "---|" * len(grid)]
    for library, outputs in runs.items():
        if not outputs:
            continue
        cpu = [o["cpu"] for o in outputs]
        regrets = np.median([[regret_at(o["trace"], t) for t in grid] for o in outputs], axis=0)
        lines.append(f"| {library} | {outputs[0]['version']} | {np.median(cpu):.2f} | {min(cpu):.2f}-{max(cpu):.2f} | "
                     f"{np.median([o['results'] for o in outputs]):.0f} | "
                     f"{np.median([o['trials'] for o in outputs]):.0f} | "
                     f"{1e3 * np.median([o['cpu'] / max(1, o['results']) for o in outputs]):.2f} | "
                     + " | ".join(f"{r:.4f}" for r in regrets) + " |")
    for other in [library for library in runs if library != "ours" and runs[library] and runs.get("ours")]:
        ours = np.median([o["cpu"] for o in runs["ours"]])
        theirs = np.median([o["cpu"] for o in runs[other]])
        pairs = [b["cpu"] / a["cpu"] for a, b in zip(runs["ours"], runs[other])]
        lines += ["", f"CPU ratio {other} / ours (medians): {theirs / ours:.1f}x; per seed: "
                  + ", ".join(f"{p:.1f}" for p in pairs)]
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--max-time", type=float, default=200.0, help="simulated seconds per run")
    parser.add_argument("--max-t", type=int, default=MAX_T)
    parser.add_argument("--seconds-per-epoch", type=float, default=1.0)
    parser.add_argument("--libraries", nargs="+", default=["ours", "original"],
                        choices=["ours", "original", "baseline"])
    parser.add_argument("--baseline-repo", help="'baseline' runs our library from this checkout (e.g. the code "
                                                "before a change, from git archive)")
    parser.add_argument("--original-python", default=os.environ.get(ORIGINAL_PYTHON_ENV),
                        help=f"Python of a virtual environment with syne-tune 0.13.0 (default: ${ORIGINAL_PYTHON_ENV})")
    parser.add_argument("--profile", help="cProfile output of our first run (with --libraries ours)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args)
        return 0
    if "original" in args.libraries and not args.original_python:
        parser.error(f"--libraries original needs the original library's interpreter: pass --original-python "
                     f"PATH or set {ORIGINAL_PYTHON_ENV} (or run --libraries ours)")
    runs: dict[str, list[dict]] = {library: [] for library in args.libraries}
    start = time.time()
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        order = args.libraries if seed % 2 == 0 else args.libraries[::-1]
        for library in order:
            profile = args.profile if (library == "ours" and seed == args.first_seed) else None
            output = _spawn(library, seed, args, profile)
            runs[library].append(output)
            print(f"seed {seed} {library}: scheduler CPU {output['cpu']:.2f} s, {output['results']} results, "
                  f"final regret {output['trace'][-1][1] if output['trace'] else float('nan'):.4f}", flush=True)
    print()
    print(f"MOBSTER on multi-fidelity Hartmann6: {args.seeds} seeds, {N_WORKERS} workers, {args.max_time:.0f} "
          f"simulated s, max_t={args.max_t}, {args.seconds_per_epoch} s/epoch ({time.time() - start:.0f} s wall)")
    print()
    print("\n".join(table(runs, args.max_time)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
