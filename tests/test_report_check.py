"""The rule that stops an experiment whose first trials never reported a key the scheduler needs."""
import pytest

from syne_tune.optimizer.scheduler import RequiredAttribute
from syne_tune.report_check import RequiredAttributesCheck, how_to_report

LOSS = RequiredAttribute("loss", "HyperbandScheduler", "metric")
EPOCHS_DONE = RequiredAttribute("epochs_done", "HyperbandScheduler", "resource_attr")


def _feed(check, trials: dict[int, list[dict]], ended: dict[int, bool] | None = None):
    for trial_id in trials:
        check.on_trial_start(trial_id)
    for trial_id, reports in trials.items():
        for report in reports:
            check.on_report(trial_id, report)
    for trial_id, exited_by_itself in (ended or {}).items():
        check.on_trial_end(trial_id, exited_by_itself)
    return check


def test_missing_resource_is_named_with_its_owner_the_keys_reported_and_the_fix():
    reports = [{"epoch": e, "loss": 1.0 / e, "st_worker_time": 0.1} for e in (1, 2, 3)]
    check = _feed(RequiredAttributesCheck([LOSS, EPOCHS_DONE]), {0: reports, 1: reports, 2: reports})
    assert check.complete and check.missing() == [EPOCHS_DONE]
    error = check.error()
    assert error.startswith("HyperbandScheduler(resource_attr='epochs_done') needs 'epochs_done' in every report")
    assert "none of the 9 reports of trials 0, 1, 2 had it; they reported 'epoch', 'loss'" in error
    assert "report(loss=..., epochs_done=...)" in error
    assert "pass resource_attr='epoch' to HyperbandScheduler" in error
    assert "st_worker_time" not in error


def test_a_script_that_never_reports_is_caught_once_its_trials_ended_by_themselves():
    check = _feed(RequiredAttributesCheck([LOSS], num_trials=2), {0: [], 1: []}, ended={0: True, 1: True})
    assert check.complete
    assert "trials 0, 1 reported nothing: the script never called Reporter" in check.error()
    assert "from syne_tune import Reporter; report = Reporter(); report(loss=...)" in check.error()


def test_the_check_waits_for_enough_reports_or_ends():
    check = _feed(RequiredAttributesCheck([LOSS, EPOCHS_DONE]), {0: [{"loss": 1.0}] * 2, 1: [{"loss": 1.0}] * 3})
    assert not check.complete  # trial 0 reported twice and runs on; trial 2 has not started
    check.on_trial_end(0, exited_by_itself=False)  # stopped after its reports: they count
    check.on_trial_start(2)
    check.on_trial_end(2, exited_by_itself=False)  # crashed before reporting: tells nothing
    assert not check.complete and check.missing() == [EPOCHS_DONE]
    check.on_trial_start(3)
    for _ in range(3):
        check.on_report(3, {"loss": 0.5, "epochs_done": 1})
    assert check.complete and check.missing() == [] and check.error() is None


def test_a_key_seen_in_one_report_of_one_judged_trial_is_enough():
    reports = [{"loss": 1.0}, {"loss": 1.0, "epochs_done": 2}, {"loss": 1.0}]
    check = _feed(RequiredAttributesCheck([LOSS, EPOCHS_DONE], num_trials=2), {0: reports, 1: [{"loss": 1}] * 3})
    assert check.complete and check.error() is None


def test_nothing_is_judged_before_any_trial_counts():
    check = _feed(RequiredAttributesCheck([LOSS]), {0: [{"x": 1}]})
    assert check.missing() == [] and check.error() is None


@pytest.mark.parametrize("names, call", [
    (["loss", "epoch"], "report(loss=..., epoch=...)"),
    (["val-loss"], "report(**{'val-loss': ...})"),
])
def test_how_to_report_names_every_required_key_once(names, call):
    required = [RequiredAttribute(n, "S", "metric") for n in names] + [RequiredAttribute(names[0], "M", "metric")]
    assert how_to_report(required).endswith(call)
