"""Runs random search, then loads the stored experiment, prints its best config and plots it."""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import randint
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.schedulers import FIFOScheduler

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"steps": 20, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.05}
    entry_point = Path(__file__).parent / "training_scripts" / "height_example" / "train_height.py"
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=FIFOScheduler(config_space, metric="mean_loss", mode="min"),
        stop_criterion=StoppingCriterion(max_wallclock_time=15),
        n_workers=4,
        tuner_name="plot-results-demo",
        metadata={"description": "random search on the height toy script"},
        results_update_interval=5,
    )
    tuner.run()

    experiment = load_experiment(tuner.name)
    print(experiment)
    print("best config:", experiment.best_config())
    ax = experiment.plot()
    figure_path = Path(tuner.tuner_path) / "best_so_far.png"
    ax.figure.savefig(figure_path)
    print("plot written to", figure_path)
