"""HyperbandScheduler: arguments, max_t inference, brackets, searcher_data, bad reports, pickling."""
import logging
import shutil
from collections import Counter

import numpy as np
import pytest
from scripted_tuner import SPACE, RecordingSearcher, make, play

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import randint, uniform
from syne_tune.optimizer.schedulers import HyperbandScheduler
from syne_tune.optimizer.schedulers.ask_tell_scheduler import AskTellScheduler

C, P, S = "CONTINUE", "PAUSE", "STOP"
TYPES = ["stopping", "promotion", "pasha"]


# --- arguments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, name", [
    ({"reduction_factor": 1.5}, "reduction_factor"),
    ({"reduction_factor": "3"}, "reduction_factor"),
    ({"reduction_factor": float("inf")}, "reduction_factor"),
    ({"reduction_factor": float("nan")}, "reduction_factor"),
    ({"max_t": float("inf")}, "max_t"),
    ({"grace_period": float("inf")}, "grace_period"),
    ({"rung_system_kwargs": {"epsilon": float("inf")}, "type": "pasha"}, "epsilon"),
    ({"rung_system_kwargs": {"epsilon_scaling": float("nan")}, "type": "pasha"}, "epsilon_scaling"),
    ({"points_to_evaluate": [{"xx": 0.5}], "searcher": "random"}, "xx"),
    ({"points_to_evaluate": [{"x": 0.5}]}, "points_to_evaluate"),  # ignored by a searcher instance: say so
    ({"grace_period": 0}, "grace_period"),
    ({"grace_period": 81}, "grace_period"),
    ({"rung_levels": [3, 1]}, "rung_levels"),
    ({"rung_levels": [1, 3, 3]}, "rung_levels"),
    ({"rung_levels": [1, 100]}, "rung_levels"),
    ({"type": "hyperband"}, "type"),
    ({"searcher_data": "some"}, "searcher_data"),
    ({"brackets": 0}, "brackets"),
    ({"rung_system_per_bracket": "yes"}, "rung_system_per_bracket"),
    ({"register_pending_myopic": 1}, "register_pending_myopic"),
    ({"resource_attr": ""}, "resource_attr"),
    ({"max_t": 0}, "max_t"),
    ({"mode": "maximize"}, "mode"),
    ({"rung_system_kwargs": [1]}, "rung_system_kwargs"),
])
def test_bad_arguments_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=f"'{name}'"):
        make(**kwargs)


def test_unknown_argument_suggests_the_right_name():
    with pytest.raises(ValueError, match="unknown argument 'grace_perid'. Did you mean 'grace_period'"):
        make(grace_perid=3)


def test_fifo_arguments_are_accepted():
    scheduler = HyperbandScheduler(SPACE, metric="acc", mode="max", searcher="random", search_options={},
                                   points_to_evaluate=[{"x": 0.25}], random_seed=3, max_t=27,
                                   max_resource_attr="epochs")
    assert scheduler.suggest(0).config == {"x": 0.25, "epochs": 27}  # stopping: runs up to max_t
    assert (scheduler.metric_names(), scheduler.metric_mode()) == (["acc"], "max")


def test_rung_levels_from_arguments():
    assert make(max_t=56).rung_levels == [1, 3, 9, 27, 56]
    assert make(grace_period=3, reduction_factor=2, max_t=30).rung_levels == [3, 6, 12, 24, 30]
    assert make(rung_levels=[2, 5, 20]).rung_levels == [2, 5, 20, 81]


# --- max_t inference (reference §3.10, tutorial spellings too) -----------------------------------

@pytest.mark.parametrize("space, kwargs, expected", [
    ({"epochs": 81}, {}, 81),
    ({"max_t": 14}, {}, 14),
    ({"max_epochs": 13}, {}, 13),
    ({"max-t": 12}, {}, 12),
    ({"max-epochs": 11}, {}, 11),
    ({"epochs": 9, "max_t": 14, "max_epochs": 13}, {}, 9),
    ({"epochs": randint(1, 20), "max_t": 14, "max_epochs": 13}, {}, 14),
    ({"epochs": randint(1, 20), "max_t": randint(1, 5), "max_epochs": 13}, {}, 13),
    ({"epochs": 81}, {"max_t": 20}, 20),
    ({}, {"max_t": 20}, 20),
    ({"budget": 7, "epochs": 81}, {"max_resource_attr": "budget"}, 7),
])
def test_max_t_inference(space, kwargs, expected):
    scheduler = HyperbandScheduler({"x": uniform(0, 1), **space}, metric="value", random_seed=0, **kwargs)
    assert scheduler.max_t == expected and scheduler.rung_levels[-1] == expected


