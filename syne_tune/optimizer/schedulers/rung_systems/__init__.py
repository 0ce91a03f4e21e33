"""Rung systems: the stop/pause/promote logic of HyperbandScheduler, one module per ``type``.

A new type costs one module and one line in ``RUNG_SYSTEMS``.
"""
from __future__ import annotations

from syne_tune.optimizer.schedulers.rung_systems.base import (
    Promotion, RungDecision, RungSystem, RungSystemBase, quantile_cutoff,
)
from syne_tune.optimizer.schedulers.rung_systems.pasha import PashaRungSystem
from syne_tune.optimizer.schedulers.rung_systems.promotion import PromotionRungSystem
from syne_tune.optimizer.schedulers.rung_systems.stopping import StoppingRungSystem

RUNG_SYSTEMS: dict[str, type[RungSystemBase]] = {
    "stopping": StoppingRungSystem,
    "promotion": PromotionRungSystem,
    "pasha": PashaRungSystem,
}

__all__ = ["RUNG_SYSTEMS", "Promotion", "RungDecision", "RungSystem", "RungSystemBase", "PashaRungSystem",
           "PromotionRungSystem", "StoppingRungSystem", "quantile_cutoff"]
