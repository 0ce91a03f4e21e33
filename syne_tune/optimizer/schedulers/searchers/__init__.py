"""Searchers: where new configurations come from.

The GP, KDE, grid and evolution searchers are imported on first use.
"""
from syne_tune._lazy_exports import lazy_getattr
from syne_tune.optimizer.schedulers.searchers.searcher import (
    BaseSearcher, RandomSearcher, impute_points_to_evaluate,
)
from syne_tune.optimizer.schedulers.searchers.searcher_factory import searcher_factory

_EXPORTS = {
    "GPFIFOSearcher": "syne_tune.optimizer.schedulers.searchers.gp_searcher",
    "GPMultiFidelitySearcher": "syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher",
    "KernelDensityEstimator": "syne_tune.optimizer.schedulers.searchers.kde_searcher",
    "GridSearcher": "syne_tune.optimizer.schedulers.searchers.grid_searcher",
    "RegularizedEvolution": "syne_tune.optimizer.schedulers.searchers.regularized_evolution",
}

__all__ = ["BaseSearcher", "RandomSearcher", "impute_points_to_evaluate", "searcher_factory", *_EXPORTS]

__getattr__ = lazy_getattr(__name__, _EXPORTS)
