"""TensorboardCallback's event files, read back with tensorboard's own reader (scalars and hparams)."""
from __future__ import annotations

import pickle

import pytest

pytest.importorskip("tensorboardX", reason="TensorboardCallback needs tensorboardX: pip install "
                    "'syne-tune[tensorboard]' (CI runs it in .ci/run's trackers step)")
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


def test_an_unwritable_logdir_logs_a_warning_and_the_experiment_completes(tmp_path, capfd, run_experiment):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    tuner, results = run_experiment([TensorboardCallback(logdir=blocker / "tb")], num_trials=3)
    assert results["trial_id"].nunique() == 3
    assert "TensorboardCallback could not" in capfd.readouterr().err  # logged by the tracking process


def test_a_report_flood_is_thinned_to_max_reports_per_second_keeping_each_trials_last(tmp_path, run_experiment):
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend.simulator_backend import SimulatorBackend
    from syne_tune.config_space import uniform
    from syne_tune.experiments import load_experiment
    from syne_tune.optimizer.baselines import RandomSearch

    class Flood(SimulatorBackend):  # 200 reports in 2 simulated seconds
        def _evaluate(self, trial_id, config, checkpoint):
            return [{"step": s, "loss": config["x"] + 1 / s, "t": 0.01 * s} for s in range(1, 201)]

    tuner = Tuner(Flood("t"), RandomSearch({"x": uniform(0, 1)}, metric="loss", random_seed=0),
                  StoppingCriterion(max_num_trials_started=1), n_workers=2, sleep_time=0, progress="off",
                  callbacks=[TensorboardCallback(logdir=tmp_path / "tb", max_reports_per_second=10)],
                  wait_trial_completion_when_stopping=True)
    tuner.run()
    results = load_experiment(tuner.name).results
    for trial_id in (0, 1):
        rows = results[results["trial_id"] == trial_id]
        assert len(rows) == 200  # the experiment's own results keep every report
        logged = _read(tmp_path / "tb" / f"trial_{trial_id}").Scalars("loss")
        assert 15 <= len(logged) <= 45  # ~10 a second over 2 s (a burst's last result may add one each)
        assert logged[-1].step == 200 and logged[-1].value == pytest.approx(rows["loss"].iloc[-1], rel=1e-6)
