"""Bayesian optimization (GP surrogate, expected improvement) on the height toy script."""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import randint
from syne_tune.optimizer.schedulers import FIFOScheduler

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    n_workers = 4
    config_space = {"steps": 20, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.05}
    entry_point = Path(__file__).parent / "training_scripts" / "height_example" / "train_height.py"
    scheduler = FIFOScheduler(
        config_space,
        searcher="bayesopt",
        search_options={"num_init_random": n_workers + 2},
        metric="mean_loss",
        mode="min",
        random_seed=31,
    )
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=scheduler,
        stop_criterion=StoppingCriterion(max_wallclock_time=30),
        n_workers=n_workers,
        sleep_time=1.0,
    )
    tuner.run()