@pytest.mark.parametrize("space", [
    {},
    {"epochs": randint(1, 20), "max_t": randint(1, 5), "max_epochs": uniform(1, 9)},
    {"num_epochs": 10},
])
def test_max_t_not_inferable_names_max_t(space):
    with pytest.raises(ValueError, match="'max_t'"):
        HyperbandScheduler({"x": uniform(0, 1), **space}, metric="value")


# --- brackets ------------------------------------------------------------------------------------

def _first_milestones(scheduler, n):
    searcher = scheduler.searcher
    for trial_id in range(n):
        scheduler.suggest(trial_id)
    return Counter(c[2] for c in searcher.take("pending"))


def test_brackets_are_drawn_with_their_probabilities():
    scheduler = make(brackets=3, config_space={"x": uniform(0, 1), "epochs": 81})
    assert scheduler.bracket_probabilities == pytest.approx([0.624, 0.260, 0.116], abs=5e-4)
    counts = _first_milestones(scheduler, 3000)
    assert set(counts) == {1, 3, 9}
    assert [counts[r] / 3000 for r in (1, 3, 9)] == pytest.approx([0.624, 0.260, 0.116], abs=0.03)


def test_bracket_draws_are_seeded():
    first = _first_milestones(make(brackets=5, random_seed=7), 50)
    assert first == _first_milestones(make(brackets=5, random_seed=7), 50)
    assert first != _first_milestones(make(brackets=5, random_seed=8), 50)


def test_brackets_capped_at_number_of_levels():
    assert len(make(brackets=10, max_t=9).bracket_probabilities) == 3


@pytest.mark.parametrize("per_bracket", [False, True])
def test_rung_system_per_bracket(per_bracket):
    scheduler = make(brackets=2, rung_system_per_bracket=per_bracket, random_seed=1)
    calls = scheduler.searcher.calls

    def first_milestone(trial_id):
        return next(c[2] for c in calls if c[0] == "pending" and c[1] == str(trial_id))

    # 40 workers: every trial starts at once; trial t reports at its first milestone at time t + 1.
    run = play(scheduler, [], n_workers=40, check=False, until=lambda log: sum(r[0] != "new" for r in log) == 40,
               script=lambda t, config: [(t + 1, {"epoch": first_milestone(t), "value": 0.01 * t})] if t < 40 else [])
    brackets = {t: [1, 3].index(first_milestone(t)) for t in range(40)}
    assert [row[:2] for row in run.log if row[0] != "new"] == [(t, first_milestone(t)) for t in range(40)]
    assert set(brackets.values()) == {0, 1}
    assert scheduler.rung_system(1).levels == ((3, 9, 27, 81) if per_bracket else (1, 3, 9, 27, 81))
    at_rung_3 = set(scheduler.rung_system(1).rungs[0 if per_bracket else 1].losses)
    assert at_rung_3 == {t for t, b in brackets.items() if b == 1}
    if per_bracket:  # bracket 0 trials never see bracket 1 values
        assert not scheduler.rung_system(0).rungs[1].losses


# --- searcher_data and pending evaluations -------------------------------------------------------

def _mf(searcher_data, reports, **kwargs):
    """Trial 0 of a stopping scheduler (grace_period 3, max_t 27) reports ``reports`` [(epoch, loss)]."""
    searcher = RecordingSearcher()
    scheduler = make(searcher=searcher, grace_period=3, max_t=27, searcher_data=searcher_data, **kwargs)
    run = play(scheduler, [("new", 0)] + [(0, epoch, loss, C) for epoch, loss in reports])
    return searcher, run


def test_searcher_data_rungs():
    searcher, _ = _mf("rungs", [(epoch, 0.5) for epoch in (1, 2, 3, 4)])
    assert searcher.take() == [("cleanup", "0"), ("pending", "0", 3),
                               ("result", "0", 1, False), ("result", "0", 2, False), ("result", "0", 3, True),
                               ("cleanup", "0"), ("pending", "0", 9), ("result", "0", 4, False)]


