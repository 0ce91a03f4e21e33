"""Benchmark definitions, by name.

Each benchmark has a ``<name>_benchmark(params)`` returning a dict (``script``,
``config_space``, ``metric``, ``mode``, ``resource_attr``, ``max_resource_attr``,
``elapsed_time_attr``, ``map_reward``, ``default_params``) and a
``<name>_default_params(params=None)``. Definitions only import ``syne_tune.config_space``;
their training scripts load data and heavy libraries when they run. These run for real
(``"simulated": False``).

``SIMULATED_BENCHMARKS`` holds the simulated ones (``SimulatedBenchmark``, ``simulated=True``):
blackboxes of ``syne_tune.blackbox_repository`` (synthetic curves, Branin, Hartmann6, and the
tabulated FCNet, NAS-Bench-201 and HPOBench data sets) that run in simulated time.
"""
from __future__ import annotations

from collections.abc import Callable

from benchmarking.definitions.definition_blackboxes import SIMULATED_BENCHMARKS, SimulatedBenchmark  # noqa: F401
from benchmarking.definitions.definition_height import height_benchmark, height_default_params
from benchmarking.definitions.definition_mlp_on_fashion_mnist import (
    mlp_fashionmnist_benchmark, mlp_fashionmnist_default_params,
)

BenchmarkFn = Callable[[dict], dict]
DefaultParamsFn = Callable[..., dict]

BENCHMARKS: dict[str, tuple[BenchmarkFn, DefaultParamsFn]] = {
    "height": (height_benchmark, height_default_params),
    "mlp_fashionmnist": (mlp_fashionmnist_benchmark, mlp_fashionmnist_default_params),
}


def benchmark_definition(name: str, params: dict | None = None) -> dict | SimulatedBenchmark:
    """The definition of benchmark ``name``: for a real one, its dict with ``params`` over its
    defaults (``"simulated": False``); for a simulated one, its ``SimulatedBenchmark``."""
    if name in SIMULATED_BENCHMARKS:
        return SIMULATED_BENCHMARKS[name]
    if name not in BENCHMARKS:
        raise ValueError(f"Unknown benchmark {name!r}. Choose one of {sorted(BENCHMARKS) + sorted(SIMULATED_BENCHMARKS)}.")
    benchmark_fn, default_params_fn = BENCHMARKS[name]
    return benchmark_fn(default_params_fn(params))
