"""WandbCallback in offline mode: the run folders W&B writes hold each trial's config, reports and status."""
from __future__ import annotations

import json
import struct

import pytest

pytest.importorskip("wandb", reason="WandbCallback needs wandb: pip install 'syne-tune[wandb]' (CI runs it in .ci/run's trackers step)")

from wandb.proto import wandb_internal_pb2  # noqa: E402

from syne_tune.callbacks import WandbCallback  # noqa: E402

_BLOCK = 32768  # the .wandb file is a log of records in blocks, as LevelDB's log format


def read_records(path) -> list:
    """The protobuf records of an offline run's ``run-<id>.wandb`` file."""
    data = path.read_bytes()
    assert data[:4] == b":W&B", f"{path} is not a W&B run file"
    records, partial, pos = [], b"", 7
    while pos + 7 <= len(data):
        left = _BLOCK - pos % _BLOCK
        if left < 7:  # a block's tail too short for a header is padding
            pos += left
            continue
        _, length, kind = struct.unpack("<IHB", data[pos:pos + 7])
        chunk, pos = data[pos + 7:pos + 7 + length], pos + 7 + length
        if kind == 1:
            records.append(chunk)
        elif kind == 2:
            partial = chunk
        elif kind == 3:
            partial += chunk
        elif kind == 4:
            records.append(partial + chunk)
        elif kind == 0 and length == 0:
            pos += left - 7
    parsed = []
    for raw in records:
        record = wandb_internal_pb2.Record()
        record.ParseFromString(raw)
        parsed.append(record)
    return parsed


def offline_runs(folder) -> dict:
    """{run name: {"group", "job_type", "config", "history" (list of dicts), "summary", "exit_code"}}."""
    runs = {}
    for run_file in sorted(folder.glob("wandb/offline-run-*/run-*.wandb")):
        run = {"history": [], "summary": {}, "config": {}, "exit_code": None}
        for record in read_records(run_file):
            kind = record.WhichOneof("record_type")
            if kind == "run":
                run.update(name=record.run.display_name, group=record.run.run_group, job_type=record.run.job_type)
                for item in record.run.config.update:
                    run["config"][item.key] = json.loads(item.value_json)
            elif kind == "history":
                run["history"].append({item.key or "/".join(item.nested_key): json.loads(item.value_json)
                                       for item in record.history.item})
            elif kind == "summary":
                for item in record.summary.update:
                    run["summary"][item.key or "/".join(item.nested_key)] = json.loads(item.value_json)
            elif kind == "exit":
                run["exit_code"] = record.exit.exit_code
        runs[run["name"]] = run
    return runs


@pytest.fixture
def offline(tmp_path, monkeypatch, private_home):
    folder = tmp_path / "wandb-dir"
    folder.mkdir()
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DIR", str(folder))
    monkeypatch.setenv("WANDB_CACHE_DIR", str(tmp_path / "wandb-cache"))
    monkeypatch.setenv("WANDB_CONFIG_DIR", str(tmp_path / "wandb-config"))
    monkeypatch.setenv("WANDB_DATA_DIR", str(tmp_path / "wandb-data"))
    monkeypatch.setenv("WANDB_SILENT", "true")
    return folder


def test_one_offline_run_per_trial_grouped_by_experiment(offline, run_experiment):
    tuner, results = run_experiment([WandbCallback(project="demo")], num_trials=5)
    runs = offline_runs(offline)
    trial_ids = sorted(results["trial_id"].unique())
    assert sorted(runs) == sorted([f"trial-{t}" for t in trial_ids] + [f"{tuner.name}-best"])
    for trial_id in trial_ids:
        run = runs[f"trial-{trial_id}"]
        rows = results[results["trial_id"] == trial_id]
        assert run["group"] == tuner.name and run["job_type"] == "trial"
        assert run["config"]["x"] == pytest.approx(rows["config_x"].iloc[0])
        assert run["config"]["optimizer"] == rows["config_optimizer"].iloc[0]
        history = [h for h in run["history"] if "loss" in h]
        assert [h["epoch"] for h in history] == list(rows["epoch"])
        assert [h["loss"] for h in history] == pytest.approx(list(rows["loss"]))
        assert {"accuracy", "st_tuner_time"} <= set(history[0])
        assert run["summary"]["st_status"] == rows["st_status"].iloc[-1]
        assert run["exit_code"] == 0
    best_id, best_loss = tuner.best_trial()
    best = runs[f"{tuner.name}-best"]
    assert best["job_type"] == "experiment" and best["summary"]["best_loss"] == pytest.approx(best_loss)
    assert best["config"]["best_trial_id"] == best_id


def test_a_run_that_cannot_start_logs_a_warning_and_the_experiment_completes(offline, capfd, run_experiment):
    callback = WandbCallback(project="demo", init_kwargs={"no_such_argument": 1})
    tuner, results = run_experiment([callback], num_trials=3)
    assert results["trial_id"].nunique() == 3
    assert "WandbCallback could not start trial" in capfd.readouterr().err  # logged by the tracking process
