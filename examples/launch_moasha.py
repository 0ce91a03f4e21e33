"""Multi-objective tuning: MOASHA trades accuracy (max) against latency (min); the Pareto front
of the results is printed and drawn. Pass --random for multi-objective random search."""
import logging
import sys
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import loguniform, randint
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import MOASHA, RandomSearch

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    config_space = {"epochs": 27, "width": randint(8, 256), "lr": loguniform(1e-4, 1.0), "sleep_time": 0.02}
    entry_point = Path(__file__).parent / "training_scripts" / "multiobjective" / "train_two_objectives.py"
    objectives = dict(metric=["accuracy", "latency"], mode=["max", "min"], random_seed=31)
    if "--random" in sys.argv:
        scheduler = RandomSearch(config_space, **objectives)
    else:
        scheduler = MOASHA(config_space, resource_attr="epoch", max_t=27, reduction_factor=3, **objectives)
    tuner = Tuner(
        trial_backend=LocalBackend(entry_point=str(entry_point)),
        scheduler=scheduler,
        stop_criterion=StoppingCriterion(max_wallclock_time=30),
        n_workers=4,
        sleep_time=0.5,
    )
    tuner.run()
    experiment = load_experiment(tuner.name)
    front = experiment.pareto_front(last_report_only=True)
    print(front[["trial_id", "epoch", "accuracy", "latency", "config_width", "config_lr"]])
    try:
        from syne_tune.experiment_plots import plot_pareto_front

        ax = plot_pareto_front(experiment, last_report_only=True)
        ax.figure.savefig(Path(tuner.tuner_path) / "pareto_front.png")
        print("Pareto front drawn to", Path(tuner.tuner_path) / "pareto_front.png")
    except ImportError:
        print("Install matplotlib to draw the Pareto front: pip install 'syne-tune[plot]'")
