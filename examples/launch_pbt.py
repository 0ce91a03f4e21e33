"""Population-based training: the worst quarter of the population continues from a copy of a top
trial's checkpoint with a perturbed config; the lineage is written to pbt_lineage.json."""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import PBT
from syne_tune.optimizer.schedulers.pbt_lineage import PBTLineageCallback
from syne_tune.tuner_callback import StoreResultsCallback

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"num-epochs": 40, "multiplier": uniform(0.8, 1.2), "sleep-time": 0.05}
    entry_point = Path(__file__).parent / "training_scripts" / "checkpoint_example" / "checkpoint_example.py"
    scheduler = PBT(
        config_space,
        metric="train_acc",
        mode="max",
        resource_attr="epoch",
        max_t=40,
        perturbation_interval=4,
        quantile_fraction=0.25,
        resample_probability=0.25,
        random_seed=31,
    )
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=scheduler,
        stop_criterion=StoppingCriterion(max_wallclock_time=30),
        n_workers=4,
        sleep_time=0.5,
        callbacks=[StoreResultsCallback(), PBTLineageCallback()],
    )
    tuner.run()
    print(load_experiment(tuner.name).lineage()[["trial_id", "parent_trial_id", "resource", "config"]])
