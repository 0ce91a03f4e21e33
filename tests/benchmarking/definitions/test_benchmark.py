"""Every benchmark definition has one shape, Benchmark, whatever runs its trials."""
from __future__ import annotations

import pytest

from benchmarking.definitions import BENCHMARKS, SIMULATED_BENCHMARKS, SimulatedBenchmark, benchmark_definition
from benchmarking.definitions.benchmark import Benchmark
from benchmarking.definitions.definition_simulator import SimulatorBenchmark


def test_real_and_simulated_definitions_are_one_class_with_a_backend_each():
    assert SimulatedBenchmark is Benchmark and SimulatorBenchmark is Benchmark  # the old names
    for name in ["height", "synthetic-mf", "lr-schedule", "branin"]:
        benchmark = benchmark_definition(name)
        assert isinstance(benchmark, Benchmark) and benchmark.name == name
        assert benchmark.simulated is (name not in BENCHMARKS)
        backend = benchmark.backend(seed=1)
        kind = type(backend).__name__
        assert (kind == "LocalBackend") is (name == "height"), kind
        space = benchmark.config_space()
        assert space and (benchmark.max_resource_attr is None or benchmark.max_resource_attr in space)
    assert set(SIMULATED_BENCHMARKS) >= {"lr-schedule", "synthetic-mf", "nas201-mo-cifar10"}


def test_a_definition_reads_like_the_original_dict():
    benchmark = benchmark_definition("height", {"max_resource_level": 7})
    assert benchmark["script"] == benchmark.script and benchmark["config_space"]["epochs"] == 7
    assert dict(benchmark)["default_params"]["max_resource_level"] == 7
    assert benchmark["simulated"] is False and benchmark["elapsed_time_attr"] is None
    with pytest.raises(KeyError):
        benchmark["no_such_key"]
