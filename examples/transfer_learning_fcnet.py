"""Transfer learning on FCNet (simulated time): tune one data set using the evaluations of the
other three, with BoundingBox and ZeroShotTransfer, against random search; then resume the
random-search study with Bayesian optimization warm-started from its observations.

Needs the tabulated benchmarks: pip install 'syne-tune[blackboxes]'. Options: --target (data set),
--num-configs (configs taken from each earlier table), --trials (completed trials per run).
"""
import argparse
import logging

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend, load_blackbox
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import BayesianOptimization, RandomSearch, ZeroShotTransfer
from syne_tune.optimizer.schedulers.transfer_learning import BoundingBox, evaluations_from_blackbox, warm_start


def random_search(config_space: dict, mode: str, metric: str):
    """What BoundingBox runs on the shrunk space."""
    return RandomSearch(config_space, metric=metric, mode=mode, random_seed=0)


def tune(blackbox, scheduler, trials: int) -> Tuner:
    tuner = Tuner(UserBlackboxBackend(blackbox, elapsed_time_attr="train_time", random_seed=0), scheduler,
                  StoppingCriterion(max_num_trials_completed=trials), n_workers=4, sleep_time=0, progress="off")
    tuner.run()
    return tuner


def regret(blackbox, tuner: Tuner) -> float:
    """Mean val_loss (over the table's seeds) of the best reported config, minus the table's best."""
    best = load_experiment(tuner.name).best_config()
    config = {k: best[f"config_{k}"] for k in blackbox.configuration_space}
    return blackbox.mean_value(config) - blackbox.best_value()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", default="protein_structure")
    parser.add_argument("--num-configs", type=int, default=5000)
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()

    tables = load_blackbox("fcnet")
    # The same random configs of each earlier data set (ZeroShotTransfer ranks them across tasks).
    earlier = {name: evaluations_from_blackbox(tables[name], ["val_loss"], max_configs=args.num_configs, random_seed=0)
               for name in tables if name != args.target}
    blackbox = tables[args.target]
    space = dict(blackbox.configuration_space)
    schedulers = {
        "RandomSearch": RandomSearch(space, metric="val_loss", random_seed=0),
        "BoundingBox": BoundingBox(random_search, space, "val_loss", earlier),
        "ZeroShotTransfer": ZeroShotTransfer(space, earlier, metric="val_loss", random_seed=0),
    }
    tuners = {}
    for name, scheduler in schedulers.items():
        tuners[name] = tune(blackbox, scheduler, args.trials)
        print(f"{name:>16}: regret {regret(blackbox, tuners[name]):.5f} after {args.trials} trials")

    # The random-search study, resumed with a larger budget: BO learns from its earlier observations first.
    resumed = BayesianOptimization(space, metric="val_loss", random_seed=0, points_to_evaluate=[],
                                   search_options={"debug_log": False})
    fed = warm_start(resumed, tuners["RandomSearch"].name)
    tuner = tune(blackbox, resumed, args.trials)
    print(f"{'warm-started BO':>16}: regret {regret(blackbox, tuner):.5f} after {fed} earlier + {args.trials} trials")
