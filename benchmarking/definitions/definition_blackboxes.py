"""Simulated benchmarks: blackboxes of ``syne_tune.blackbox_repository`` run in simulated time.

Each definition names a blackbox (and data set), the metric and mode, the elapsed-time
objective, the simulated budget and workers, and the best value known (for regret). The
tabulated ones (fcnet-*, nas201-*, hpobench-*) need the extra ``blackboxes``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SimulatedBenchmark:
    """A benchmark whose trials a ``BlackboxRepositoryBackend`` simulates.

    Attributes:
        blackbox_name, dataset: as ``load_blackbox(blackbox_name)[dataset]``.
        max_wallclock_time: simulated seconds per run.
        optimum: best possible value of ``metric`` (regret = distance to it); None: the best
            value in the table is used.
        make_blackbox: makes the blackbox instead of ``load_blackbox`` (e.g. other noise levels).
        noise_free: the noise-free value of ``metric`` of a config; when given, a run's best-so-far
            is this value of its incumbent (the trial with the best report so far), not the noisy report.
        metric, mode: a list each for a multi-objective benchmark, which also needs ``reference_point``
            (one value per metric, worse than any that should count): comparisons show hypervolume.
    """

    blackbox_name: str
    dataset: str
    metric: str | list[str]
    mode: str | list[str]
    elapsed_time_attr: str
    max_wallclock_time: float
    n_workers: int = 4
    max_resource_attr: str | None = None
    optimum: float | None = None
    simulated: bool = True
    make_blackbox: Callable | None = None
    noise_free: Callable[[dict], float] | None = None
    reference_point: tuple[float, ...] | None = None  # multi-objective: hypervolume reference, in metric units

    @property
    def multi_objective(self) -> bool:
        return isinstance(self.metric, (list, tuple))

    def blackbox(self):
        if self.make_blackbox is not None:
            return self.make_blackbox()
        from syne_tune.blackbox_repository import load_blackbox

        return load_blackbox(self.blackbox_name)[self.dataset]

    def config_space(self) -> dict:
        box = self.blackbox()
        if self.max_resource_attr is not None:
            return box.configuration_space_with_max_resource_attr(self.max_resource_attr)
        return dict(box.configuration_space)

    @property
    def resource_attr(self) -> str | None:
        return "epoch" if self.max_resource_attr is not None else None

    def best_value(self) -> float | None:
        """``optimum``, or the best value of the metric over the whole table (mean over seeds);
        None when neither is known (comparisons then show the best metric, not a regret)."""
        if self.optimum is not None or self.multi_objective:
            return self.optimum
        best_value = getattr(self.blackbox(), "best_value", None)
        return None if best_value is None else best_value(self.metric, self.mode)

    def backend(self, seed: int | None = None):
        from syne_tune.blackbox_repository import BlackboxRepositoryBackend, UserBlackboxBackend

        if self.make_blackbox is not None:
            return UserBlackboxBackend(self.make_blackbox(), self.elapsed_time_attr,
                                       max_resource_attr=self.max_resource_attr, random_seed=seed or 0)
        return BlackboxRepositoryBackend(self.blackbox_name, self.elapsed_time_attr, dataset=self.dataset,
                                         max_resource_attr=self.max_resource_attr, random_seed=seed or 0)


def _synthetic_curves():
    """The synthetic curves of the Hyperband, MOBSTER and synchronous Hyperband benchmarks
    (docs/benchmarks-*.md): noise 0.005 at every epoch, no extra noise at low fidelities."""
    from syne_tune.blackbox_repository.synthetic import synthetic_multifidelity

    return synthetic_multifidelity(max_t=81, noise=0.005, low_fidelity_noise=0.0)


def _synthetic_final_loss(config: dict) -> float:
    from syne_tune.blackbox_repository.synthetic import synthetic_final_loss

    return synthetic_final_loss(config)


def _simulated() -> dict[str, SimulatedBenchmark]:
    hour = 3600.0
    benchmarks = {
        # Reported losses are noisy around SYNTHETIC_OPTIMUM, so comparisons show the best loss, not a regret.
        "synthetic-mf": SimulatedBenchmark("synthetic-mf", "synthetic-mf", "loss", "min", "elapsed_time",
                                           max_wallclock_time=1200.0, max_resource_attr="epochs"),
        # Regret of the incumbent by its noise-free final loss (optimum 0.1 = SYNTHETIC_OPTIMUM).
        "synthetic-curves": SimulatedBenchmark("synthetic-mf", "synthetic-curves", "loss", "min", "elapsed_time",
                                               max_wallclock_time=3600.0, max_resource_attr="epochs", optimum=0.1,
                                               make_blackbox=_synthetic_curves, noise_free=_synthetic_final_loss),
        "height-sim": SimulatedBenchmark("height", "height", "mean_loss", "min", "elapsed_time",
                                         max_wallclock_time=600.0, max_resource_attr="epochs",
                                         optimum=1 / (0.1 + 20 * 99 / 100) - 10),
        "branin": SimulatedBenchmark("branin", "branin", "value", "min", "elapsed_time", max_wallclock_time=500.0,
                                     optimum=0.397887),
        "hartmann6": SimulatedBenchmark("hartmann6", "hartmann6", "value", "min", "elapsed_time",
                                        max_wallclock_time=1000.0, optimum=-3.32237),
    }
    for dataset in ("naval_propulsion", "parkinsons_telemonitoring", "protein_structure", "slice_localization"):
        benchmarks[f"fcnet-{dataset}"] = SimulatedBenchmark("fcnet", dataset, "val_loss", "min", "train_time",
                                                            max_wallclock_time=2 * hour)
    # FCNet and NAS-Bench-201 with an epoch fidelity: the tables' final values at the end of modelled
    # learning curves (syne_tune/blackbox_repository/learning_curves.py), for multi-fidelity methods.
    for dataset in ("naval_propulsion", "parkinsons_telemonitoring", "protein_structure", "slice_localization"):
        benchmarks[f"fcnet-mf-{dataset}"] = SimulatedBenchmark("fcnet-mf", dataset, "val_loss", "min", "train_time",
                                                               max_wallclock_time=2 * hour, max_resource_attr="epochs")
    for dataset in ("cifar10", "cifar100", "imagenet"):
        benchmarks[f"nas201-mf-{dataset}"] = SimulatedBenchmark("nasbench201-mf", dataset, "val_acc", "max",
                                                                "train_time", max_wallclock_time=6 * hour,
                                                                max_resource_attr="epochs")
        # Two objectives: validation accuracy (%) against latency (s); the reference point is worse than
        # every cell of the table (chance accuracy, the slowest latency).
        benchmarks[f"nas201-mo-{dataset}"] = SimulatedBenchmark(
            "nasbench201-mf", dataset, ["val_acc", "latency"], ["max", "min"], "train_time",
            max_wallclock_time=6 * hour, max_resource_attr="epochs", reference_point=(0.0, 0.03))
    for dataset in ("cifar10", "cifar100", "imagenet"):
        benchmarks[f"nas201-{dataset}"] = SimulatedBenchmark("nasbench201", dataset, "val_acc", "max", "train_time",
                                                             max_wallclock_time=6 * hour)
    for dataset in ("australian", "blood_transfusion", "car", "credit_g", "kc1", "phoneme", "segment", "vehicle"):
        benchmarks[f"hpobench-{dataset}"] = SimulatedBenchmark("hpobench", dataset, "val_acc", "max", "train_time",
                                                               max_wallclock_time=hour)
    from benchmarking.definitions.definition_simulator import simulator_benchmarks

    return dict(benchmarks, **simulator_benchmarks())


SIMULATED_BENCHMARKS: dict[str, SimulatedBenchmark] = _simulated()
