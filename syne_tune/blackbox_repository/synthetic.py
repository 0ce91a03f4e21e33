"""Built-in blackboxes that need no data: synthetic learning curves, Branin, Hartmann6, height.

Each has an ``elapsed_time`` objective (cumulative simulated seconds), so it can drive a
SimulatorBackend. Noise is a deterministic function of (config, seed): the same seed gives
the same values.
"""
from __future__ import annotations

import zlib

import numpy as np

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
        x1, x2 = config["x1"], config["x2"]
        value = ((x2 - 5.1 / (4 * np.pi ** 2) * x1 ** 2 + 5 / np.pi * x1 - 6) ** 2
                 + 10 * (1 - 1 / (8 * np.pi)) * np.cos(x1) + 10)
        return [value, seconds]

    return FunctionBlackbox({"x1": uniform(-5.0, 10.0), "x2": uniform(0.0, 15.0)}, curve, ["value", ELAPSED_TIME])


_HARTMANN_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                        [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_HARTMANN_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                               [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(seconds: float = 10.0) -> Blackbox:
    """Hartmann6 on [0, 1]^6 (minimum -3.32237); each evaluation costs ``seconds``."""

    def curve(config, _, seed):
        x = np.array([config[f"x{i}"] for i in range(6)])
        value = -np.sum(_HARTMANN_ALPHA * np.exp(-np.sum(_HARTMANN_A * (x - _HARTMANN_P) ** 2, axis=1)))
        return [value, seconds]

    return FunctionBlackbox({f"x{i}": uniform(0.0, 1.0) for i in range(6)}, curve, ["value", ELAPSED_TIME])


def height(max_t: int = 100, seconds_per_epoch: float = 1.0) -> Blackbox:
    """The tutorial's height example: ``mean_loss = 1 / (0.1 + width * (e - 1) / 100) + 0.1 * height``
    for epochs e = 1..max_t, each costing ``seconds_per_epoch``; best at width=20, height=-100."""

    def curve(config, epochs, seed):
        e = epochs.astype(float)
        loss = 1.0 / (0.1 + config["width"] * (e - 1) / 100) + 0.1 * config["height"]
        return np.column_stack([loss, e * seconds_per_epoch])

    return FunctionBlackbox({"width": randint(0, 20), "height": randint(-100, 100)}, curve,
                            ["mean_loss", ELAPSED_TIME], fidelity_space={"epoch": randint(1, max_t)})
