"""Simulated-time trials: SimulatorBackend runs the Tuner against a blackbox in simulated time.

As in the original library, import from the submodules: ``.simulator_backend``
(``SimulatorBackend``, ``SimulatorConfig``) and ``.simulator_callback`` (``SimulatorCallback``).
The blackbox backends are ``syne_tune.blackbox_repository.BlackboxRepositoryBackend`` and
``UserBlackboxBackend``.
"""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_EXPORTS = {
    "SimulatorBackend": "syne_tune.backend.simulator_backend.simulator_backend",
    "SimulatorConfig": "syne_tune.backend.simulator_backend.simulator_backend",
    "SimulatorCallback": "syne_tune.backend.simulator_backend.simulator_callback",
}

__all__ = list(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS)
