"""MLflowCallback against real MLflow stores, read back with MlflowClient."""
from __future__ import annotations

import pytest

pytest.importorskip("mlflow", reason="MLflowCallback needs mlflow: pip install 'syne-tune[mlflow]' (CI runs it in .ci/run's trackers step)")

from mlflow import MlflowClient  # noqa: E402

from syne_tune.callbacks import MLflowCallback  # noqa: E402

_STATUS = {"Completed": "FINISHED", "Stopped": "KILLED", "Paused": "KILLED", "Failed": "FAILED"}


def _runs(client, experiment_name):
    experiment = client.get_experiment_by_name(experiment_name)
    runs = client.search_runs([experiment.experiment_id], max_results=1000)
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = {int(r.data.tags["trial_id"]): r for r in runs if "mlflow.parentRunId" in r.data.tags}
    return parents, children


@pytest.mark.parametrize("store", ["sqlite", "file"])
def test_parent_run_and_one_nested_run_per_trial_hold_configs_metrics_and_statuses(store, tmp_path, monkeypatch,
                                                                                   private_home, run_experiment):
    if store == "file":
        monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 keeps the file store in maintenance
        uri = (tmp_path / "mlruns").as_uri()
    else:
        uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    callback = MLflowCallback(tracking_uri=uri, experiment_name="asha-demo")
    tuner, results = run_experiment([callback], type="promotion")

    client = MlflowClient(tracking_uri=uri)
    parents, children = _runs(client, "asha-demo")
    assert len(parents) == 1 and parents[0].data.tags["mlflow.runName"] == tuner.name
    parent = parents[0]
    assert sorted(children) == sorted(results["trial_id"].unique())
    for trial_id, run in children.items():
        rows = results[results["trial_id"] == trial_id]
        assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
        assert float(run.data.params["x"]) == pytest.approx(rows["config_x"].iloc[0])
        assert run.data.params["optimizer"] == rows["config_optimizer"].iloc[0]
        history = client.get_metric_history(run.info.run_id, "loss")
        assert [m.step for m in history] == list(rows["epoch"])
        assert [m.value for m in history] == pytest.approx(list(rows["loss"]))
        final = rows["st_status"].iloc[-1]
        assert run.data.tags["st_status"] == final
        assert run.info.status == _STATUS[final]
    assert "Paused" in set(results["st_status"])  # promotion paused some trials on the way
    best_id, best_loss = tuner.best_trial()
    assert parent.info.status == "FINISHED"
    assert parent.data.tags["best_trial_id"] == str(best_id)
    assert parent.data.metrics["best_loss"] == pytest.approx(best_loss)
    assert float(parent.data.params["best_x"]) == pytest.approx(results[results.trial_id == best_id]["config_x"].iloc[0])


def test_default_experiment_name_is_the_tuning_experiments(tmp_path, private_home, run_experiment):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    tuner, results = run_experiment([MLflowCallback(tracking_uri=uri)], num_trials=3, name="named-run")
    parents, children = _runs(MlflowClient(tracking_uri=uri), tuner.name)
    assert len(parents) == 1 and len(children) == results["trial_id"].nunique()


def test_an_unreachable_server_logs_a_warning_and_the_experiment_completes(tmp_path, private_home, monkeypatch,
                                                                          capfd, run_experiment):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    callback = MLflowCallback(tracking_uri="http://127.0.0.1:9", flush_timeout=20)
    tuner, results = run_experiment([callback], num_trials=4)
    assert results["trial_id"].nunique() == 4 and set(results.groupby("trial_id")["st_status"].last()) <= {
        "Completed", "Stopped"}
    assert "MLflowCallback could not open" in capfd.readouterr().err  # logged by the tracking process

