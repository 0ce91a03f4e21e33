"""Promotion-type ASHA on the height toy script with TensorBoard event files: one run per trial, its
config in the HParams view and every report against the epoch and against time.

Needs ``pip install 'syne-tune[tensorboard]'``; then ``tensorboard --logdir <experiment
folder>/tensorboard_output`` (printed at the end). Runs 20 seconds.
"""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.callbacks import TensorboardCallback
from syne_tune.config_space import randint
from syne_tune.optimizer.baselines import ASHA
from syne_tune.tuner_callback import StoreResultsCallback

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"epochs": 20, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.05}
    entry_point = Path(__file__).parents[1] / "training_scripts" / "height_example" / "train_height_checkpoint.py"
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=ASHA(config_space, metric="mean_loss", mode="min", resource_attr="epoch", max_t=20,
                       type="promotion", random_seed=31),
        stop_criterion=StoppingCriterion(max_wallclock_time=20),
        n_workers=4,
        sleep_time=0.5,
        callbacks=[StoreResultsCallback(), TensorboardCallback()],
    )
    tuner.run()
    print(f"tensorboard --logdir {tuner.tuner_path / 'tensorboard_output'}")
