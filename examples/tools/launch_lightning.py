"""Promotion-type ASHA tuning a tiny PyTorch Lightning model whose training script reports each epoch
with syne_tune.frameworks.lightning.ReportCallback (which also checkpoints, so promoted trials
resume where they paused).

Needs ``pip install 'syne-tune[lightning]'``. Runs 60 seconds.
"""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import loguniform, randint
from syne_tune.optimizer.baselines import ASHA

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"lr": loguniform(1e-3, 0.3), "hidden": randint(4, 64), "epochs": 9}
    entry_point = Path(__file__).parents[1] / "training_scripts" / "lightning_example" / "train_lightning.py"
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=ASHA(config_space, metric="val_loss", mode="min", resource_attr="epoch", max_t=9,
                       type="promotion", max_resource_attr="epochs", random_seed=31),
        stop_criterion=StoppingCriterion(max_wallclock_time=60),
        n_workers=2,
        sleep_time=0.5,
    )
    tuner.run()
    print("best (trial id, val_loss):", tuner.best_trial())