def test_searcher_data_all():
    searcher, _ = _mf("all", [(epoch, 0.5) for epoch in (1, 2, 3)])
    calls = searcher.take()
    assert [c for c in calls if c[0] == "pending"][:3] == [("pending", "0", r) for r in (1, 2, 3)]
    assert [c for c in calls if c[0] == "result"] == [("result", "0", r, True) for r in (1, 2, 3)]
    assert [c[2] for c in calls if c[0] == "pending"][3:] == list(range(4, 10))


def test_searcher_data_all_myopic():
    searcher, _ = _mf("all", [(1, 0.5)], register_pending_myopic=True)
    assert searcher.take("pending") == [("pending", "0", 1), ("pending", "0", 2)]


def test_searcher_data_rungs_and_last():
    searcher, _ = _mf("rungs_and_last", [(epoch, 0.5) for epoch in (1, 2, 3, 4)])
    calls = [c for c in searcher.take() if c[0] in ("result", "remove")]
    assert calls == [("result", "0", 1, True),
                     ("remove", "0", {"epoch": 1}), ("result", "0", 2, True),
                     ("remove", "0", {"epoch": 2}), ("result", "0", 3, True),
                     ("result", "0", 4, True)]  # 3 is a rung: kept


def test_no_repeated_update_at_same_resource():
    searcher, _ = _mf("all", [(1, 0.5), (1, 0.4)])  # e.g. a restart without checkpoint
    assert [c[3] for c in searcher.take("result")] == [True, False]


def test_resume_registers_pending_from_pause_point():
    searcher = RecordingSearcher()
    scheduler = make("promotion", searcher=searcher, searcher_data="all", max_t=9)
    play(scheduler, [("new", 0), (0, 1, 0.1, P), ("new", 1), (1, 1, 0.5, P), ("new", 2), (2, 1, 0.6, P),
                     ("resume", 0, 3)])
    assert searcher.calls[-3:] == [("cleanup", "0"), ("pending", "0", 2), ("pending", "0", 3)]


def test_complete_updates_once_and_cleans_up():
    searcher = RecordingSearcher()
    scheduler = make(searcher=searcher, grace_period=3, max_t=27, searcher_data="rungs")
    run = play(scheduler, [("new", 0), (0, 1, 0.5, C), (0, 2, 0.5, C), ("new", 1)],  # 0 completes: 1 starts
               keep_running=lambda t: t != 0)
    calls = searcher.take()
    done = calls.index(("result", "0", 2, False)) + 1
    assert calls[done:done + 2] == [("result", "0", 2, True), ("cleanup", "0")]
    # Direct call: the Tuner reports a completion once; a second one must not update the searcher again.
    scheduler.on_trial_complete(run.trial(0), {"epoch": 2, "value": 0.5})
    assert searcher.take() == [("cleanup", "0")]


def test_stop_and_error_clean_up_pending():
    searcher = RecordingSearcher()
    scheduler = make(searcher=searcher, max_t=3)
    play(scheduler, [("new", 0), (0, 3, 0.5, S), ("new", 1), ("new", 2)], fail=[1])  # trial 1 fails at once
    calls = searcher.take()
    assert ("cleanup", "0") in calls[:calls.index(("pending", "1", 1))]
    assert ("failed", "1") in calls
    assert scheduler.trial_status(1) == "done"


# --- bad reports ---------------------------------------------------------------------------------

@pytest.mark.parametrize("epoch", [0, -1, 2.5, "3", None, float("nan"), True])
def test_bad_resource_is_ignored_with_clear_message(epoch, caplog):
    searcher = RecordingSearcher()
    with caplog.at_level(logging.WARNING):
        play(make(searcher=searcher), [("new", 0), (0, epoch, 0.5, C), (0, epoch, 0.5, C),
                                       (0, 1, 0.5, C)])  # later good reports are used
    calls = searcher.take()
    assert calls[:3] == [("cleanup", "0"), ("pending", "0", 1), ("result", "0", 1, True)]  # nothing from the bad ones
    messages = [r.getMessage() for r in caplog.records if "positive integer" in r.getMessage()]
    assert len(messages) == 1 and "'epoch'" in messages[0] and "Trial 0" in messages[0]


def test_missing_resource_is_reported_by_name(caplog):
    play(make(), [("new", 0), (0, None, 0.3, C)], script={0: [(1.0, {"value": 0.3})]})
    assert "without 'epoch'. HyperbandScheduler(resource_attr='epoch') needs it" in caplog.text


