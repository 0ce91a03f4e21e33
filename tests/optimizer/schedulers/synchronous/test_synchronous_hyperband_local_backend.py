"""End to end: SynchronousHyperbandScheduler + Tuner + LocalBackend with a checkpointing script.

Promoted trials are paused at their level and resumed from their checkpoint: every trial's epochs
are 1, 2, ..., k without repeats, and k is a rung level of the bracket.
"""
from pathlib import Path

import pandas as pd

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import uniform
from syne_tune.optimizer.schedulers.synchronous import SynchronousHyperbandScheduler

SCRIPT = Path(__file__).parents[4] / "examples" / "training_scripts" / "checkpoint_example" / "checkpoint_example.py"


def test_sync_hyperband_resumes_promoted_trials(_results_root):
    space = {"multiplier": uniform(0.8, 1.2), "num-epochs": 9, "sleep-time": 0.02}
    scheduler = SynchronousHyperbandScheduler(space, metric="train_acc", mode="max", resource_attr="epoch",
                                              max_resource_attr="num-epochs", brackets=1, random_seed=2)
    tuner = Tuner(LocalBackend(str(SCRIPT)), scheduler, StoppingCriterion(max_num_trials_completed=1), n_workers=3,
                  sleep_time=0.05, results_update_interval=1.0, tuner_name="sync-hb")
    tuner.run()
    results = pd.read_csv(tuner.tuner_path / "results.csv.zip")
    reached = {}
    for trial_id, rows in results.groupby("trial_id"):
        epochs = rows["epoch"].tolist()
        assert epochs == list(range(1, len(epochs) + 1)), f"trial {trial_id} reported epochs {epochs}"
        reached[trial_id] = max(epochs)
    first_bracket = [reached[t] for t in range(9)]
    assert sorted(first_bracket) == [1] * 6 + [3] * 2 + [9]
    # the trial that reached 9 is the best of the three at epoch 3, which were the best three at epoch 1
    at1 = results[results["epoch"] == 1].set_index("trial_id")["train_acc"]
    assert set(t for t in range(9) if reached[t] >= 3) == set(at1.loc[list(range(9))].nlargest(3).index)
