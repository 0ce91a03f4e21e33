"""BOHB: Hyperband whose new configurations come from kernel density estimates (searcher='kde').

SyncBOHB runs the brackets synchronously (Falkner et al., 2018); BOHB runs them asynchronously,
as ASHA does. Pass --synchronous to run SyncBOHB.
"""
import logging
import sys
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import choice, randint
from syne_tune.optimizer.baselines import BOHB, SyncBOHB

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"epochs": 27, "width": randint(0, 20), "height": randint(-100, 100),
                    "sleep_time": choice([0.02, 0.05])}
    entry_point = Path(__file__).parent / "training_scripts" / "height_example" / "train_height_checkpoint.py"
    method = SyncBOHB if "--synchronous" in sys.argv else BOHB
    scheduler = method(
        config_space,
        metric="mean_loss",
        mode="min",
        resource_attr="epoch",
        max_resource_attr="epochs",
        search_options={"min_bandwidth": 0.1, "random_fraction": 0.33},
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
