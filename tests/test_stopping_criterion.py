import pytest

from syne_tune import StoppingCriterion
from syne_tune.backend.trial_status import Status, Trial
from syne_tune.tuning_status import TuningStatus


def _status(statuses, results):
    status = TuningStatus(["loss"])
    status.update({i: (Trial(i, {"x": i}), s) for i, s in enumerate(statuses)}, results)
    return status


def test_each_limit_is_strict():
    status = _status([Status.completed, Status.failed, Status.in_progress],
                     [(0, {"loss": 1.0}), (1, {"loss": -2.0}), (2, {"loss": 3.0})])
    assert not StoppingCriterion(max_num_trials_started=3)(status)
    assert StoppingCriterion(max_num_trials_started=2)(status)
    assert StoppingCriterion(max_num_trials_completed=0)(status)
    assert not StoppingCriterion(max_num_trials_completed=1)(status)
    assert StoppingCriterion(max_num_trials_finished=1)(status)
    assert StoppingCriterion(max_num_evaluations=2)(status)
    assert not StoppingCriterion(max_num_evaluations=3)(status)
    assert StoppingCriterion(min_metric_value={"loss": -1.0})(status)
    assert not StoppingCriterion(min_metric_value={"loss": -2.0})(status)
    assert StoppingCriterion(max_metric_value={"loss": 2.5})(status)
    assert not StoppingCriterion(max_wallclock_time=60)(status)
    assert StoppingCriterion(max_wallclock_time=0)(status)
    assert not StoppingCriterion(max_cost=0)(status)
    assert StoppingCriterion(max_cost=0.5)(_status([Status.completed], [(0, {"loss": 1, "st_worker_cost": 1.0})]))
    assert not StoppingCriterion()(status)


def test_bad_fields_are_named():
    with pytest.raises(ValueError, match="max_wallclock_time"):
        StoppingCriterion(max_wallclock_time="10")
    with pytest.raises(ValueError, match="min_metric_value"):
        StoppingCriterion(min_metric_value=3.0)


@pytest.mark.parametrize("field, value", [
    ("max_wallclock_time", float("nan")), ("max_wallclock_time", float("inf")), ("max_cost", -1),
    ("max_num_trials_started", True), ("max_metric_value", {"loss": float("nan")}),
    ("min_metric_value", {"loss": float("-inf")})])
def test_non_finite_limits_are_refused(field, value):
    with pytest.raises(ValueError, match=field):
        StoppingCriterion(**{field: value})
