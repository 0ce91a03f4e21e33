"""TensorboardCallback's event files, read back with tensorboard's own reader (scalars and hparams)."""
from __future__ import annotations

import pickle

import pytest

pytest.importorskip("tensorboardX", reason="TensorboardCallback needs tensorboardX: pip install "
                    "'syne-tune[tensorboard]' (CI: .ci/run step 4)")
pytest.importorskip("tensorboard", reason="reading event files needs tensorboard: pip install 'syne-tune[tensorboard]'")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2  # noqa: E402

from syne_tune.callbacks import TensorboardCallback  # noqa: E402


def _read(folder):
    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def _hparams(accumulator) -> dict:
    """The hparams plugin's records of a run, by kind: experiment, session_start_info, session_end_info."""
    records = {}
    for tag, content in accumulator.PluginTagToContent("hparams").items():
        data = plugin_data_pb2.HParamsPluginData.FromString(content)
        records[data.WhichOneof("data")] = data
    return records


def test_one_run_per_trial_with_scalars_against_resource_and_time_and_hparams(run_experiment):
    tuner, results = run_experiment([TensorboardCallback()], type="promotion")
    root = tuner.tuner_path / "tensorboard_output"
    trial_ids = sorted(results["trial_id"].unique())
    assert sorted(p.name for p in root.iterdir()) == sorted(["experiment"] + [f"trial_{t}" for t in trial_ids])
    for trial_id in trial_ids:
        rows = results[results["trial_id"] == trial_id]
        run = _read(root / f"trial_{trial_id}")
        loss = run.Scalars("loss")
        assert [e.step for e in loss] == list(rows["epoch"])
        assert [e.value for e in loss] == pytest.approx(list(rows["loss"]), rel=1e-6)
        assert "accuracy" in run.Tags()["scalars"]
        # time: each value carries the time it was reported (seconds since the experiment started)
        relative = [e.wall_time - loss[0].wall_time for e in loss]
        expected = list(rows["st_tuner_time"] - rows["st_tuner_time"].iloc[0])
        assert relative == pytest.approx(expected, abs=1e-3)
        records = _hparams(run)
        start = records["session_start_info"].session_start_info
        assert start.hparams["x"].number_value == pytest.approx(rows["config_x"].iloc[0])
        assert start.hparams["optimizer"].string_value == rows["config_optimizer"].iloc[0]
        assert [m.name.tag for m in records["experiment"].experiment.metric_infos] == ["loss"]
        status = records["session_end_info"].session_end_info.status
        final = rows["st_status"].iloc[-1]
        expected_status = "STATUS_SUCCESS" if final == "Completed" else "STATUS_UNKNOWN"
        assert api_pb2.Status.Name(status) == expected_status
    best = _read(root / "experiment").Scalars("best_loss")
    assert len(best) == len(results) and best[-1].value == pytest.approx(tuner.best_trial()[1], rel=1e-6)
    assert all(a.value >= b.value for a, b in zip(best, best[1:]))  # the running minimum


def test_logdir_ignore_metrics_and_pickling(tmp_path, run_experiment):
    callback = TensorboardCallback(logdir=tmp_path / "tb", ignore_metrics=["accuracy"], log_hyperparameters=False)
    copy = pickle.loads(pickle.dumps(callback))  # the Tuner pickles its callbacks
    assert copy.ignore_metrics == {"accuracy"} and copy.logdir == tmp_path / "tb"
    tuner, results = run_experiment([callback], num_trials=3)
    run = _read(tmp_path / "tb" / "trial_0")
    assert "loss" in run.Tags()["scalars"] and "accuracy" not in run.Tags()["scalars"]
    with pytest.raises(KeyError):
        run.PluginTagToContent("hparams")


def test_an_unwritable_logdir_logs_a_warning_and_the_experiment_completes(tmp_path, caplog, run_experiment):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with caplog.at_level("WARNING"):
        tuner, results = run_experiment([TensorboardCallback(logdir=blocker / "tb")], num_trials=3)
    assert results["trial_id"].nunique() == 3
    assert "TensorboardCallback could not" in caplog.text
