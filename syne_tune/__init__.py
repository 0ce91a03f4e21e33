"""syne_tune: asynchronous hyperparameter optimization on local processes.

Exports are resolved lazily so that ``from syne_tune import Reporter`` (run by every
trial process) loads only :mod:`syne_tune.report`.
"""
from __future__ import annotations

import importlib

from syne_tune.version import __version__

_EXPORTS = {
    "Reporter": "syne_tune.report",
    "StoppingCriterion": "syne_tune.stopping_criterion",
    "Tuner": "syne_tune.tuner",
}

__all__ = ["Reporter", "StoppingCriterion", "Tuner", "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'syne_tune' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
