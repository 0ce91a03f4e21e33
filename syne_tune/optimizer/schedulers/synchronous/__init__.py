"""Synchronous Hyperband (and BOHB with ``searcher='kde'``, DEHB): rungs filled in rounds, then promoted."""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_EXPORTS = {
    "SynchronousHyperbandScheduler": "syne_tune.optimizer.schedulers.synchronous.hyperband",
    "SynchronousGeometricHyperbandScheduler": "syne_tune.optimizer.schedulers.synchronous.hyperband_impl",
    "DifferentialEvolutionHyperbandScheduler": "syne_tune.optimizer.schedulers.synchronous.dehb",
    "GeometricDifferentialEvolutionHyperbandScheduler": "syne_tune.optimizer.schedulers.synchronous.dehb",
    "geometric_bracket_rungs": "syne_tune.optimizer.schedulers.synchronous.bracket",
}

__all__ = list(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS)
