"""SimulatorCallback: the callback the original library required for simulated experiments.

Here the Tuner reads the SimulatorBackend's clock by itself, so this callback only stores
results (it is a StoreResultsCallback) and checks that the backend is a simulated one;
``callbacks=[SimulatorCallback()]`` keeps launchers written for the original working.
"""
from __future__ import annotations

from syne_tune.backend.simulator_backend.simulator_backend import SimulatorBackend
from syne_tune.tuner_callback import StoreResultsCallback


class SimulatorCallback(StoreResultsCallback):
    """Stores results like ``StoreResultsCallback``; the Tuner's backend must be a SimulatorBackend."""

    def __init__(self, extra_results_composer=None):
        super().__init__(add_wallclock_time=True)
        if extra_results_composer is not None:
            raise ValueError("The 'extra_results_composer' argument of SimulatorCallback is not supported: "
                             "pass None. Add extra values to the reports of your blackbox instead.")

    def on_tuning_start(self, tuner) -> None:
        if not isinstance(tuner.trial_backend, SimulatorBackend):
            raise ValueError("SimulatorCallback needs a simulated backend (SimulatorBackend, UserBlackboxBackend or "
                             f"BlackboxRepositoryBackend); the Tuner has {type(tuner.trial_backend).__name__}. "
                             "Drop the callback for real runs.")
        super().on_tuning_start(tuner)
