"""``metadata.json``: what an experiment was run with, so its results can be traced to it."""
from __future__ import annotations

import time

from syne_tune.config_space import Domain, to_dict
from syne_tune.constants import ST_TUNER_CREATION_TIMESTAMP
from syne_tune.optimizer.scheduler import TrialScheduler


def experiment_metadata(scheduler: TrialScheduler, backend, tuner_name: str, user_metadata: dict) -> dict:
    """The user's metadata with the scheduler's settings (e.g. searcher and search options), the
    metrics and their modes, the config space, the backend and the entry point."""
    entry_point = backend.entrypoint_path()
    metadata = dict(user_metadata)
    metadata.update(scheduler.metadata())
    metadata.update({
        ST_TUNER_CREATION_TIMESTAMP: time.time(),
        "metric_names": scheduler.metric_names(),
        "metric_mode": scheduler.metric_mode(),
        "metric_modes": metric_modes(scheduler),
        "entrypoint": entry_point.stem if entry_point else None,
        "backend": type(backend).__name__,
        "scheduler_name": type(scheduler).__name__,
        "config_space": {k: to_dict(v) if isinstance(v, Domain) else v for k, v in scheduler.config_space.items()},
        "tuner_name": tuner_name,
        "resource_attr": getattr(scheduler, "resource_attr", None),
    })
    return metadata


def metric_modes(scheduler: TrialScheduler) -> list[str]:
    """The mode of every metric (schedulers of one metric have only ``metric_mode``)."""
    modes = getattr(scheduler, "metric_modes", None)
    return list(modes()) if callable(modes) else [scheduler.metric_mode()] * len(scheduler.metric_names())
