"""Promotion-type ASHA tuning LightGBM, whose training script reports each boosting round with
syne_tune.frameworks.lightgbm.ReportCallback (which also saves the model, so promoted trials
continue boosting where they paused).

Needs ``pip install 'syne-tune[lightgbm]'``. Runs 30 seconds.
"""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import loguniform, randint
from syne_tune.optimizer.baselines import ASHA

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"learning_rate": loguniform(0.01, 0.5), "num_leaves": randint(4, 63), "rounds": 81}
    entry_point = Path(__file__).parents[1] / "training_scripts" / "lightgbm_example" / "train_lightgbm.py"
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=ASHA(config_space, metric="valid_l2", mode="min", resource_attr="round", max_t=81,
                       type="promotion", max_resource_attr="rounds", random_seed=31),
        stop_criterion=StoppingCriterion(max_wallclock_time=30),
        n_workers=2,
        sleep_time=0.5,
    )
    tuner.run()
    print("best (trial id, valid_l2):", tuner.best_trial())
