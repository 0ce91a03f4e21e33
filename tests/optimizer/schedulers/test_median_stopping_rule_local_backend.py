"""End to end: MedianStoppingRule around FIFOScheduler, with Tuner and LocalBackend on the height example."""
from __future__ import annotations

import pandas as pd

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import randint
from syne_tune.optimizer.schedulers import FIFOScheduler, MedianStoppingRule
from syne_tune.util import script_height_example_path

SPACE = {"width": randint(1, 20), "height": randint(-100, 100), "steps": 6, "sleep_time": 0.05}


def _rule() -> MedianStoppingRule:
    inner = FIFOScheduler(SPACE, metric="mean_loss", mode="min", random_seed=3)
    return MedianStoppingRule(inner, resource_attr="epoch", grace_population=3, grace_time=2)


def test_median_stopping_rule_stops_trials_behind_the_median(_results_root):
    tuner = Tuner(LocalBackend(str(script_height_example_path())), _rule(),
                  StoppingCriterion(max_num_trials_started=12), n_workers=3, sleep_time=0.1,
                  results_update_interval=1.0, tuner_name="median-stopping")
    tuner.run()
    results = pd.read_csv(tuner.tuner_path / "results.csv.zip")
    stopped = results[results["st_decision"] == "STOP"]
    assert len(stopped) > 0
    last_epochs = []
    for trial_id in stopped["trial_id"].unique():
        rows = results[results["trial_id"] == trial_id]
        assert rows["st_decision"].iloc[-1] == "STOP"  # nothing after the STOP
        last_epochs.append(rows["epoch"].max())
    # A trial behind the median at its last epoch (6) gets STOP too, depending on the order of
    # reports; at least one was stopped early.
    assert min(last_epochs) < 6
    # Replaying the reports in the order the Tuner processed them gives the same decisions.
    replay = _rule()
    for row in results.itertuples():
        decision = replay.on_trial_result(Trial(row.trial_id, {}), {"mean_loss": row.mean_loss, "epoch": row.epoch})
        assert decision == row.st_decision, row
