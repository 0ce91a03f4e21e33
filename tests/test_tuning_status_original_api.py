"""print_best_metric_found and TuningStatus.get_dataframe, as in the original library."""
from __future__ import annotations

import pytest

from syne_tune.backend.trial_status import Status, Trial
from syne_tune.tuning_status import TuningStatus, print_best_metric_found


def _status() -> TuningStatus:
    status = TuningStatus(metric_names=["loss"])
    trials = {0: Trial(0, {"x": 0.1, "epochs": 3}), 1: Trial(1, {"x": 0.9, "epochs": 3})}
    status.update({0: (trials[0], Status.completed), 1: (trials[1], Status.in_progress)},
                  [(0, {"loss": 3.0, "epoch": 1, "st_worker_time": 0.5}),
                   (1, {"loss": 2.0, "epoch": 1, "st_worker_time": 0.4}),
                   (0, {"loss": 1.0, "epoch": 2, "st_worker_time": 1.0})])
    return status


@pytest.mark.parametrize("mode, expected", [(None, (0, 1.0)), ("min", (0, 1.0)), ("max", (0, 3.0))])
def test_print_best_metric_found(mode, expected, capsys):
    assert print_best_metric_found(_status(), ["loss"], mode) == expected
    out = capsys.readouterr().out
    assert f"loss: best {expected[1]} for trial-id {expected[0]}" in out and "Resource summary" in out


def test_print_best_metric_found_without_results_and_bad_mode():
    assert print_best_metric_found(TuningStatus(["loss"]), ["loss"]) is None
    with pytest.raises(ValueError, match="'mode'"):
        print_best_metric_found(_status(), ["loss"], "maximize")


def test_get_dataframe_has_one_row_per_trial():
    frame = _status().get_dataframe()
    assert list(frame["trial_id"]) == [0, 1] and list(frame["status"]) == [Status.completed, Status.in_progress]
    assert list(frame["iter"]) == [2, 1] and list(frame["x"]) == [0.1, 0.9] and list(frame["loss"]) == [1.0, 2.0]
    assert list(frame["worker-time"]) == [1.0, 0.4]
    assert not any(c.startswith("st_") for c in frame.columns)
