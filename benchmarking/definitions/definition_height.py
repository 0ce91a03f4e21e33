"""Benchmark: the "height" toy learning curve; needs no data and runs in seconds.

Script ``examples/training_scripts/height_example/train_height_checkpoint.py`` reports, for
each epoch e <= epochs, ``mean_loss = 1 / (0.1 + width * (e - 1) / 100) + 0.1 * height``, the
curve of ``train_height.py``. It checkpoints the last epoch, so schedulers that pause and
resume trials (ASHA promotion, PASHA) continue them instead of restarting. The best config is
width=20, height=-100; the epoch-1 ranking equals the height ranking, so early stopping is
informative.
"""
from __future__ import annotations

from pathlib import Path

from benchmarking.definitions.benchmark import Benchmark
from syne_tune.config_space import randint

SCRIPT = (Path(__file__).resolve().parents[2] / "examples" / "training_scripts" / "height_example"
          / "train_height_checkpoint.py")

_config_space = {
    "width": randint(0, 20),
    "height": randint(-100, 100),
}

_DEFAULT_PARAMS = {
    "max_resource_level": 100,
    "grace_period": 1,
    "reduction_factor": 3,
    "num_workers": 4,
    "sleep_time": 0.1,
}


def height_default_params(params: dict | None = None) -> dict:
    """The default benchmark parameters, overridden by the non-None entries of ``params``."""
    merged = dict(_DEFAULT_PARAMS)
    merged.update({key: value for key, value in (params or {}).items() if value is not None})
    return merged


def height_benchmark(params: dict | None = None) -> Benchmark:
    """The benchmark definition; missing or None ``params`` take their defaults.

    ``epochs`` (= ``max_resource_level``) and ``sleep_time`` (seconds per epoch) are constants
    of the config space; lower ``sleep_time`` to make the benchmark faster.
    """
    default_params = height_default_params(params)
    config_space = dict(
        _config_space,
        epochs=int(default_params["max_resource_level"]),
        sleep_time=float(default_params["sleep_time"]),
    )
    return Benchmark(
        "height", "height", metric="mean_loss", mode="min", elapsed_time_attr=None,
        max_wallclock_time=60.0,  # seconds per method, as run_benchmark runs it by default
        n_workers=int(default_params["num_workers"]), max_resource_attr="epochs",
        script=str(SCRIPT), script_config_space=config_space, map_reward=None,
        default_params=default_params)
