"""Late reports: what a trial printed after a PAUSE/STOP decision, before its process ended.

The Tuner passes them to ``on_trial_result`` in order and ignores the answer. For a paused trial
they move it up to the highest rung its checkpoint reached, so that the resumed trial's next
milestone follows its checkpoint; for a stopped trial only the searcher learns from them.
Levels are 1, 3, 9, 27, 81 unless max_t says otherwise.
"""
import logging

import pytest
from scheduler_driver import Driver, RecordingSearcher, make

C, P, S = "CONTINUE", "PAUSE", "STOP"
NAN = float("nan")
THREE_PAUSED = [("new", 0), (0, 1, 0.5, P), ("new", 1), (1, 1, 0.7, P), ("new", 2), (2, 1, 0.6, P)]


def late(driver, trial_id, epoch, loss):
    """Hands over a late report as the Tuner does; returns the (ignored) decision."""
    value = loss if driver.mode == "min" else 1.0 - loss
    return driver.scheduler.on_trial_result(driver.trials[trial_id], {"epoch": epoch, "value": value})


def _driver(type="promotion", mode="min", searcher_data="rungs", **kwargs):
    searcher = RecordingSearcher()
    return Driver(make(type, mode=mode, searcher=searcher, searcher_data=searcher_data, **kwargs), mode=mode), searcher


@pytest.mark.parametrize("mode", ["min", "max"])
def test_paused_trial_waits_at_the_highest_rung_its_late_reports_reached(mode, caplog):
    driver, searcher = _driver(mode=mode)
    driver.run_table(THREE_PAUSED)
    searcher.take()
    assert [late(driver, 1, epoch, loss) for epoch, loss in [(2, 0.65), (3, 0.2), (4, 0.2)]] == [P] * 3
    assert searcher.take() == [("result", "1", 2, False), ("result", "1", 3, True), ("result", "1", 4, False)]
    system = driver.scheduler.rung_system()
    assert system.rungs[1].losses == pytest.approx({1: 0.2 if mode == "min" else -0.8})
    assert driver.scheduler.trial_status(1) == "paused"
    driver.run_table([
        ("resume", 0, 3),                    # rung 1 still promotes trial 0 (.5 <= .567); trial 1 left rung 1
        (0, 2, 0.45, C), (0, 3, 0.4, P),     # rung 3: [.2 .4]
        ("new", 3), (3, 1, 0.3, C), (3, 3, 0.35, P),  # rung 3: [.2 .35 .4], cutoff .3
        ("resume", 1, 9),                    # trial 1 resumes from its checkpoint (epoch 4) towards 9
        (1, 5, 0.2, C), (1, 6, 0.2, C), (1, 7, 0.2, C), (1, 8, 0.2, C), (1, 9, 0.15, P),
    ])
    assert "never reported" not in caplog.text
    assert system.rungs[2].losses == pytest.approx({1: 0.15 if mode == "min" else -0.85})


def test_late_reports_update_the_searcher_per_searcher_data_and_resume_registers_from_the_checkpoint():
    driver, searcher = _driver(searcher_data="all")
    driver.run_table(THREE_PAUSED)
    searcher.take()
    for epoch in (2, 3, 4):
        late(driver, 0, epoch, 0.4)
    late(driver, 0, 3, 0.4)  # a repeated report changes nothing
    assert searcher.take() == [("result", "0", r, True) for r in (2, 3, 4)] + [("result", "0", 3, False)]
    # rung 3 holds only trial 0, so no decision there yet; rung 1 has no promotable trial left: new trials
    for t, loss in [(3, 0.5), (4, 0.6)]:
        driver.new(t)
        driver.report(t, 1, 0.1)
        driver.report(t, 2, 0.1)
        driver.report(t, 3, loss)
    searcher.take()
    assert driver.resume().checkpoint_trial_id == 0
    assert searcher.take() == [("cleanup", "0")] + [("pending", "0", r) for r in range(5, 10)]


