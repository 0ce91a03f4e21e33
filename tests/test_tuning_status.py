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
