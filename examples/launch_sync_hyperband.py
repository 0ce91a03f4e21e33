"""Synchronous Hyperband: brackets filled and promoted in rounds; promoted trials resume from their checkpoint."""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import randint
from syne_tune.optimizer.baselines import SyncHyperband

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"epochs": 27, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.05}
    entry_point = Path(__file__).parent / "training_scripts" / "height_example" / "train_height_checkpoint.py"
    scheduler = SyncHyperband(
        config_space,
        metric="mean_loss",
        mode="min",
        resource_attr="epoch",
        max_resource_attr="epochs",  # each trial runs to its rung level and ends there
        grace_period=1,
        reduction_factor=3,
        brackets=None,  # all brackets of Hyperband; 1 gives synchronous successive halving
        random_seed=31,
    )
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=scheduler,
        stop_criterion=StoppingCriterion(max_wallclock_time=30),
        n_workers=4,
        sleep_time=0.5,
    )
    tuner.run()
