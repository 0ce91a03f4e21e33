"""Hyper-Tune (Li et al., VLDB 2022): level ensembles and bracket weights for MOBSTER's GP searcher."""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_EXPORTS = {
    "HyperTuneSearcher": "syne_tune.optimizer.schedulers.searchers.hypertune.searcher",
    "IndependentLevelsModel": "syne_tune.optimizer.schedulers.searchers.hypertune.models",
    "LevelEnsembleModel": "syne_tune.optimizer.schedulers.searchers.hypertune.models",
}

__all__ = list(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS)
