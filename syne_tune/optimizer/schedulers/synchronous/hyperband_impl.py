"""The original library's module and class names of the synchronous Hyperband schedulers.

Its ``SynchronousGeometricHyperbandScheduler`` is our SynchronousHyperbandScheduler (brackets of
geometric rung sizes, ``max_resource_level`` accepted for ``max_t``).
"""
from __future__ import annotations

from syne_tune.optimizer.schedulers.synchronous.dehb import GeometricDifferentialEvolutionHyperbandScheduler
from syne_tune.optimizer.schedulers.synchronous.hyperband import SynchronousHyperbandScheduler

SynchronousGeometricHyperbandScheduler = SynchronousHyperbandScheduler

__all__ = ["SynchronousGeometricHyperbandScheduler", "GeometricDifferentialEvolutionHyperbandScheduler"]
