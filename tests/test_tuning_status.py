"""TuningStatus statistics with values a diverging or misbehaving trial reports."""
import math

from syne_tune.backend.trial_status import Status, Trial
from syne_tune.tuning_status import MetricsStatistics, TuningStatus, format_status_table


def test_non_finite_values_are_last_but_never_min_max_or_sum():
    stats = MetricsStatistics()
    for value in (2.0, float("nan"), float("inf"), float("-inf"), 1.0):
        stats.add({"loss": value})
    assert stats.min_metrics["loss"] == 1.0 and stats.max_metrics["loss"] == 2.0
    assert stats.sum_metrics["loss"] == 3.0 and stats.count == 5
    stats.add({"loss": float("nan"), "note": "diverged", "flag": True})
    assert math.isnan(stats.last_metrics["loss"]) and stats.last_metrics["note"] == "diverged"
    assert "note" not in stats.min_metrics and "flag" not in stats.max_metrics


def test_best_trial_ignores_diverged_trials_in_both_modes():
    status = TuningStatus(["loss"])
    status.update({i: (Trial(i, {}), Status.completed) for i in range(3)},
                  [(0, {"loss": float("nan")}), (1, {"loss": 0.5}), (2, {"loss": float("inf")}),
                   (2, {"loss": float("-inf")}), (1, {"loss": 0.7})])
    assert status.best_trial("loss", "min") == (1, 0.5)
    assert status.best_trial("loss", "max") == (1, 0.7)
    assert status.best_trial("accuracy", "max") is None


def test_continue_from_counts_time_already_spent():
    status = TuningStatus(["loss"])
    status.continue_from(100.0)
    assert 100.0 <= status.wallclock_time < 101.0


def test_a_trial_counts_from_its_start_and_the_count_says_what_it_counts():
    status = TuningStatus(["loss"])
    status.trial_started(Trial(0, {"x": 1}))
    status.trial_started(Trial(1, {"x": 2}))
    status.update({0: (Trial(0, {"x": 1}), Status.in_progress)}, [(0, {"loss": 0.5})])
    format_status_table(status)  # reads every trial's statistics; a trial without a report stays one
    assert status.num_trials_started == 2 and status.num_trials_running == 2
    assert status.num_trials_with_reports == 1 and status.trial_configs[1] == {"x": 2}
    assert str(status.trial_count()) == "2 trials (1 with reports)"


def test_only_numeric_metrics_are_tracked_and_shown():
    """As the original: a text field (e.g. a debug message) is no metric, in the table or the frame."""
    import pickle

    status = TuningStatus(["loss"])
    status.update({0: (Trial(0, {"x": 1}), Status.in_progress)},
                  [(0, {"loss": 0.5, "epoch": 1, "debug": "str", "ok": True, "nan": float("nan")}),
                   (0, {"loss": 0.4, "epoch": 2, "debug": "again"})])
    stats = status.trial_metric_statistics[0]
    assert stats.metric_names == ["loss", "epoch", "ok", "nan"]
    assert status.overall_metric_statistics.metric_names == ["loss", "epoch", "ok", "nan"]
    assert "debug" not in stats.min_metrics and "debug" not in stats.sum_metrics
    assert stats.min_metrics["loss"] == 0.4 and stats.max_metrics["epoch"] == 2
    table = format_status_table(status)
    assert "debug" not in table and "again" not in table and "epoch" in table
    frame = status.get_dataframe()
    assert "debug" not in frame.columns and list(frame["epoch"]) == [2]
    # a TuningStatus pickled before metric_names existed still loads
    old = pickle.loads(pickle.dumps(stats))
    del old.__dict__["_numeric_names"]
    assert pickle.loads(pickle.dumps(old)).metric_names == ["loss", "epoch", "ok", "nan"]


def test_a_text_value_does_not_freeze_a_metrics_statistics():
    stats = MetricsStatistics()
    for value in (1.0, "oops", 0.5):
        stats.add({"loss": value})
    assert stats.min_metrics["loss"] == 0.5 and stats.max_metrics["loss"] == 1.0  # the original froze at 1.0
    assert stats.last_metrics["loss"] == 0.5


def test_a_debug_text_field_reported_through_a_tuner_is_no_metric_column(_results_root):
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend.simulator_backend import SimulatorBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import FIFOScheduler

    class WithDebug(SimulatorBackend):
        def _evaluate(self, trial_id, config, checkpoint):
            return [{"epoch": e, "loss": config["x"] / e, "debug": f"step {e}", "t": float(e)} for e in (1, 2)]

    tuner = Tuner(WithDebug("t"), FIFOScheduler({"x": uniform(0, 1)}, metric="loss", random_seed=0),
                  StoppingCriterion(max_num_trials_completed=2), n_workers=2, progress="off")
    tuner.run()
    status = tuner.tuning_status
    assert "debug" not in status.overall_metric_statistics.metric_names
    assert {"loss", "epoch"} <= set(status.overall_metric_statistics.metric_names)
    assert "debug" not in status.get_dataframe().columns and "step 2" not in str(status)
