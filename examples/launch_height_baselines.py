"""Quickstart: random search, Bayesian optimization, ASHA, PASHA and MOBSTER, 10 seconds each.

Each method runs for its full 10 seconds with 4 workers (a full trial of 30 epochs takes about
1.5 s), so Bayesian optimization proposes from its model after its first ``num_init_random``
random configs. The best possible mean_loss is about -9.83 (width=20, height=-100).
"""
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
    seconds_per_method = 10
    config_space = {"epochs": max_steps, "width": randint(0, 20), "height": randint(-100, 100),
                    "sleep_time": 0.05}
    entry_point = Path(__file__).parent / "training_scripts" / "height_example" / "train_height_checkpoint.py"
    common = dict(metric="mean_loss", mode="min", random_seed=31)
    num_init_random = n_workers + 2
    schedulers = [
        RandomSearch(config_space, **common),
        BayesianOptimization(config_space, search_options={"num_init_random": num_init_random}, **common),
        ASHA(config_space, resource_attr="epoch", max_t=max_steps, **common),
        PASHA(config_space, resource_attr="epoch", max_t=max_steps, **common),
        MOBSTER(config_space, resource_attr="epoch", max_t=max_steps, **common),
    ]
    summary = []
    for scheduler in schedulers:
        tuner = Tuner(
            trial_backend=LocalBackend(entry_point=str(entry_point)),
            scheduler=scheduler,
            stop_criterion=StoppingCriterion(max_wallclock_time=seconds_per_method),
            n_workers=n_workers,
            sleep_time=0.5,
        )
        tuner.run()
        status = tuner.tuning_status
        summary.append((type(scheduler).__name__, status.wallclock_time, status.num_trials_started,
                        tuner.best_trial()))
    for name, seconds, trials, best in summary:
        print(f"{name}: {seconds:.1f} s, {trials} trials started, best (trial, mean_loss) = {best}")
