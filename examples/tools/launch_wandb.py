"""Random search on the height toy script with one Weights & Biases run per trial, grouped by experiment.

Needs ``pip install 'syne-tune[wandb]'``. Without a W&B login it runs offline (runs are written
below ./wandb; ``wandb sync`` uploads them later). Runs 20 seconds.
"""
import logging
import os
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.callbacks import WandbCallback
from syne_tune.config_space import randint
from syne_tune.optimizer.baselines import RandomSearch
from syne_tune.tuner_callback import StoreResultsCallback

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    os.environ.setdefault("WANDB_MODE", "offline")
    config_space = {"epochs": 20, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.05}
    entry_point = Path(__file__).parents[1] / "training_scripts" / "height_example" / "train_height.py"
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=RandomSearch(config_space, metric="mean_loss", mode="min", random_seed=31),
        stop_criterion=StoppingCriterion(max_wallclock_time=20),
        n_workers=4,
        sleep_time=0.5,
        callbacks=[StoreResultsCallback(), WandbCallback(project="syne-tune-demo", dir=".")],
    )
    tuner.run()
