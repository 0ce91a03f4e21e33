"""Quickstart: random search, Bayesian optimization, ASHA and MOBSTER, 10 seconds each."""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import randint
from syne_tune.optimizer.baselines import ASHA, MOBSTER, PASHA, BayesianOptimization, RandomSearch

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    n_workers = 4
    max_steps = 30
    config_space = {"epochs": max_steps, "width": randint(0, 20), "height": randint(-100, 100),
                    "sleep_time": 0.05}
    entry_point = Path(__file__).parent / "training_scripts" / "height_example" / "train_height_checkpoint.py"
    common = dict(metric="mean_loss", mode="min", random_seed=31)
    schedulers = [
        RandomSearch(config_space, **common),
        BayesianOptimization(config_space, search_options={"num_init_random": n_workers + 2}, **common),
        ASHA(config_space, resource_attr="epoch", max_t=max_steps, **common),
        PASHA(config_space, resource_attr="epoch", max_t=max_steps, **common),
        MOBSTER(config_space, resource_attr="epoch", max_t=max_steps, **common),
    ]
    for scheduler in schedulers:
        tuner = Tuner(
            trial_backend=LocalBackend(entry_point=str(entry_point)),
            scheduler=scheduler,
            stop_criterion=StoppingCriterion(max_wallclock_time=10, min_metric_value={"mean_loss": -6.0}),
            n_workers=n_workers,
            sleep_time=0.5,
        )
        tuner.run()
        print(f"{type(scheduler).__name__}: best (trial, mean_loss) = {tuner.best_trial()}")
