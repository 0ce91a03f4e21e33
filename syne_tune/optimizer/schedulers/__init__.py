"""Schedulers: FIFOScheduler (random search, Bayesian optimization) and HyperbandScheduler
(ASHA stopping/promotion, PASHA, Hyperband brackets, MOBSTER); MedianStoppingRule wraps either;
SynchronousHyperbandScheduler (synchronous Hyperband and BOHB); PopulationBasedTraining."""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_EXPORTS = {
    "FIFOScheduler": "syne_tune.optimizer.schedulers.fifo",
    "HyperbandScheduler": "syne_tune.optimizer.schedulers.hyperband",
    "MedianStoppingRule": "syne_tune.optimizer.schedulers.median_stopping_rule",
    "PopulationBasedTraining": "syne_tune.optimizer.schedulers.pbt",
    "SynchronousHyperbandScheduler": "syne_tune.optimizer.schedulers.synchronous.hyperband",
    "AskTellScheduler": "syne_tune.optimizer.schedulers.ask_tell_scheduler",
}

__all__ = list(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)
