"""A small simulated ASHA experiment that the tracker tests run with their callback.

In a module of its own (not conftest.py, a name several test folders use) so that the tuner,
pickled into tuner.dill, finds the backend's class by its module's name.
"""
from __future__ import annotations

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend import SimulatorBackend
from syne_tune.config_space import choice, uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import ASHA

SPACE = {"x": uniform(0.0, 1.0), "optimizer": choice(["sgd", "adam"]), "epochs": 9}


class NineEpochs(SimulatorBackend):
    """``loss = x + 1/epoch`` each simulated second; the optimizer does not matter."""

    def __init__(self):
        super().__init__("elapsed")

    def _evaluate(self, trial_id, config, checkpoint):
        start = checkpoint["epoch"] if checkpoint else 0
        return [{"epoch": e, "loss": config["x"] + 1.0 / e, "accuracy": 1.0 - config["x"], "elapsed": float(e - start)}
                for e in range(start + 1, config["epochs"] + 1)]


def run_tracked_experiment(callbacks: list, type: str = "stopping", num_trials: int = 8, name: str = "tracked"):
    """Runs ASHA on the simulator with ``callbacks`` (plus the default one); returns (tuner, results)."""
    from syne_tune.tuner_callback import StoreResultsCallback

    scheduler = ASHA(SPACE, metric="loss", resource_attr="epoch", max_t=9, type=type, max_resource_attr="epochs",
                     random_seed=0)
    tuner = Tuner(NineEpochs(), scheduler, StoppingCriterion(max_num_trials_started=num_trials - 1), n_workers=2,
                  sleep_time=0, progress="off", callbacks=[StoreResultsCallback(), *callbacks], tuner_name=name,
                  wait_trial_completion_when_stopping=True)
    tuner.run()
    return tuner, load_experiment(tuner.name).results
