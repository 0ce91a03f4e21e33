"""Simulated benchmarks: blackboxes of ``syne_tune.blackbox_repository`` run in simulated time.

Each definition (a :class:`~benchmarking.definitions.benchmark.Benchmark`) names a blackbox (and data set), the metric and mode, the elapsed-time
objective, the simulated budget and workers, and the best value known (for regret). The
tabulated ones (fcnet-*, nas201-*, hpobench-*) need the extra ``blackboxes``.
"""
from __future__ import annotations

from benchmarking.definitions.benchmark import Benchmark

SimulatedBenchmark = Benchmark  # the name these definitions had; every benchmark is a Benchmark


def _synthetic_curves():
    """The synthetic curves of the Hyperband, MOBSTER and synchronous Hyperband benchmarks
    (docs/benchmarks-*.md): noise 0.005 at every epoch, no extra noise at low fidelities."""
    from syne_tune.blackbox_repository.synthetic import synthetic_multifidelity

    return synthetic_multifidelity(max_t=81, noise=0.005, low_fidelity_noise=0.0)


def _synthetic_final_loss(config: dict) -> float:
    from syne_tune.blackbox_repository.synthetic import synthetic_final_loss

    return synthetic_final_loss(config)


def blackbox_benchmarks() -> dict[str, Benchmark]:
    hour = 3600.0
    benchmarks = {
        # Reported losses are noisy around SYNTHETIC_OPTIMUM, so comparisons show the best loss, not a regret.
        "synthetic-mf": Benchmark("synthetic-mf", "synthetic-mf", "loss", "min", "elapsed_time",
                                           max_wallclock_time=1200.0, max_resource_attr="epochs"),
        # Regret of the incumbent by its noise-free final loss (optimum 0.1 = SYNTHETIC_OPTIMUM).
        "synthetic-curves": Benchmark("synthetic-mf", "synthetic-curves", "loss", "min", "elapsed_time",
                                               max_wallclock_time=3600.0, max_resource_attr="epochs", optimum=0.1,
                                               make_blackbox=_synthetic_curves, noise_free=_synthetic_final_loss),
        "height-sim": Benchmark("height", "height", "mean_loss", "min", "elapsed_time",
                                         max_wallclock_time=600.0, max_resource_attr="epochs",
                                         optimum=1 / (0.1 + 20 * 99 / 100) - 10),
        "branin": Benchmark("branin", "branin", "value", "min", "elapsed_time", max_wallclock_time=500.0,
                                     optimum=0.397887),
        "hartmann6": Benchmark("hartmann6", "hartmann6", "value", "min", "elapsed_time",
                                        max_wallclock_time=1000.0, optimum=-3.32237),
    }
    for dataset in ("naval_propulsion", "parkinsons_telemonitoring", "protein_structure", "slice_localization"):
        benchmarks[f"fcnet-{dataset}"] = Benchmark("fcnet", dataset, "val_loss", "min", "train_time",
                                                            max_wallclock_time=2 * hour)
    # FCNet and NAS-Bench-201 with an epoch fidelity: the tables' final values at the end of modelled
    # learning curves (syne_tune/blackbox_repository/learning_curves.py), for multi-fidelity methods.
    for dataset in ("naval_propulsion", "parkinsons_telemonitoring", "protein_structure", "slice_localization"):
        benchmarks[f"fcnet-mf-{dataset}"] = Benchmark("fcnet-mf", dataset, "val_loss", "min", "train_time",
                                                               max_wallclock_time=2 * hour, max_resource_attr="epochs")
    for dataset in ("cifar10", "cifar100", "imagenet"):
        benchmarks[f"nas201-mf-{dataset}"] = Benchmark("nasbench201-mf", dataset, "val_acc", "max",
                                                                "train_time", max_wallclock_time=6 * hour,
                                                                max_resource_attr="epochs")
        # Two objectives: validation accuracy (%) against latency (s); the reference point is worse than
        # every cell of the table (chance accuracy, the slowest latency).
        benchmarks[f"nas201-mo-{dataset}"] = Benchmark(
            "nasbench201-mf", dataset, ["val_acc", "latency"], ["max", "min"], "train_time",
            max_wallclock_time=6 * hour, max_resource_attr="epochs", reference_point=(0.0, 0.03))
    for dataset in ("cifar10", "cifar100", "imagenet"):
        benchmarks[f"nas201-{dataset}"] = Benchmark("nasbench201", dataset, "val_acc", "max", "train_time",
                                                             max_wallclock_time=6 * hour)
    for dataset in ("australian", "blood_transfusion", "car", "credit_g", "kc1", "phoneme", "segment", "vehicle"):
        benchmarks[f"hpobench-{dataset}"] = Benchmark("hpobench", dataset, "val_acc", "max", "train_time",
                                                               max_wallclock_time=hour)
    return benchmarks
