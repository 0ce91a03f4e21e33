from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarking.definitions import BENCHMARKS, benchmark_definition
from benchmarking.definitions.definition_height import height_benchmark, height_default_params
from idx_fixtures import command_line
from syne_tune.config_space import Integer
from syne_tune.report import retrieve


def test_height_definition():
    benchmark = height_benchmark(height_default_params())
    assert Path(benchmark["script"]).name == "train_height_checkpoint.py"
    assert Path(benchmark["script"]).is_file()
    assert (benchmark["metric"], benchmark["mode"], benchmark["resource_attr"]) == ("mean_loss", "min", "epoch")
    assert benchmark["max_resource_attr"] == "epochs"
    space = benchmark["config_space"]
    assert isinstance(space["width"], Integer) and (space["width"].lower, space["width"].upper) == (0, 20)
    assert isinstance(space["height"], Integer) and (space["height"].lower, space["height"].upper) == (-100, 100)
    assert space["epochs"] == 100 == benchmark["default_params"]["max_resource_level"]
    assert benchmark["default_params"]["grace_period"] == 1
    assert benchmark["default_params"]["reduction_factor"] == 3


def _run(benchmark: dict, config: dict, checkpoint_dir) -> list[dict]:
    run = subprocess.run([sys.executable, benchmark["script"], *command_line(config),
                          "--st_checkpoint_dir", str(checkpoint_dir)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    return retrieve(run.stdout.splitlines())


def test_height_params_override_and_script_resumes(tmp_path):
    benchmark = height_benchmark({"max_resource_level": 3, "sleep_time": 0, "num_workers": None})
    assert benchmark["default_params"]["num_workers"] == 4
    config = {name: (value.lower if hasattr(value, "lower") else value)
              for name, value in benchmark["config_space"].items()}
    config.update(width=10, height=-20)
    expected = [1 / (0.1 + 10 * step / 100) - 2 for step in range(3)]

    results = _run(benchmark, config, tmp_path / "fresh")
    assert [r[benchmark["resource_attr"]] for r in results] == [1, 2, 3]
    assert [r[benchmark["metric"]] for r in results] == expected

    paused = _run(benchmark, dict(config, epochs=1), tmp_path / "paused")
    resumed = _run(benchmark, config, tmp_path / "paused")
    assert [r["epoch"] for r in paused + resumed] == [1, 2, 3]
    assert [r["mean_loss"] for r in paused + resumed] == expected


def test_registry():
    assert set(BENCHMARKS) >= {"height", "mlp_fashionmnist"}
    for name, (benchmark_fn, default_params_fn) in BENCHMARKS.items():
        definition = benchmark_fn(default_params_fn())
        assert definition == benchmark_definition(name)
        assert {"script", "config_space", "metric", "mode", "resource_attr", "default_params"} <= set(definition)
    assert benchmark_definition("height", {"max_resource_level": 5})["config_space"]["epochs"] == 5


def test_registry_unknown_name():
    import pytest
    with pytest.raises(ValueError, match="Unknown benchmark 'heigth'"):
        benchmark_definition("heigth")
