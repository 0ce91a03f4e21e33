"""End to end: PopulationBasedTraining + Tuner + LocalBackend; clones continue their parent's checkpoint.

The checkpointing script computes value_k = (value_{k-1} + 1) * multiplier. A clone starts from a
copy of its parent's checkpoint, so its first epoch follows one its parent reported, and its first
value continues the parent's value with the clone's own (explored) multiplier.
"""
from pathlib import Path

import pandas as pd
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.schedulers.pbt import PopulationBasedTraining
from syne_tune.optimizer.schedulers.pbt_lineage import PBTLineageCallback
from syne_tune.tuner_callback import StoreResultsCallback

SCRIPT = Path(__file__).parents[3] / "examples" / "training_scripts" / "checkpoint_example" / "checkpoint_example.py"


def test_clones_continue_from_their_parents_checkpoint(_results_root):
    space = {"multiplier": uniform(0.8, 1.2), "num-epochs": 12, "sleep-time": 0.1}
    scheduler = PopulationBasedTraining(space, metric="train_acc", mode="max", resource_attr="epoch",
                                        perturbation_interval=2, quantile_fraction=0.25, random_seed=4,
                                        points_to_evaluate=[])
    tuner = Tuner(LocalBackend(str(SCRIPT)), scheduler, StoppingCriterion(max_num_trials_started=10), n_workers=4,
                  sleep_time=0.05, results_update_interval=1.0, tuner_name="pbt",
                  callbacks=[StoreResultsCallback(), PBTLineageCallback()])
    tuner.run()
    results = pd.read_csv(tuner.tuner_path / "results.csv.zip")
    lineage = load_experiment(tuner.name).lineage()
    assert len(lineage) >= 3
    assert lineage[["trial_id", "parent_trial_id"]].values.tolist() == \
        [[e["trial_id"], e["parent_trial_id"]] for e in scheduler.lineage()]
    checked = 0
    for entry in lineage.itertuples():
        rows = results[results["trial_id"] == entry.trial_id].sort_values("epoch")
        if rows.empty:
            continue  # started just before the end
        parent = results[results["trial_id"] == entry.parent_trial_id].set_index("epoch")["train_acc"]
        first_epoch = int(rows["epoch"].iloc[0])
        assert first_epoch > entry.resource, (entry, rows["epoch"].tolist())
        assert rows["epoch"].tolist() == list(range(first_epoch, first_epoch + len(rows)))
        if first_epoch - 1 in parent.index:
            multiplier = rows["config_multiplier"].iloc[0]
            assert rows["train_acc"].iloc[0] == pytest.approx((parent[first_epoch - 1] + 1) * multiplier)
            checked += 1
    assert checked >= 1
