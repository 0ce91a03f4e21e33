"""Ask/tell: ASHA (promotion) driven by your own loop, without a Tuner or a backend.

The "training" is a function of the config and the epoch; a real loop would train a model, keep
a checkpoint per trial, and continue a resumed trial from it. Runs in a second.
"""
from syne_tune.config_space import loguniform, randint
from syne_tune.optimizer.baselines import ASHA
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers import AskTellScheduler


def validation_loss(config: dict, epoch: int) -> float:
    return (config["lr"] - 0.01) ** 2 * 1e4 + config["layers"] * 0.01 + 1.0 / epoch


if __name__ == "__main__":
    config_space = {"lr": loguniform(1e-4, 1e-1), "layers": randint(1, 8), "epochs": 27}
    scheduler = AskTellScheduler(ASHA(config_space, metric="val_loss", mode="min", resource_attr="epoch",
                                      max_t=27, type="promotion", max_resource_attr="epochs", random_seed=0))
    trained = {}  # trial id -> epochs trained (stands for its checkpoint)
    for _ in range(40):
        trial = scheduler.ask()
        start = trained.get(trial.checkpoint_trial_id, 0)  # None (a new trial): from scratch
        for epoch in range(start + 1, trial.config["epochs"] + 1):
            trained[trial.trial_id] = epoch
            decision = scheduler.tell(trial, {"epoch": epoch, "val_loss": validation_loss(trial.config, epoch)})
            if decision != SchedulerDecision.CONTINUE:
                break
    best = scheduler.best_trial("val_loss")
    print(f"best trial {best.trial_id}: {best.config} after {len(best.metrics)} epochs")
    print(scheduler.dataframe().groupby("trial_id")["epoch"].max().value_counts().sort_index())