@pytest.mark.parametrize("mode", ["min", "max"])
def test_late_reports_that_skip_a_rung_warn_once_and_resume_past_it(mode, caplog):
    driver, _ = _driver(mode=mode)
    driver.run_table(THREE_PAUSED)
    with caplog.at_level(logging.WARNING):
        late(driver, 0, 2, 0.45)
        late(driver, 0, 4, 0.4)  # no report at rung 3
    assert "after it was paused but never reported at rung level(s) [3]" in caplog.text
    caplog.clear()
    driver.run_table([("resume", 0, 9), (0, 5, 0.4, C), (0, 9, 0.3, P)])
    assert "never reported" not in caplog.text


@pytest.mark.parametrize("mode", ["min", "max"])
def test_stopped_trial_late_reports_update_the_searcher_but_no_rung(mode):
    driver, searcher = _driver("stopping", mode=mode)
    driver.run_table([("new", 0), (0, 1, 0.5, C), ("new", 1), (1, 1, 0.7, C), ("new", 2), (2, 1, 0.6, S)])
    searcher.take()
    assert [late(driver, 2, epoch, 0.1) for epoch in (2, 3, 4)] == [S] * 3
    assert searcher.take() == [("result", "2", 2, False), ("result", "2", 3, True), ("result", "2", 4, False)]
    system = driver.scheduler.rung_system()
    assert not system.rungs[1].losses and 2 not in system._milestones
    assert driver.scheduler.trial_status(2) == "stopped"


def test_trial_stopped_by_the_tuner_changes_no_rung_either():
    driver, _ = _driver("promotion")
    driver.run_table(THREE_PAUSED[:2] + [("new", 1)])
    driver.scheduler.on_trial_remove(driver.trials[1])  # e.g. the stopping criterion ended it
    assert late(driver, 1, 1, 0.1) == S and late(driver, 1, 3, 0.1) == S
    assert [rung.losses for rung in driver.scheduler.rung_system().rungs[:2]] == [{0: 0.5}, {}]


def test_paused_trial_whose_late_reports_reach_max_t_is_done():
    driver, searcher = _driver(max_t=9)
    driver.run_table(THREE_PAUSED)
    searcher.take()
    for epoch in range(2, 10):
        late(driver, 0, epoch, 0.3)
    assert driver.scheduler.trial_status(0) == "done"
    assert ("result", "0", 9, True) in searcher.take()
    assert driver.scheduler.suggest(3).spawn_new_trial_id  # never resumed
    assert driver.scheduler.rung_system().promotable() is None


def test_diverged_late_reports_make_the_trial_unpromotable():
    driver, _ = _driver()
    driver.run_table(THREE_PAUSED)
    late(driver, 0, 2, NAN)
    late(driver, 0, 3, NAN)
    assert driver.scheduler.rung_system().rungs[1].losses == {0: float("inf")}
    assert driver.scheduler.suggest(3).spawn_new_trial_id  # 0 left rung 1; .6 and .7 do not pass there


def test_pasha_records_late_reports_above_its_maximum_resource_without_promoting_there():
    driver, _ = _driver("pasha", rung_system_kwargs={"ranking_criterion": "soft_ranking", "epsilon": 0.05})
    driver.run_table(THREE_PAUSED + [("resume", 0, 3), (0, 3, 0.4, P)])  # 3 is the maximum resource
    for epoch in range(4, 10):
        late(driver, 0, epoch, 0.3)
    system = driver.scheduler.rung_system()
    assert system.rungs[2].losses == {0: 0.3} and system.current_max_resource == 3
    assert driver.scheduler.suggest(3).spawn_new_trial_id


def test_late_report_of_an_unknown_or_completed_trial_is_ignored():
    driver, searcher = _driver()
    driver.new(0)
    driver.scheduler.on_trial_complete(driver.trials[0], {"epoch": 1, "value": 0.5})
    searcher.take()
    assert late(driver, 0, 3, 0.1) == S
    assert searcher.take() == [] and driver.scheduler.rung_system().rungs[1].losses == {}
