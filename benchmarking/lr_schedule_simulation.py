"""A stateful simulated training run whose best learning rate changes during training (for PBT).

A tabulated blackbox is path-independent: resuming a trial with a new config just looks the new
config up. Here every epoch moves the trial's state, which depends on the effective learning rate
``eta = lr / (1 - momentum)`` of that epoch. The loss is ``0.1 + far + noise_floor``:

- ``far`` (1 at the start): the distance still to travel; it shrinks only with large steps,
  ``far <- far * exp(-20 * max(eta - 0.1, 0))`` (a plateau that small steps do not leave);
- ``noise_floor`` (0 at the start): SGD's noise, which settles at ``0.1 * eta``,
  ``noise_floor <- 0.1 * eta + (noise_floor - 0.1 * eta) * exp(-20 * eta)``.

So a high rate is best early (to leave the plateau) and a low rate late (to lower the noise).
Over 50 epochs, the best constant rate (eta about 0.11) ends at an excess loss of 0.011; four
epochs at eta = 0.24 followed by eta = 0.0055 end at 0.0007. The benchmark is built for schedules
to win: it shows whether a method finds one, not how much schedules matter on real problems.

The state travels in the checkpoint (a trial's last report holds ``far``, ``noise_floor`` and
``epoch``), so a paused trial resumes where it was and PBT's clone continues from its parent's
state with its own rate. Each epoch costs ``seconds_per_epoch`` simulated seconds; the reported
``loss`` is ``0.1 + (far + noise_floor) * (1 + 0.03 z)``, z standard normal and deterministic per
seed, trial and epoch.
"""
from __future__ import annotations

import math

import numpy as np

from syne_tune.backend.simulator_backend.simulator_backend import SimulatorBackend, SimulatorConfig
from syne_tune.config_space import loguniform, uniform

LOSS_FLOOR = 0.1  # the loss at far = noise_floor = 0: the optimum regret is measured against
NOISE = 0.03


def lr_schedule_config_space(max_t: int = 50) -> dict:
    """``lr`` (log scale), ``momentum`` and the constant ``epochs`` = ``max_t``."""
    return {"lr": loguniform(1e-4, 1.0), "momentum": uniform(0.0, 0.9), "epochs": max_t}


def next_state(far: float, noise_floor: float, lr: float, momentum: float) -> tuple[float, float]:
    """``(far, noise_floor)`` after one epoch at ``lr`` and ``momentum``."""
    eta = lr / (1.0 - momentum)
    far *= math.exp(-20.0 * max(eta - 0.1, 0.0))
    noise_floor = 0.1 * eta + (noise_floor - 0.1 * eta) * math.exp(-20.0 * eta)
    return far, noise_floor


class LearningRateScheduleBackend(SimulatorBackend):
    """Simulates trials of the learning-rate benchmark (see the module docstring).

    Args:
        max_resource_attr: config key with the epochs a trial trains for.
        seconds_per_epoch: simulated cost of an epoch.
        random_seed: seeds the report noise.
    """

    def __init__(self, max_resource_attr: str = "epochs", seconds_per_epoch: float = 10.0, random_seed: int = 0,
                 simulator_config: SimulatorConfig | None = None):
        super().__init__("elapsed_time", simulator_config)
        self.max_resource_attr = max_resource_attr
        self.seconds_per_epoch = float(seconds_per_epoch)
        self.random_seed = int(random_seed)

    def _evaluate(self, trial_id: int, config: dict, checkpoint: dict | None) -> list[dict]:
        if checkpoint is None:
            reached, far, noise_floor = 0, 1.0, 0.0
        else:
            reached, far, noise_floor = int(checkpoint["epoch"]), checkpoint["far"], checkpoint["noise_floor"]
        reports = []
        for done, epoch in enumerate(range(reached + 1, int(config[self.max_resource_attr]) + 1), start=1):
            far, noise_floor = next_state(far, noise_floor, config["lr"], config["momentum"])
            noise = np.random.default_rng([self.random_seed, trial_id, epoch]).standard_normal()
            reports.append({"loss": LOSS_FLOOR + (far + noise_floor) * (1.0 + NOISE * noise), "far": far,
                            "noise_floor": noise_floor, "epoch": epoch, "elapsed_time": done * self.seconds_per_epoch})
        return reports
