"""Schedulers: FIFOScheduler (random search, Bayesian optimization) and HyperbandScheduler
(ASHA stopping/promotion, PASHA, Hyperband brackets, MOBSTER)."""
from __future__ import annotations

import importlib

_EXPORTS = {
    "FIFOScheduler": "syne_tune.optimizer.schedulers.fifo",
    "HyperbandScheduler": "syne_tune.optimizer.schedulers.hyperband",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
