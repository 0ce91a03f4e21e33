"""Late reports: what a trial printed after a PAUSE/STOP decision, before its process ended.

The Tuner passes them to ``on_trial_late_result`` in order. For a paused trial
they move it up to the highest rung its checkpoint reached, so that the resumed trial's next
milestone follows its checkpoint; for a stopped trial only the searcher learns from them.
The tables are played by the Tuner (one worker unless said otherwise); a late report arrives in
the round of the decision that ended its trial. Levels are 1, 3, 9, 27, 81 unless max_t says otherwise.
"""
import logging

import pytest
from scripted_tuner import RecordingSearcher, make, play

C, P, S = "CONTINUE", "PAUSE", "STOP"
NAN = float("nan")
THREE_PAUSED = [("new", 0), (0, 1, 0.5, P), ("new", 1), (1, 1, 0.7, P), ("new", 2), (2, 1, 0.6, P)]


def _make(type="promotion", mode="min", searcher_data="rungs", **kwargs):
    searcher = RecordingSearcher()
    return make(type, mode=mode, searcher=searcher, searcher_data=searcher_data, **kwargs), searcher


def _results(searcher, trial_id):
    return [c for c in searcher.calls if c[0] == "result" and c[1] == str(trial_id)]


@pytest.mark.parametrize("mode", ["min", "max"])
def test_paused_trial_waits_at_the_highest_rung_its_late_reports_reached(mode, caplog):
    scheduler, searcher = _make(mode=mode)
    run = play(scheduler, [
        ("new", 0), (0, 1, 0.5, P), ("new", 1), (1, 1, 0.7, P),
        (1, 2, 0.65, P), (1, 3, 0.2, P), (1, 4, 0.2, P),  # late: trial 1 reached rung 3 before it paused
        ("new", 2), (2, 1, 0.6, P),
        ("resume", 0, 3),                    # rung 1 still promotes trial 0 (.5 <= .567); trial 1 left rung 1
        (0, 2, 0.45, C), (0, 3, 0.4, P),     # rung 3: [.2 .4]
        ("new", 3), (3, 1, 0.3, C), (3, 3, 0.35, P),  # rung 3: [.2 .35 .4], cutoff .3
        ("resume", 1, 9),                    # trial 1 resumes from its checkpoint (epoch 4) towards 9
        (1, 5, 0.2, C), (1, 6, 0.2, C), (1, 7, 0.2, C), (1, 8, 0.2, C), (1, 9, 0.15, P),
    ], mode=mode, probe=lambda s: (dict(s.rung_system().rungs[1].losses), s.trial_status(1)))
    assert _results(searcher, 1)[1:4] == [("result", "1", 2, False), ("result", "1", 3, True),
                                          ("result", "1", 4, False)]
    assert run.probes[6][0] == pytest.approx({1: 0.2 if mode == "min" else -0.8})
    assert run.probes[6][1] == "paused"
    assert "never reported" not in caplog.text
    assert run.scheduler.rung_system().rungs[2].losses == pytest.approx({1: 0.15 if mode == "min" else -0.85})


def test_late_reports_update_the_searcher_per_searcher_data_and_resume_registers_from_the_checkpoint():
    scheduler, searcher = _make(searcher_data="all")
    play(scheduler, [
        ("new", 0), (0, 1, 0.5, P),
        (0, 2, 0.4, P), (0, 3, 0.4, P), (0, 4, 0.4, P),
        (0, 3, 0.4, P),                       # a repeated report changes nothing
        ("new", 1), (1, 1, 0.7, P), ("new", 2), (2, 1, 0.6, P),
        # rung 3 holds only trial 0, so no decision there yet; rung 1 has no promotable trial left: new trials
        ("new", 3), (3, 1, 0.1, C), (3, 2, 0.1, C), (3, 3, 0.5, P),
        ("new", 4), (4, 1, 0.1, C), (4, 2, 0.1, C), (4, 3, 0.6, P),
        ("resume", 0, 9),
    ])
    assert _results(searcher, 0) == [("result", "0", r, True) for r in (1, 2, 3, 4)] + [("result", "0", 3, False)]
    assert searcher.calls[-6:] == [("cleanup", "0")] + [("pending", "0", r) for r in range(5, 10)]


@pytest.mark.parametrize("mode", ["min", "max"])
def test_late_reports_that_skip_a_rung_warn_once_and_resume_past_it(mode, caplog):
    scheduler, _ = _make(mode=mode)
    with caplog.at_level(logging.WARNING):
        play(scheduler, [("new", 0), (0, 1, 0.5, P),
                         (0, 2, 0.45, P), (0, 4, 0.4, P),  # late, without a report at rung 3
                         ("new", 1), (1, 1, 0.7, P), ("new", 2), (2, 1, 0.6, P),
                         ("resume", 0, 9), (0, 5, 0.4, C), (0, 9, 0.3, P)], mode=mode)
    assert "after it was paused but never reported at rung level(s) [3]" in caplog.text
    assert caplog.text.count("never reported") == 1  # not again after the resume


