"""Benchmark: the GP core on autograd next to a baseline commit, side by side in one run (issue 21).

Each measurement runs in a subprocess with the repository ("new") or a ``git archive`` of the baseline
commit ("old", default cd5f8cc, the hand-derived gradients) on PYTHONPATH, the two alternating,
BLAS limited to one thread. Measured, as CPU seconds of this process per suggestion:

- FIFO bayesopt (Matérn 5/2) and MOBSTER (default resource kernel) at 100, 500 and 2,000
  observations: ``n − 1`` random observations (MOBSTER: at rung levels 1, 3, 9, 27), one cold fit (not
  timed), then ``window`` suggestions, each registered pending and evaluated two suggestions later
  (so one is fantasized), spanning at least one refit of the schedule; the mean is reported;
- every other resource kernel (search option ``gp_resource_kernel``) at 300 observations;
- with ``--mobster-seeds``: MOBSTER's scheduler CPU on the simulated multi-fidelity Hartmann6
  (``run_mobster_vs_original.py --libraries ours baseline``);
- with ``--quality-seeds``: regret on Hartmann6, sequential and 4 workers
  (``run_bayesopt_benchmark.py``), both versions;
- the lines of code of ``syne_tune/gp`` in both versions (non-blank, non-comment, outside docstrings).

    PYTHONPATH=$PWD python benchmarking/scripts/run_gp_autograd_benchmark.py
    PYTHONPATH=$PWD python benchmarking/scripts/run_gp_autograd_benchmark.py --sizes 100 --repeats 1 --kernels-n 50
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
BASELINE = "cd5f8cc"
DEFAULT_KERNEL = "matern52-res-warp"
OTHER_KERNELS = ("exp-decay-sum", "exp-decay-delta1", "exp-decay-combined", "matern52")
_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
               [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                      [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(config: dict) -> float:
    x = np.array([config[f"x{i}"] for i in range(6)])
    return float(-np.dot(_ALPHA, np.exp(-np.sum(_A * (x - _P) ** 2, axis=1))))


# --- worker: runs with either version of the library on the path ---------------------------------


def time_suggestions(searcher_kind: str, n: int, seed: int, kernel: str | None = None,
                     window: int | None = None) -> float:
    """Mean CPU seconds per suggestion from ``n`` observations on (see the module docstring)."""
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers.searchers import gp_searcher

    space = {f"x{i}": uniform(0, 1) for i in range(6)}
    rs = np.random.RandomState(seed)
    levels = (1, 3, 9, 27)
    if searcher_kind == "fifo":
        searcher = gp_searcher.GPFIFOSearcher(space, metric="y", points_to_evaluate=[], random_seed=seed,
                                              debug_log=False, num_init_random=0)
    else:
        from syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher import GPMultiFidelitySearcher
        options = {} if kernel is None else {"gp_resource_kernel": kernel}
        searcher = GPMultiFidelitySearcher(space, metric="y", points_to_evaluate=[], random_seed=seed,
                                           resource_attr="epoch", max_t=27, debug_log=False, num_init_random=0,
                                           **options)

    def result(config, r):
        value = hartmann6(config) + (0.2 + 0.6 * config["x0"]) * (1.0 / r - 1.0 / 27)
        return {"y": value} if searcher_kind == "fifo" else {"y": value, "epoch": r}

    for i in range(n - 1):
        config = {k: float(rs.rand()) for k in space}
        r = levels[i % len(levels)] if searcher_kind != "fifo" else 1
        searcher.on_trial_result(f"r{i}", config, result(config, r), update=True)
    with gp_searcher.single_threaded_blas():
        searcher._posterior()                                          # cold fit, not timed
    if window is None:
        window = max(20, int(np.ceil(min(n, searcher.options.max_size_data_for_model or n)
                                     * searcher.options.refit_growth)) + 2)
    open_trials, times = [], []
    for trial in range(window + 1):
        start = time.process_time()
        config = searcher.get_config(trial_id=str(trial))
        if trial >= 1:
            times.append(time.process_time() - start)
        if searcher_kind == "fifo":
            searcher.register_pending(str(trial), config)
        else:
            searcher.register_pending(str(trial), config, milestone=1)
        open_trials.append((str(trial), config))
        if len(open_trials) > 1:
            trial_id, done = open_trials.pop(0)
            searcher.on_trial_result(trial_id, done, result(done, 1), update=True)
    return float(np.mean(times))


def _worker(spec: dict) -> None:
    import logging

    logging.disable(logging.WARNING)
    seconds = time_suggestions(spec["searcher"], spec["n"], spec["seed"], spec.get("kernel"), spec.get("window"))
    print("RESULT " + json.dumps({"seconds": seconds}))


# --- driver --------------------------------------------------------------------------------------


def extract_baseline(commit: str, folder: Path) -> Path:
    """``git archive`` of ``commit``'s syne_tune and benchmarking folders into ``folder``."""
    archive = subprocess.run(["git", "archive", commit, "syne_tune", "benchmarking"], cwd=REPO, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder)
    return folder


