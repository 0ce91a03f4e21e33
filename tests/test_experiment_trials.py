"""ExperimentResult.trials() against real LocalBackend runs: statuses, best values, resources, times."""
import shutil

import pandas as pd
import pytest

from syne_tune.experiment_trials import trials_table
from syne_tune.experiments import load_experiment


@pytest.fixture
def experiments(stored_experiments, monkeypatch):
    root, names = stored_experiments
    monkeypatch.setenv("SYNETUNE_FOLDER", str(root))
    return {key: load_experiment(name) for key, name in names.items()}


def test_one_row_per_trial_with_best_last_and_resource(experiments):
    experiment = experiments["fifo"]
    assert "resource" not in experiment.trials()  # FIFOScheduler knows no resource attribute
    everything = experiment.trials(resource_attr="epoch")
    results = experiment.results
    trials = everything[everything["reports"] > 0]
    assert list(trials["trial_id"]) == sorted(results["trial_id"].unique())
    unreported = everything[everything["reports"] == 0]  # started just before the end
    assert set(unreported["status"]) <= {"Stopped"} and unreported["best_loss"].isna().all()
    by_trial = results.groupby("trial_id")
    assert list(trials["best_loss"]) == list(by_trial["loss"].min())
    assert list(trials["last_loss"]) == list(by_trial["loss"].last())
    assert list(trials["reports"]) == list(by_trial.size())
    assert list(trials["resource"]) == list(by_trial["epoch"].max())
    assert list(trials["config_x"]) == list(by_trial["config_x"].first())
    assert (trials["worker_time"] > 0).all() and (trials["wall_time"] >= trials["worker_time"] - 0.05).all()
    assert {"trial_id", "status", "best_loss", "last_loss", "resource", "reports", "wall_time",
            "worker_time", "config_x", "config_epochs"} <= set(trials.columns)


def test_statuses_come_from_the_tuner_record(experiments):
    trials = experiments["fifo"].trials(resource_attr="epoch")
    completed = trials[trials["status"] == "Completed"]
    assert len(completed) >= 6  # the run stops once more than 5 completed
    assert (completed["resource"] == 4).all()
    assert set(trials["status"]) <= {"Completed", "Stopped"}  # trials still running at the end are stopped


def test_promotion_run_shows_paused_trials_below_max_t(experiments):
    trials = experiments["asha"].trials()  # resource_attr "epoch" stored in the metadata by the Tuner
    paused = trials[trials["status"] == "Paused"]
    assert len(paused) >= 1 and (paused["resource"] < 4).all()
    assert trials["best_loss"].min() == experiments["asha"].results["loss"].min()
    resumed = trials[trials["reports"] > trials["resource"]]  # restarted from epoch 1 without a checkpoint
    assert (resumed["worker_time"] > 0).all()


def test_without_tuner_record_statuses_follow_the_last_report(experiments, stored_experiments, tmp_path, monkeypatch):
    root, names = stored_experiments
    copy = tmp_path / names["asha"]
    shutil.copytree(root / names["asha"], copy)
    (copy / "tuner.dill").unlink()
    monkeypatch.setenv("SYNETUNE_FOLDER", str(tmp_path))
    inferred = load_experiment(names["asha"]).trials().set_index("trial_id")["status"]
    recorded = experiments["asha"].trials().set_index("trial_id")["status"]
    assert (inferred[recorded == "Paused"] == "Paused").all()
    assert set(inferred) <= {"Paused", "Stopped", "InProgress", "Completed"}


def test_trials_without_reports_appear_as_failed():
    results = pd.DataFrame({"trial_id": [0, 0], "loss": [2.0, 1.0], "st_decision": ["CONTINUE", "STOP"],
                            "st_status": ["InProgress", "InProgress"], "config_x": [0.5, 0.5]})
    table = trials_table(results, "loss", "min", configs={0: {"x": 0.5}, 1: {"x": 0.9}})
    assert list(table["status"]) == ["Stopped", "Failed"]
    assert table["best_loss"].iloc[0] == 1.0 and pd.isna(table["best_loss"].iloc[1])
    assert list(table["config_x"]) == [0.5, 0.9] and list(table["reports"]) == [2, 0]
