"""Benchmark definitions, by name; each is a :class:`~benchmarking.definitions.benchmark.Benchmark`.

``BENCHMARKS`` holds the ones that run their training script for real (``simulated`` False):
each has a ``<name>_benchmark(params)`` returning its ``Benchmark`` (``script``, ``config_space``,
``metric``, ``mode``, ``resource_attr``, ``max_resource_attr``, ``elapsed_time_attr``,
``map_reward``, ``default_params``; also readable as the original library's dict,
``benchmark["script"]``) and a ``<name>_default_params(params=None)``. Definitions only import
``syne_tune.config_space``; their training scripts load data and heavy libraries when they run.

``SIMULATED_BENCHMARKS`` holds the simulated ones (``simulated`` True): blackboxes of
``syne_tune.blackbox_repository`` (synthetic curves, Branin, Hartmann6, and the tabulated FCNet,
NAS-Bench-201 and HPOBench data sets, ``definition_blackboxes``) and benchmarks with a
SimulatorBackend of their own (``definition_simulator``), run in simulated time.
"""
from __future__ import annotations

from collections.abc import Callable

from benchmarking.definitions.benchmark import Benchmark
from benchmarking.definitions.definition_blackboxes import blackbox_benchmarks
from benchmarking.definitions.definition_height import height_benchmark, height_default_params
from benchmarking.definitions.definition_mlp_on_fashion_mnist import (
    mlp_fashionmnist_benchmark, mlp_fashionmnist_default_params,
)
from benchmarking.definitions.definition_simulator import simulator_benchmarks

SimulatedBenchmark = Benchmark  # the name simulated definitions had
BenchmarkFn = Callable[[dict], Benchmark]
DefaultParamsFn = Callable[..., dict]

BENCHMARKS: dict[str, tuple[BenchmarkFn, DefaultParamsFn]] = {
    "height": (height_benchmark, height_default_params),
    "mlp_fashionmnist": (mlp_fashionmnist_benchmark, mlp_fashionmnist_default_params),
}

SIMULATED_BENCHMARKS: dict[str, Benchmark] = {**blackbox_benchmarks(), **simulator_benchmarks()}


def benchmark_definition(name: str, params: dict | None = None) -> Benchmark:
    """The definition of benchmark ``name``: for a real one, made with ``params`` over its defaults;
    a simulated one takes no parameters."""
    if name in SIMULATED_BENCHMARKS:
        return SIMULATED_BENCHMARKS[name]
    if name not in BENCHMARKS:
        raise ValueError(f"Unknown benchmark {name!r}. Choose one of {sorted(BENCHMARKS) + sorted(SIMULATED_BENCHMARKS)}.")
    benchmark_fn, default_params_fn = BENCHMARKS[name]
    return benchmark_fn(default_params_fn(params))
