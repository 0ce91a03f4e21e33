from __future__ import annotations

from pathlib import Path

import pytest

from benchmarking.definitions.definition_mlp_on_fashion_mnist import (
    mlp_fashionmnist_benchmark, mlp_fashionmnist_default_params,
)
from syne_tune.config_space import Float, Integer

EXPECTED_DOMAINS = {
    "n_units_1": (Integer, 4, 1024, False),
    "n_units_2": (Integer, 4, 1024, False),
    "batch_size": (Integer, 8, 128, False),
    "dropout_1": (Float, 0, 0.99, False),
    "dropout_2": (Float, 0, 0.99, False),
    "learning_rate": (Float, 1e-6, 1, True),
    "weight_decay": (Float, 1e-8, 1, True),
}


def _check_definition(benchmark: dict, epochs: int = 81) -> None:
    assert benchmark["metric"] == "accuracy"
    assert benchmark["mode"] == "max"
    assert benchmark["resource_attr"] == "epoch"
    assert benchmark["max_resource_attr"] == "epochs"
    assert benchmark["elapsed_time_attr"] == "elapsed_time"
    assert benchmark["map_reward"] == "1_minus_x"
    script = benchmark["script"]
    assert isinstance(script, str) and Path(script).is_file()
    assert Path(script).name == "mlp_on_fashion_mnist.py"
    space = benchmark["config_space"]
    assert set(space) == set(EXPECTED_DOMAINS) | {"epochs", "dataset_path", "report_current_best"}
    for name, (cls, lower, upper, log) in EXPECTED_DOMAINS.items():
        domain = space[name]
        assert isinstance(domain, cls), name
        assert (domain.lower, domain.upper, domain.log_scale) == pytest.approx((lower, upper, log)), name
    assert space["epochs"] == epochs
    assert space["report_current_best"] == "False"
    params = benchmark["default_params"]
    assert params["epochs"] == params["max_resource_level"] == epochs
    assert (params["grace_period"], params["reduction_factor"], params["num_workers"]) == (1, 3, 4)


def test_tutorial_call_with_only_dataset_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    benchmark = mlp_fashionmnist_benchmark({"dataset_path": "./"})
    _check_definition(benchmark)
    assert benchmark["default_params"]["dataset_path"] == "./"
    # made absolute so trials find the data whatever their working directory
    assert benchmark["config_space"]["dataset_path"] == str(tmp_path.resolve())


def test_call_with_default_params():
    benchmark = mlp_fashionmnist_benchmark(mlp_fashionmnist_default_params())
    _check_definition(benchmark)
    assert mlp_fashionmnist_benchmark() == benchmark


def test_default_params_table():
    params = mlp_fashionmnist_default_params()
    assert params == {"epochs": 81, "max_resource_level": 81, "grace_period": 1, "reduction_factor": 3,
                      "num_workers": 4, "dataset_path": "./", "report_current_best": "False"}
    assert mlp_fashionmnist_default_params() is not mlp_fashionmnist_default_params()


def test_none_values_are_ignored_and_overrides_apply():
    benchmark = mlp_fashionmnist_benchmark({"dataset_path": None, "grace_period": None,
                                            "reduction_factor": 2, "report_current_best": "True"})
    assert benchmark["default_params"]["grace_period"] == 1
    assert benchmark["default_params"]["reduction_factor"] == 2
    assert benchmark["default_params"]["dataset_path"] == "./"
    assert benchmark["config_space"]["report_current_best"] == "True"


@pytest.mark.parametrize("key", ["epochs", "max_resource_level"])
def test_epochs_and_max_resource_level_move_together(key):
    benchmark = mlp_fashionmnist_benchmark({key: 9})
    _check_definition(benchmark, epochs=9)


def test_conflicting_epochs_rejected():
    with pytest.raises(ValueError, match="'epochs' and 'max_resource_level'"):
        mlp_fashionmnist_default_params({"epochs": 9, "max_resource_level": 27})


def test_definition_does_not_import_the_training_stack():
    import subprocess
    import sys
    code = ("import sys; import benchmarking.definitions.definition_mlp_on_fashion_mnist; "
            "print('autograd' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "False"


def test_tutorial_schedulers_accept_the_definition():
    from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler

    benchmark = mlp_fashionmnist_benchmark({"dataset_path": "./"})
    default_params = benchmark["default_params"]
    fifo = FIFOScheduler(benchmark["config_space"], searcher="random", mode=benchmark["mode"],
                         metric=benchmark["metric"])
    hyperband = HyperbandScheduler(
        benchmark["config_space"], searcher="random", max_t=default_params["max_resource_level"],
        grace_period=default_params["grace_period"], reduction_factor=default_params["reduction_factor"],
        resource_attr=benchmark["resource_attr"], mode=benchmark["mode"], metric=benchmark["metric"])
    for scheduler in (fifo, hyperband):
        assert scheduler.metric_names() == ["accuracy"]
        assert scheduler.metric_mode() == "max"
