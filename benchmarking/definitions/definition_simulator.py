"""Simulated benchmarks with their own SimulatorBackend (state a table cannot hold), e.g. ``lr-schedule``.

A ``SimulatorBenchmark`` is a ``SimulatedBenchmark`` whose backend is any ``SimulatorBackend``
class instead of a blackbox, named by import path so that definitions stay cheap to import and
runs can go to other processes.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from benchmarking.definitions.definition_blackboxes import SimulatedBenchmark


def _load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class SimulatorBenchmark(SimulatedBenchmark):
    """A benchmark simulated by ``backend_class(random_seed=seed, **backend_kwargs)``.

    Attributes:
        backend_class, config_space_fn: ``"module:name"`` of the SimulatorBackend subclass and of
            the function returning the config space.
        optimum: best possible value of ``metric`` (regret = distance to it); there is no table to
            take the best value from.
    """

    backend_class: str = ""
    config_space_fn: str = ""
    backend_kwargs: dict = field(default_factory=dict)

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
            "lr-schedule", "lr-schedule", "loss", "min", "elapsed_time", max_wallclock_time=2000.0, n_workers=8,
            max_resource_attr="epochs", optimum=0.1,
            backend_class="benchmarking.lr_schedule_simulation:LearningRateScheduleBackend",
            config_space_fn="benchmarking.lr_schedule_simulation:lr_schedule_config_space"),
    }
