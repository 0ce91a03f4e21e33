"""Trial backends: where and how trials run. LocalBackend runs subprocesses on this machine;
RayBackend (extra 'ray') runs them on a Ray cluster."""
from __future__ import annotations

import importlib

_EXPORTS = {
    "LocalBackend": "syne_tune.backend.local_backend",
    "RayBackend": "syne_tune.backend.ray_backend",
    "TrialBackend": "syne_tune.backend.trial_backend",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
