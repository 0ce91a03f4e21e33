"""End-to-end: HyperbandScheduler + Tuner + LocalBackend with a checkpointing training script.

Paused trials must resume from their checkpoint: no trial ever reports an epoch twice, and
every trial's epochs are 1, 2, ..., k without gaps.
"""
from pathlib import Path

import pandas as pd
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import uniform
from syne_tune.optimizer.schedulers import HyperbandScheduler

SCRIPT = Path(__file__).parents[3] / "examples" / "training_scripts" / "checkpoint_example" / "checkpoint_example.py"


@pytest.mark.parametrize("type", ["stopping", "promotion", "pasha"])
def test_paused_trials_resume_from_checkpoint(type, _results_root):
    space = {"multiplier": uniform(0.8, 1.2), "num-epochs": 9, "sleep-time": 0.05}
    scheduler = HyperbandScheduler(space, type=type, metric="train_acc", mode="max", resource_attr="epoch",
                                   max_resource_attr="num-epochs", searcher="random", random_seed=1,
                                   rung_system_kwargs={"epsilon": 0.01} if type == "pasha" else None)
    assert scheduler.rung_levels == [1, 3, 9]
    tuner = Tuner(LocalBackend(str(SCRIPT)), scheduler, StoppingCriterion(max_num_trials_started=10), n_workers=3,
                  sleep_time=0.1, results_update_interval=1.0, tuner_name=f"hb-{type}")
    tuner.run()
    results = pd.read_csv(tuner.tuner_path / "results.csv.zip")
    assert len(results) > 10
    resumed = 0
    for trial_id, rows in results.groupby("trial_id"):
        epochs = rows["epoch"].tolist()
        assert epochs == list(range(1, len(epochs) + 1)), f"trial {trial_id} reported epochs {epochs}"
        assert max(epochs) <= 9
        # the value recursion continues across a resume: value_k = (value_{k-1} + 1) * multiplier
        values, multiplier = rows["train_acc"].tolist(), rows["config_multiplier"].iloc[0]
        expected, value = [], 0.0
        for _ in epochs:
            value = (value + 1) * multiplier
            expected.append(value)
        assert values == pytest.approx(expected)
        resumed += max(epochs) > 1
    print(type, "trials with epochs > 1:", resumed, "of", results["trial_id"].nunique())
    # 'stopping': trials passing rung 1 go on. Pausing types: with max_resource_attr every trial's
    # script ends at its milestone, so epochs beyond 1 were reported after a resume from checkpoint.
    assert resumed > 0


DIVERGING = '''
import argparse
import time
from syne_tune import Reporter
parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float)
parser.add_argument("--epochs", type=int)
args, _ = parser.parse_known_args()
report = Reporter()
for epoch in range(1, args.epochs + 1):
    diverged = args.x < 0.4
    report(epoch=epoch, loss=float("nan") if diverged and epoch % 2 else float("inf") if diverged else args.x / epoch)
    time.sleep(0.05)
'''


@pytest.mark.parametrize("type", ["stopping", "promotion"])
def test_diverging_trials_end_at_their_first_rung_and_are_stored_as_reported(type, tmp_path, _results_root):
    script = tmp_path / "diverging.py"
    script.write_text(DIVERGING)
    space = {"x": uniform(0.0, 1.0), "epochs": 9}
    scheduler = HyperbandScheduler(space, type=type, metric="loss", resource_attr="epoch", searcher="random",
                                   random_seed=3, points_to_evaluate=[{"x": 0.1}, {"x": 0.2}, {"x": 0.9}])
    tuner = Tuner(LocalBackend(str(script)), scheduler, StoppingCriterion(max_num_trials_started=12), n_workers=2,
                  sleep_time=0.05, results_update_interval=1.0, tuner_name=f"diverging-{type}")
    tuner.run()
    results = pd.read_csv(tuner.tuner_path / "results.csv.zip")
    diverged = results[results["config_x"] < 0.4]
    assert diverged["loss"].isna().any()  # stored as reported (NaN at odd epochs)
    ids = set(diverged["trial_id"])
    assert len(ids) >= 2
    for rung in scheduler.rung_system().rungs:  # recorded as the worst value wherever it reached
        assert all(loss == float("inf") for t, loss in rung.losses.items() if t in ids)
    assert all(scheduler.trial_status(t) != "running" for t in ids)
    assert all(t in scheduler.rung_system().rungs[0].losses for t in ids)  # each was judged at rung 1
    healthy = results[results["config_x"] >= 0.4]
    assert healthy["epoch"].max() >= 3  # the others were compared as usual and some went on
