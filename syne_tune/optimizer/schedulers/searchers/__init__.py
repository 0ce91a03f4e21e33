"""Searchers: where new configurations come from."""
from syne_tune.optimizer.schedulers.searchers.searcher import (
    BaseSearcher, RandomSearcher, impute_points_to_evaluate,
)
from syne_tune.optimizer.schedulers.searchers.searcher_factory import searcher_factory

__all__ = ["BaseSearcher", "RandomSearcher", "impute_points_to_evaluate", "searcher_factory"]