def test_integral_float_resource_is_accepted():
    play(make(max_t=3), [("new", 0), (0, 3.0, 0.5, S), ("new", 1)])


def test_missing_metric_names_it():
    # A report is checked once, where it enters: the Tuner fails such a trial; without a Tuner, ask/tell refuses it.
    ask_tell = AskTellScheduler(make())
    trial = ask_tell.ask()
    with pytest.raises(ValueError, match="without 'value'"):
        ask_tell.tell(trial, {"epoch": 1})


@pytest.mark.parametrize("type", TYPES)
@pytest.mark.parametrize("value", ["0.3", None, True, [0.3]])
def test_metric_that_is_not_a_number_is_a_clear_error(type, value):
    ask_tell = AskTellScheduler(make(type))
    trial = ask_tell.ask()
    with pytest.raises(ValueError, match=r"Trial 0 reported value=.*real number.*'epoch', 'value'"):
        ask_tell.tell(trial, {"epoch": 1, "value": value})
    assert ask_tell.tell(trial, {"epoch": 1, "value": 0.5}) in (C, P)  # the scheduler is unharmed


def test_skipped_rungs_warn_and_continue(caplog):
    run = play(make("promotion"), [("new", 0), (0, 2, 0.5, C), (0, 5, 0.5, C), (0, 9, 0.5, P), ("new", 1)])
    assert "reported resource 2 but never reported at rung level(s) [1]" in caplog.text
    assert "reported resource 5 but never reported at rung level(s) [3]" in caplog.text
    assert run.scheduler.rung_system().rungs[2].losses == {0: 0.5}


def test_unknown_trial_is_stopped():
    scheduler = make()
    assert scheduler.on_trial_result(Trial(5, {"x": 0.1}), {"epoch": 1, "value": 1.0}) == S


# --- whole runs, pickling, reproducibility -------------------------------------------------------

class _Curves:
    """Script of the whole-run tests: each trial reports ``value(x, epoch)`` at epochs 1, 2, ...,
    each epoch taking 0.5-1.5 simulated seconds (seeded per trial), so the workers' reports interleave."""

    def __init__(self, value=None, sign: float = 1.0):
        self.value, self.sign = value, sign

    def __call__(self, trial_id, config):
        times = np.cumsum(np.random.RandomState(trial_id).uniform(0.5, 1.5, 81))
        value = self.value or (lambda x, epoch: x + 1.0 / epoch)
        return [(float(t), {"epoch": epoch, "value": self.sign * float(value(config["x"], epoch))})
                for epoch, t in enumerate(times, start=1)]


def _simulate(scheduler, steps=300, curves=None):
    """The Tuner with 3 workers until ``steps`` reports; returns its log (starts, resumes, reports)."""
    return play(scheduler, [], n_workers=3, check=False, script=curves or _Curves(),
                until=lambda log: sum(1 for row in log if isinstance(row[0], int)) >= steps).log


@pytest.mark.parametrize("type", TYPES)
def test_full_loop_and_dill_roundtrip(type, tmp_path):
    from syne_tune import StoppingCriterion, Tuner

    scheduler = make(type, max_t=27, brackets=2, searcher="random",
                     rung_system_kwargs={"epsilon": 0.01} if type == "pasha" else None)
    run = play(scheduler, [], n_workers=3, check=False, script=_Curves(), until=lambda log: len(log) >= 200)
    copy = shutil.copytree(run.tuner.tuner_path, tmp_path / "copy")
    logs = []
    for path in (run.tuner.tuner_path, copy):  # two tuners from tuner.dill go on alike
        tuner = Tuner.load(path)
        assert tuner.scheduler is not scheduler
        tuner.stop_criterion = StoppingCriterion(max_num_evaluations=400)
        tuner.run()
        logs.append(tuner.callbacks[0].log)
    assert len(logs[0]) > 300 and logs[0] == logs[1]


@pytest.mark.parametrize("type", TYPES)
def test_same_seed_same_run(type):
    def run(seed):
        return _simulate(make(type, max_t=27, searcher="random", random_seed=seed), steps=150)

    assert run(3) == run(3)
    assert run(3) != run(4)


