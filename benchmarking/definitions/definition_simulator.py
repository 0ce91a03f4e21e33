"""Simulated benchmarks with their own SimulatorBackend (state a table cannot hold), e.g. ``lr-schedule``.

A ``SimulatorBenchmark`` has the attributes and methods of a ``SimulatedBenchmark`` that the
comparison runner uses (``config_space()``, ``backend(seed)``, ``best_value()``, metric, mode,
budget, workers), but its backend is any ``SimulatorBackend`` class, named by import path so that
definitions stay cheap to import and runs can go to other processes.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field


def _load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class SimulatorBenchmark:
    """A benchmark simulated by ``backend_class(random_seed=seed, **backend_kwargs)``.

    Attributes:
        backend_class, config_space_fn: ``"module:name"`` of the SimulatorBackend subclass and of
            the function returning the config space.
        optimum: best possible value of ``metric`` (regret = distance to it).
    """

    backend_class: str
    config_space_fn: str
    metric: str
    mode: str
    max_wallclock_time: float
    n_workers: int = 4
    max_resource_attr: str | None = None
    resource_attr: str | None = None
    optimum: float | None = None
    backend_kwargs: dict = field(default_factory=dict)
    simulated: bool = True
    reference_point: tuple[float, ...] | None = None
    multi_objective = False
    noise_free = None  # the reported metric is the value to compare (see SimulatedBenchmark.noise_free)

    def config_space(self) -> dict:
        return _load(self.config_space_fn)()

    def best_value(self) -> float | None:
        return self.optimum

    def backend(self, seed: int | None = None):
        return _load(self.backend_class)(random_seed=seed or 0, **self.backend_kwargs)


def simulator_benchmarks() -> dict[str, SimulatorBenchmark]:
    return {
        # PBT's benchmark: the best learning rate falls during training (benchmarking/lr_schedule_simulation.py).
        "lr-schedule": SimulatorBenchmark(
            "benchmarking.lr_schedule_simulation:LearningRateScheduleBackend",
            "benchmarking.lr_schedule_simulation:lr_schedule_config_space", "loss", "min",
            max_wallclock_time=2000.0, n_workers=8, max_resource_attr="epochs", resource_attr="epoch", optimum=0.1),
    }
