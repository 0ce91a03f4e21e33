"""Multi-objective tuning: MOASHA, non-dominated sorting and the hypervolume. Multi-objective random search is
``RandomSearch(metric=[...], mode=[...])`` (or FIFOScheduler with ``searcher='random'``)."""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_EXPORTS = {
    "MOASHA": "syne_tune.optimizer.schedulers.multiobjective.moasha",
    "pareto_mask": "syne_tune.optimizer.schedulers.multiobjective.non_dominated",
    "nondominated_fronts": "syne_tune.optimizer.schedulers.multiobjective.non_dominated",
    "nondominated_order": "syne_tune.optimizer.schedulers.multiobjective.non_dominated",
    "MOPriority": "syne_tune.optimizer.schedulers.multiobjective.priority",
    "LinearScalarizationPriority": "syne_tune.optimizer.schedulers.multiobjective.priority",
    "FixedObjectivePriority": "syne_tune.optimizer.schedulers.multiobjective.priority",
    "NonDominatedPriority": "syne_tune.optimizer.schedulers.multiobjective.priority",
    "hypervolume": "syne_tune.optimizer.schedulers.multiobjective.hypervolume",
    "hypervolume_cumulative": "syne_tune.optimizer.schedulers.multiobjective.hypervolume",
}

__all__ = list(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS)