@pytest.mark.parametrize("type", TYPES)
def test_epochs_never_exceed_max_t_and_pausing_types_pause(type):
    log = _simulate(make(type, max_t=9, searcher="random"), steps=400)
    reports = [row for row in log if isinstance(row[0], int)]
    decisions = Counter(row[3] for row in reports)
    assert max(row[1] for row in reports) <= 9
    assert all(d == S for t, e, v, d in reports if e == 9)
    if type == "stopping":
        assert decisions[P] == 0 and decisions[S] > 0
    else:
        assert decisions[P] > 0 and any(row[0] == "resume" for row in log)


# --- NaN, +inf and -inf metric values are the worst, in both modes ------------------------------

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("type", TYPES)
@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_non_finite_value_is_the_worst(type, mode, bad):
    not_continue = P if type != "stopping" else S
    # 3 workers; the Tuner logs each value after the scheduler's call: it never mutates a report.
    run = play(make(type, mode=mode), [
        ("new", 0), ("new", 1), ("new", 2),
        (0, 1, bad, not_continue), ("new", 3), (1, 1, bad, not_continue), ("new", 4),
        (2, 1, bad, not_continue), ("new", 5),
        (3, 1, 0.5, C), (4, 1, 0.4, C), (5, 1, 0.3, C),   # better than every diverged trial
        ("new", 6),  # trial 5 ended by itself; diverged trials are never resumed: a new trial starts
    ], mode=mode, n_workers=3, keep_running=lambda t: t != 5)
    rung = run.scheduler.rung_system().rungs[0]
    assert rung.sorted_losses[3:] == [INF] * 3 and all(rung.losses[t] == INF for t in range(3))


@pytest.mark.parametrize("type", TYPES)
@pytest.mark.parametrize("mode", ["min", "max"])
def test_diverged_trial_ends_at_its_first_milestone_in_every_bracket(type, mode):
    scheduler = make(type, mode=mode, brackets=3, rung_system_per_bracket=True, random_seed=2)
    calls = scheduler.searcher.calls
    first = {}

    def curve(trial_id, config):
        first[trial_id] = [c for c in calls if c[0] == "pending" and c[1] == str(trial_id)][-1][2]
        return [(float(epoch), {"epoch": epoch, "value": NAN}) for epoch in range(1, first[trial_id] + 1)]

    log = play(scheduler, [], check=False, script=curve, until=lambda log: sum(r[0] == "new" for r in log) > 40).log
    reports = [row for row in log if isinstance(row[0], int)]
    assert [(t, e) for t, e, v, d in reports] == [(t, e) for t in range(40) for e in range(1, first[t] + 1)]
    assert all((d == C) == (e < first[t]) for t, e, v, d in reports)
    assert set(first.values()) == {1, 3, 9}
    for bracket in range(3):
        assert all(loss == INF for rung in scheduler.rung_system(bracket).rungs for loss in rung.sorted_losses)


def _diverging(x, epoch):
    """Trials with x < 0.3 diverge (NaN, then inf) after two epochs; -inf for x > 0.9."""
    if x < 0.3 and epoch > 2:
        return NAN if epoch % 2 else INF
    return -INF if x > 0.9 else x + 1.0 / epoch


@pytest.mark.parametrize("type", TYPES)
@pytest.mark.parametrize("mode", ["min", "max"])
def test_long_run_with_diverging_trials_keeps_rungs_sound(type, mode):
    scheduler = make(type, mode=mode, max_t=27, brackets=2, searcher="random",
                     rung_system_kwargs={"epsilon": 0.01} if type == "pasha" else None)
    log = _simulate(scheduler, 600, _Curves(_diverging, sign=1.0 if mode == "min" else -1.0))
    for system in scheduler._rung_systems:
        for rung in system.rungs:
            assert rung.sorted_losses == sorted(rung.sorted_losses)
            assert not any(loss != loss for loss in rung.sorted_losses)
    if type == "pasha":
        assert all(d == d for d in scheduler.rung_system()._noise_history)
    # a trial that reported a non-finite value at a rung never went past it
    reached = {}
    for entry in log:
        if isinstance(entry[0], int):
            reached[entry[0]] = max(reached.get(entry[0], 0), entry[1])
    diverged = [t for t, r in reached.items() if scheduler._trials[t].config["x"] < 0.3 or
                scheduler._trials[t].config["x"] > 0.9]
    assert diverged and all(reached[t] <= 3 for t in diverged)
