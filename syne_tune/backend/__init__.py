"""Trial backends: where and how trials run. LocalBackend runs subprocesses on this machine,
PythonBackend runs a Python function in such subprocesses; RayBackend (extra 'ray') runs them
on a Ray cluster."""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_EXPORTS = {
    "LocalBackend": "syne_tune.backend.local_backend",
    "PythonBackend": "syne_tune.backend.python_backend",
    "RayBackend": "syne_tune.backend.ray_backend",
    "TrialBackend": "syne_tune.backend.trial_backend",
}

__all__ = list(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)
