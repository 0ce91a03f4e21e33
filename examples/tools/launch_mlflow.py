"""ASHA on the height toy script, every trial logged to MLflow: a parent run for the experiment and a
nested run per trial (config as params, reports as metrics by epoch, final status, best config).

Needs ``pip install 'syne-tune[mlflow]'``. Runs go to MLFLOW_TRACKING_URI if set, else to
``sqlite:///mlflow.db`` in the current folder; look at them with ``mlflow ui --backend-store-uri
sqlite:///mlflow.db``. Runs 20 seconds.
"""
import logging
import os
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.callbacks import MLflowCallback
from syne_tune.config_space import randint
from syne_tune.optimizer.baselines import ASHA
from syne_tune.tuner_callback import StoreResultsCallback

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"epochs": 20, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.05}
    entry_point = Path(__file__).parents[1] / "training_scripts" / "height_example" / "train_height.py"
    tracking_uri = os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db")
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=ASHA(config_space, metric="mean_loss", mode="min", resource_attr="epoch", max_t=20, random_seed=31),
        stop_criterion=StoppingCriterion(max_wallclock_time=20),
        n_workers=4,
        sleep_time=0.5,
        callbacks=[StoreResultsCallback(), MLflowCallback(tracking_uri=tracking_uri, experiment_name="syne-tune-demo")],
    )
    tuner.run()

    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name("syne-tune-demo")
    runs = client.search_runs([experiment.experiment_id], filter_string=f"tags.mlflow.runName = '{tuner.name}'")
    print("parent run", runs[0].info.run_id, "best config:", {k: v for k, v in runs[0].data.params.items()})
