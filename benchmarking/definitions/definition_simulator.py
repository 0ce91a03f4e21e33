"""Simulated benchmarks with their own SimulatorBackend (state a table cannot hold), e.g. ``lr-schedule``.

Each is a :class:`~benchmarking.definitions.benchmark.Benchmark` with a ``backend_class``: any
``SimulatorBackend`` subclass instead of a blackbox, named by import path so that definitions stay
cheap to import and runs can go to other processes; ``optimum`` is the best possible value of
``metric`` (there is no table to take the best value from).
"""
from __future__ import annotations

from benchmarking.definitions.benchmark import Benchmark

SimulatorBenchmark = Benchmark  # the name these definitions had; every benchmark is a Benchmark


def simulator_benchmarks() -> dict[str, Benchmark]:
    return {
        # PBT's benchmark: the best learning rate falls during training (benchmarking/lr_schedule_simulation.py).
        "lr-schedule": Benchmark(
            "lr-schedule", "lr-schedule", "loss", "min", "elapsed_time", max_wallclock_time=2000.0, n_workers=8,
            max_resource_attr="epochs", optimum=0.1,
            backend_class="benchmarking.lr_schedule_simulation:LearningRateScheduleBackend",
            config_space_fn="benchmarking.lr_schedule_simulation:lr_schedule_config_space"),
    }
