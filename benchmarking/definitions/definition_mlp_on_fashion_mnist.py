"""Benchmark: a two-layer MLP trained on FashionMNIST (numpy + autograd, no DL framework).

Tunes 7 hyperparameters of ``training_scripts/mlp_on_fashion_mnist/mlp_on_fashion_mnist.py``;
the resource is the number of epochs (at most ``max_resource_level``, 81 by default), the
metric the validation accuracy. The data is read from (or downloaded into) ``dataset_path``.
"""
from __future__ import annotations

from pathlib import Path

from benchmarking.utils.params import dict_get
from benchmarking.definitions.benchmark import Benchmark
from syne_tune.config_space import loguniform, randint, uniform

SCRIPT = (Path(__file__).resolve().parent.parent / "training_scripts" / "mlp_on_fashion_mnist"
          / "mlp_on_fashion_mnist.py")

# The hyperparameters searched over; the training script reads its arguments from here too.
_config_space = {
    "n_units_1": randint(4, 1024),
    "n_units_2": randint(4, 1024),
    "batch_size": randint(8, 128),
    "dropout_1": uniform(0, 0.99),
    "dropout_2": uniform(0, 0.99),
    "learning_rate": loguniform(1e-6, 1),
    "weight_decay": loguniform(1e-8, 1),
}

_DEFAULT_PARAMS = {
    "epochs": 81,
    "max_resource_level": 81,
    "grace_period": 1,
    "reduction_factor": 3,
    "num_workers": 4,
    "dataset_path": "./",
    "report_current_best": "False",
}


def mlp_fashionmnist_default_params(params: dict | None = None) -> dict:
    """The default benchmark parameters, overridden by the non-None entries of ``params``.

    ``epochs`` and ``max_resource_level`` are the same number; giving either sets both.
    """
    merged = dict(_DEFAULT_PARAMS)
    given = {key: value for key, value in (params or {}).items() if value is not None}
    if "epochs" in given and "max_resource_level" in given \
            and int(given["epochs"]) != int(given["max_resource_level"]):
        raise ValueError(
            "The 'epochs' and 'max_resource_level' parameters of the mlp_fashionmnist benchmark "
            f"are the same number; give one of them. Got {given['epochs']} and "
            f"{given['max_resource_level']}.")
    merged.update(given)
    if "max_resource_level" in given and "epochs" not in given:
        merged["epochs"] = given["max_resource_level"]
    elif "epochs" in given and "max_resource_level" not in given:
        merged["max_resource_level"] = given["epochs"]
    return merged


def mlp_fashionmnist_benchmark(params: dict | None = None) -> Benchmark:
    """The benchmark definition; missing or None ``params`` take their defaults.

    Returns its Benchmark (also readable as the original dict) with ``script`` (path string), ``config_space`` (the hyperparameters plus the
    constants ``epochs``, ``dataset_path`` made absolute, ``report_current_best``), ``metric``, ``mode``,
    ``resource_attr``, ``max_resource_attr``, ``elapsed_time_attr``, ``map_reward`` and the
    merged ``default_params``.
    """
    default_params = mlp_fashionmnist_default_params(params)
    config_space = dict(
        _config_space,
        epochs=int(default_params["max_resource_level"]),
        # Absolute, so trials find the data whatever their working directory.
        dataset_path=str(Path(default_params["dataset_path"]).expanduser().resolve()),
        report_current_best=str(dict_get(default_params, "report_current_best", "False")),
    )
    return Benchmark(
        "mlp_fashionmnist", "mlp_fashionmnist", metric="accuracy", mode="max", elapsed_time_attr="elapsed_time",
        max_wallclock_time=60.0,  # seconds per method, as run_benchmark runs it by default
        n_workers=int(default_params["num_workers"]), max_resource_attr="epochs",
        script=str(SCRIPT), script_config_space=config_space, map_reward="1_minus_x",
        default_params=default_params)
