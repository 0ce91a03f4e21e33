"""Built-in blackboxes that need no data: synthetic learning curves, Branin, Hartmann6, height.

Branin and Hartmann6 are the functions of :mod:`~syne_tune.blackbox_repository.synthetic_functions`.

Each has an ``elapsed_time`` objective (cumulative simulated seconds), so it can drive a
SimulatorBackend. Noise is a deterministic function of (config, seed): the same seed gives
the same values.
"""
from __future__ import annotations

import zlib

import numpy as np

from syne_tune.blackbox_repository import synthetic_functions as functions
from syne_tune.blackbox_repository.blackbox import Blackbox, FunctionBlackbox
from syne_tune.config_space import randint, uniform

ELAPSED_TIME = "elapsed_time"
_NUM_SEEDS = 10


def _noise_generator(config: dict, seed: int) -> np.random.Generator:
    key = repr(sorted((k, v) for k, v in config.items() if not isinstance(v, dict))).encode()
    return np.random.default_rng([zlib.crc32(key), seed])


def synthetic_multifidelity(max_t: int = 81, noise: float = 0.005, low_fidelity_noise: float = 0.03) -> Blackbox:
    """Learning curves ``loss(x, r) = final(x) + amp(x) * r**(-rate(x)) + noise(r)``, r = 1..max_t.

    ``final`` has its minimum 0.1 at x = (0.3, 0.7, 0.5). ``amp`` grows with x1, so the configs
    that end best start slowly: curves cross and the ranking at low r differs from the one at
    max_t. The noise shrinks with r (``low_fidelity_noise / sqrt(r) + noise``). An epoch costs
    ``0.5 + x1`` simulated seconds (larger, better models are slower). Objectives: ``loss``,
    ``elapsed_time``; fidelity ``epoch``. The optimum (noise-free final loss) is
    ``SYNTHETIC_OPTIMUM``.
    """

    def curve(config, epochs, seed):
        x1, x2 = config["x1"], config["x2"]
        final = synthetic_final_loss(config)
        amp, rate = 0.15 + 0.35 * x1, 0.6 + 0.8 * x2
        r = epochs.astype(float)
        scale = low_fidelity_noise / np.sqrt(r) + noise
        loss = final + amp * r ** (-rate) + scale * _noise_generator(config, seed).standard_normal(len(r))
        return np.column_stack([loss, r * (0.5 + x1)])

    space = {"x0": uniform(0.0, 1.0), "x1": uniform(0.0, 1.0), "x2": uniform(0.0, 1.0)}
    return FunctionBlackbox(space, curve, ["loss", ELAPSED_TIME], fidelity_space={"epoch": randint(1, max_t)},
                            num_seeds=_NUM_SEEDS)


SYNTHETIC_OPTIMUM = 0.1


def synthetic_final_loss(config: dict) -> float:
    """The limit of a ``synthetic_multifidelity`` curve for many epochs (noise-free); its regret is
    this minus ``SYNTHETIC_OPTIMUM``."""
    x0, x1, x2 = config["x0"], config["x1"], config["x2"]
    return 0.1 + 0.6 * (x0 - 0.3) ** 2 + 0.4 * (x1 - 0.7) ** 2 + 0.3 * (x2 - 0.5) ** 2


def branin(seconds: float = 10.0) -> Blackbox:
    """Branin on [-5, 10] x [0, 15] (minimum 0.397887); each evaluation costs ``seconds``."""

    def curve(config, _, seed):
        return [functions.branin(config["x1"], config["x2"]), seconds]

    space = {name: uniform(*bounds) for name, bounds in functions.BRANIN_DOMAIN.items()}
    return FunctionBlackbox(space, curve, ["value", ELAPSED_TIME])


def hartmann6(seconds: float = 10.0) -> Blackbox:
    """Hartmann6 on [0, 1]^6 (minimum -3.32237); each evaluation costs ``seconds``."""

    def curve(config, _, seed):
        return [functions.hartmann6([config[f"x{i}"] for i in range(6)]), seconds]

    space = {name: uniform(*bounds) for name, bounds in functions.HARTMANN6_DOMAIN.items()}
    return FunctionBlackbox(space, curve, ["value", ELAPSED_TIME])


def height(max_t: int = 100, seconds_per_epoch: float = 1.0) -> Blackbox:
    """The tutorial's height example: ``mean_loss = 1 / (0.1 + width * (e - 1) / 100) + 0.1 * height``
    for epochs e = 1..max_t, each costing ``seconds_per_epoch``; best at width=20, height=-100."""

    def curve(config, epochs, seed):
        e = epochs.astype(float)
        loss = 1.0 / (0.1 + config["width"] * (e - 1) / 100) + 0.1 * config["height"]
        return np.column_stack([loss, e * seconds_per_epoch])

    return FunctionBlackbox({"width": randint(0, 20), "height": randint(-100, 100)}, curve,
                            ["mean_loss", ELAPSED_TIME], fidelity_space={"epoch": randint(1, max_t)})
