"""MOBSTER: stopping-based asynchronous successive halving with a GP searcher over (config, epoch)."""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import randint
from syne_tune.optimizer.schedulers import HyperbandScheduler

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"steps": 30, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.05}
    entry_point = Path(__file__).parent / "training_scripts" / "height_example" / "train_height.py"
    scheduler = HyperbandScheduler(
        config_space,
        type="stopping",
        searcher="bayesopt",
        search_options={"num_init_random": 6, "gp_resource_kernel": "matern52-res-warp"},
        max_t=30,
        grace_period=1,
        reduction_factor=3,
        resource_attr="epoch",
        metric="mean_loss",
        mode="min",
        random_seed=31,
    )
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=scheduler,
        stop_criterion=StoppingCriterion(max_wallclock_time=30),
        n_workers=4,
        sleep_time=1.0,
    )
    tuner.run()
