"""syne_tune: asynchronous hyperparameter optimization on local processes.

Exports are resolved lazily so that ``from syne_tune import Reporter`` (run by every
trial process) loads only :mod:`syne_tune.report`.
"""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

from syne_tune.version import __version__

_EXPORTS = {
    "Reporter": "syne_tune.report",
    "StoppingCriterion": "syne_tune.stopping_criterion",
    "Tuner": "syne_tune.tuner",
}

__all__ = ["Reporter", "StoppingCriterion", "Tuner", "__version__"]


__getattr__ = lazy_getattr(__name__, _EXPORTS)


def __dir__():
    return sorted(__all__)