@pytest.mark.parametrize("mode", ["min", "max"])
def test_stopped_trial_late_reports_update_the_searcher_but_no_rung(mode):
    scheduler, searcher = _make("stopping", mode=mode)
    play(scheduler, [("new", 0), ("new", 1), ("new", 2), (0, 1, 0.5, C), (1, 1, 0.7, C), (2, 1, 0.6, S),
                     (2, 2, 0.1, S), (2, 3, 0.1, S), (2, 4, 0.1, S), ("new", 3)], mode=mode, n_workers=3)
    assert _results(searcher, 2)[1:] == [("result", "2", 2, False), ("result", "2", 3, True),
                                         ("result", "2", 4, False)]
    system = scheduler.rung_system()
    assert not system.rungs[1].losses and 2 not in system._milestones
    assert scheduler.trial_status(2) == "stopped"


def test_stopped_trial_whose_late_reports_reach_max_t_did_all_the_work():
    scheduler, searcher = _make("stopping", max_t=9)
    run = play(scheduler, [("new", 0), ("new", 1), ("new", 2), (0, 1, 0.5, C), (1, 1, 0.7, C), (2, 1, 0.6, S)]
               + [(2, epoch, 0.1, S) for epoch in range(2, 10)] + [("new", 3)], n_workers=3)
    assert scheduler.trial_status(2) == "done" and ("result", "2", 9, True) in searcher.calls
    assert run.tuner.trial_backend.end_status(2) == "Completed"
    assert run.tuner.tuning_status.last_trial_status_seen[2] == "Completed"
    assert not scheduler.rung_system().rungs[1].losses  # no rung changed


def test_trial_stopped_by_the_tuner_changes_no_rung_either():
    run = play(_make("promotion")[0], THREE_PAUSED[:2] + [("new", 1)])
    # Direct calls: the Tuner removes a running trial only after its own STOP/PAUSE; this is a trial
    # removed otherwise (e.g. by a callback) whose reports still come in.
    scheduler, trial = run.scheduler, run.trial(1)
    scheduler.on_trial_remove(trial)
    assert scheduler.on_trial_result(trial, {"epoch": 1, "value": 0.1}) == S
    assert scheduler.on_trial_result(trial, {"epoch": 3, "value": 0.1}) == S
    assert [rung.losses for rung in scheduler.rung_system().rungs[:2]] == [{0: 0.5}, {}]


def test_paused_trial_whose_late_reports_reach_max_t_is_done():
    scheduler, searcher = _make(max_t=9)
    play(scheduler, [("new", 0), (0, 1, 0.5, P)] + [(0, epoch, 0.3, P) for epoch in range(2, 9)] +
         [(0, 9, 0.3, S),  # done: the Tuner marks it Stopped
          ("new", 1), (1, 1, 0.7, P), ("new", 2), (2, 1, 0.6, P),
          ("new", 3)])  # never resumed
    assert scheduler.trial_status(0) == "done"
    assert ("result", "0", 9, True) in searcher.calls
    assert scheduler.rung_system().promotable() is None


def test_diverged_late_reports_make_the_trial_unpromotable():
    scheduler, _ = _make()
    play(scheduler, [("new", 0), (0, 1, 0.5, P), (0, 2, NAN, P), (0, 3, NAN, P)] + THREE_PAUSED[2:] +
         [("new", 3)])  # 0 left rung 1; .6 and .7 do not pass there
    assert scheduler.rung_system().rungs[1].losses == {0: float("inf")}


def test_pasha_records_late_reports_above_its_maximum_resource_without_promoting_there():
    scheduler, _ = _make("pasha", rung_system_kwargs={"ranking_criterion": "soft_ranking", "epsilon": 0.05})
    play(scheduler, THREE_PAUSED + [("resume", 0, 3), (0, 3, 0.4, P)]   # 3 is the maximum resource
         + [(0, epoch, 0.3, P) for epoch in range(4, 10)] + [("new", 3)])
    system = scheduler.rung_system()
    assert system.rungs[2].losses == {0: 0.3} and system.current_max_resource == 3


def test_late_report_of_an_unknown_or_completed_trial_is_ignored():
    scheduler, searcher = _make()
    run = play(scheduler, [("new", 0)])
    searcher.take()
    # Direct calls: the Tuner hands over every report before a trial's completion, never after it.
    scheduler.on_trial_complete(run.trial(0), {"epoch": 1, "value": 0.5})
    searcher.take()
    assert scheduler.on_trial_result(run.trial(0), {"epoch": 3, "value": 0.1}) == S
    assert searcher.take() == [] and scheduler.rung_system().rungs[1].losses == {}