def _env(path: Path, folder: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(path), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               SYNETUNE_FOLDER=folder)
    return env


def spawn(path: Path, spec: dict) -> float:
    """Runs :func:`_worker` with the library at ``path``; returns its seconds per suggestion."""
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
                              env=_env(path, folder), cwd=folder, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"worker {spec} with {path} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])["seconds"]


def side_by_side(paths: dict[str, Path], spec: dict, repeats: int) -> dict[str, float]:
    """Median over ``repeats`` seeds of each version's seconds per suggestion, the versions alternating."""
    seconds: dict[str, list[float]] = {name: [] for name in paths}
    for repeat in range(repeats):
        order = list(paths) if repeat % 2 == 0 else list(paths)[::-1]
        for name in order:
            seconds[name].append(spawn(paths[name], dict(spec, seed=repeat)))
    return {name: float(np.median(values)) for name, values in seconds.items()}


def code_lines(folder: Path) -> int:
    """Lines of ``folder``'s Python files that are neither blank, comments nor inside docstrings."""
    import ast

    total = 0
    for file in sorted(folder.glob("*.py")):
        text = file.read_text()
        docstring_lines = set()
        for node in ast.walk(ast.parse(text)):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                    and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                docstring_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
        total += sum(1 for number, line in enumerate(text.splitlines(), 1)
                     if line.strip() and not line.strip().startswith("#") and number not in docstring_lines)
    return total


def _script(name: str) -> Path:
    """A benchmark script of this repository by file name (benchmarking/ or a subfolder of it)."""
    matches = sorted((REPO / "benchmarking").rglob(name))
    if not matches:
        raise FileNotFoundError(f"benchmarking/**/{name} not found")
    return matches[0]


def run_script(name: str, args: list[str], path: Path) -> str:
    with tempfile.TemporaryDirectory() as folder:
        script = _script(name)
        env = _env(path, folder)
        done = subprocess.run([sys.executable, str(script), *args], env=env, cwd=folder, capture_output=True,
                              text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{name} {args} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git commit of the code to compare with")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--repeats", type=int, default=3, help="seeds per timing (median reported)")
    parser.add_argument("--kernels-n", type=int, default=300, help="observations for the other resource kernels")
    parser.add_argument("--window", type=int, help="suggestions timed per run (default: one refit period, >= 20)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["fifo", "mobster", "kernels"])
    parser.add_argument("--mobster-seeds", type=int, default=0, help="seeds of the MOBSTER scheduler-CPU run")
    parser.add_argument("--quality-seeds", type=int, default=0, help="seeds of the Hartmann6 regret comparison")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(json.loads(args.worker))
        return 0
    with tempfile.TemporaryDirectory() as baseline_folder:
        old = extract_baseline(args.baseline, Path(baseline_folder))
        paths = {"old": old, "new": REPO}
        print(f"GP core, new (this checkout) vs old ({args.baseline}); CPU seconds per suggestion, median of "
              f"{args.repeats} seeds; ratio new/old", flush=True)
        print("| searcher | kernel | observations | old (s) | new (s) | ratio |\n|---|---|---|---|---|---|", flush=True)
        rows = []
        if "fifo" not in args.skip:
            rows += [("fifo", "matern52", n) for n in args.sizes]
        if "mobster" not in args.skip:
            rows += [("mobster", DEFAULT_KERNEL, n) for n in args.sizes]
        if "kernels" not in args.skip:
            rows += [("mobster", kernel, args.kernels_n) for kernel in OTHER_KERNELS]
        for searcher, kernel, n in rows:
            spec = {"searcher": searcher, "n": n, "window": args.window,
                    "kernel": kernel if searcher == "mobster" else None}
            seconds = side_by_side(paths, spec, args.repeats)
            print(f"| {searcher} | {kernel} | {n} | {seconds['old']:.4f} | {seconds['new']:.4f} | "
                  f"{seconds['new'] / seconds['old']:.2f} |", flush=True)
        print(f"\nlines of code in syne_tune/gp (no blanks, comments, docstrings): "
              f"old {code_lines(old / 'syne_tune/gp')}, new {code_lines(REPO / 'syne_tune/gp')}", flush=True)
        if args.mobster_seeds:
            print("\nMOBSTER scheduler CPU, simulated multi-fidelity Hartmann6 ('ours' = new, 'baseline' = old):")
            print(run_script("run_mobster_vs_original.py", ["--seeds", str(args.mobster_seeds), "--libraries",
                                                            "ours", "baseline", "--baseline-repo", str(old)], REPO),
                  flush=True)
        if args.quality_seeds:
            for name, path in paths.items():
                print(f"\nHartmann6 regret, {name}:")
                print(run_script("run_bayesopt_benchmark.py", ["--seeds", str(args.quality_seeds), "--functions",
                                                               "hartmann6", "--timing-evaluations", "0"], path),
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
