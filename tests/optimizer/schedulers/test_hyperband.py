"""HyperbandScheduler: arguments, max_t inference, brackets, searcher_data, bad reports, pickling."""
import logging
from collections import Counter

import dill
import pytest
from scheduler_driver import SPACE, Driver, RecordingSearcher, make

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import randint, uniform
from syne_tune.optimizer.schedulers import HyperbandScheduler

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
    driver = Driver(scheduler)
    brackets = {}
    for trial_id in range(40):
        driver.new(trial_id)
        first = scheduler.searcher.take("pending")[0][2]
        brackets[trial_id] = [1, 3].index(first)
        driver.report(trial_id, first, 0.01 * trial_id)
        scheduler.searcher.take()
    assert set(brackets.values()) == {0, 1}
    assert scheduler.rung_system(1).levels == ((3, 9, 27, 81) if per_bracket else (1, 3, 9, 27, 81))
    at_rung_3 = set(scheduler.rung_system(1).rungs[0 if per_bracket else 1].losses)
    assert at_rung_3 == {t for t, b in brackets.items() if b == 1}
    if per_bracket:  # bracket 0 trials never see bracket 1 values
        assert not scheduler.rung_system(0).rungs[1].losses


# --- searcher_data and pending evaluations -------------------------------------------------------

def _mf(searcher_data, **kwargs):
    searcher = RecordingSearcher()
    scheduler = make(searcher=searcher, grace_period=3, max_t=27, searcher_data=searcher_data, **kwargs)
    driver = Driver(scheduler)
    driver.new(0)
    return searcher, driver


def test_searcher_data_rungs():
    searcher, driver = _mf("rungs")
    assert searcher.take() == [("cleanup", "0"), ("pending", "0", 3)]
    for epoch in (1, 2, 3, 4):
        assert driver.report(0, epoch, 0.5) == C
    assert searcher.take() == [("result", "0", 1, False), ("result", "0", 2, False), ("result", "0", 3, True),
                               ("cleanup", "0"), ("pending", "0", 9), ("result", "0", 4, False)]


def test_searcher_data_all():
    searcher, driver = _mf("all")
    assert searcher.take("pending") == [("pending", "0", r) for r in (1, 2, 3)]
    for epoch in (1, 2, 3):
        driver.report(0, epoch, 0.5)
    calls = searcher.take()
    assert [c for c in calls if c[0] == "result"] == [("result", "0", r, True) for r in (1, 2, 3)]
    assert [c[2] for c in calls if c[0] == "pending"] == list(range(4, 10))


def test_searcher_data_all_myopic():
    searcher, driver = _mf("all", register_pending_myopic=True)
    assert searcher.take("pending") == [("pending", "0", 1)]
    driver.report(0, 1, 0.5)
    assert searcher.take("pending") == [("pending", "0", 2)]


def test_searcher_data_rungs_and_last():
    searcher, driver = _mf("rungs_and_last")
    searcher.take()
    for epoch in (1, 2, 3, 4):
        driver.report(0, epoch, 0.5)
    calls = [c for c in searcher.take() if c[0] in ("result", "remove")]
    assert calls == [("result", "0", 1, True),
                     ("remove", "0", {"epoch": 1}), ("result", "0", 2, True),
                     ("remove", "0", {"epoch": 2}), ("result", "0", 3, True),
                     ("result", "0", 4, True)]  # 3 is a rung: kept


def test_no_repeated_update_at_same_resource():
    searcher, driver = _mf("all")
    driver.report(0, 1, 0.5)
    driver.report(0, 1, 0.4)  # e.g. a restart without checkpoint
    assert [c[3] for c in searcher.take("result")] == [True, False]


def test_resume_registers_pending_from_pause_point():
    searcher = RecordingSearcher()
    scheduler = make("promotion", searcher=searcher, searcher_data="all", max_t=9)
    driver = Driver(scheduler)
    driver.run_table([("new", 0), (0, 1, 0.1, P), ("new", 1), (1, 1, 0.5, P), ("new", 2), (2, 1, 0.6, P)])
    searcher.take()
    assert driver.resume().checkpoint_trial_id == 0
    assert searcher.take() == [("cleanup", "0"), ("pending", "0", 2), ("pending", "0", 3)]


def test_complete_updates_once_and_cleans_up():
    searcher, driver = _mf("rungs")
    driver.report(0, 1, 0.5)
    driver.report(0, 2, 0.5)
    searcher.take()
    driver.scheduler.on_trial_complete(driver.trials[0], {"epoch": 2, "value": 0.5})
    assert searcher.take() == [("result", "0", 2, True), ("cleanup", "0")]
    driver.scheduler.on_trial_complete(driver.trials[0], {"epoch": 2, "value": 0.5})
    assert searcher.take() == [("cleanup", "0")]


def test_stop_and_error_clean_up_pending():
    searcher = RecordingSearcher()
    driver = Driver(make(searcher=searcher, max_t=3))
    driver.new(0)
    searcher.take()
    assert driver.report(0, 3, 0.5) == S
    assert ("cleanup", "0") in searcher.take()
    driver.new(1)
    searcher.take()
    driver.scheduler.on_trial_error(driver.trials[1])
    assert ("failed", "1") in searcher.take()
    assert driver.scheduler.trial_status(1) == "done"


# --- bad reports ---------------------------------------------------------------------------------

@pytest.mark.parametrize("epoch", [0, -1, 2.5, "3", None, float("nan"), True])
def test_bad_resource_is_ignored_with_clear_message(epoch, caplog):
    searcher = RecordingSearcher()
    driver = Driver(make(searcher=searcher))
    driver.new(0)
    searcher.take()
    with caplog.at_level(logging.WARNING):
        assert driver.report(0, epoch, 0.5) == C
        assert driver.report(0, epoch, 0.5) == C
    assert searcher.take() == []
    messages = [r.getMessage() for r in caplog.records if "positive integer" in r.getMessage()]
    assert len(messages) == 1 and "'epoch'" in messages[0] and "Trial 0" in messages[0]
    assert driver.report(0, 1, 0.5) == C  # later good reports are used
    assert searcher.take("result") == [("result", "0", 1, True)]


def test_missing_resource_is_reported(caplog):
    driver = Driver(make())
    driver.new(0)
    decision = driver.scheduler.on_trial_result(driver.trials[0], {"value": 0.3})
    assert decision == C and "without it" in caplog.text


def test_integral_float_resource_is_accepted():
    driver = Driver(make(max_t=3))
    driver.new(0)
    assert driver.report(0, 3.0, 0.5) == S


def test_missing_metric_names_it():
    driver = Driver(make())
    driver.new(0)
    with pytest.raises(ValueError, match="without 'value'"):
        driver.scheduler.on_trial_result(driver.trials[0], {"epoch": 1})


@pytest.mark.parametrize("type", TYPES)
@pytest.mark.parametrize("value", ["0.3", None, True, [0.3]])
def test_metric_that_is_not_a_number_is_a_clear_error(type, value):
    driver = Driver(make(type))
    driver.new(0)
    with pytest.raises(ValueError, match=r"Trial 0 reported value=.*real number.*'epoch', 'value'"):
        driver.scheduler.on_trial_result(driver.trials[0], {"epoch": 1, "value": value})
    with pytest.raises(ValueError, match="Trial 0"):
        driver.scheduler.on_trial_complete(driver.trials[0], {"epoch": 1, "value": value})
    assert driver.report(0, 1, 0.5) in (C, P)  # the scheduler is unharmed


def test_skipped_rungs_warn_and_continue(caplog):
    driver = Driver(make("promotion"))
    driver.new(0)
    assert driver.report(0, 2, 0.5) == C
    assert "reported resource 2 but never reported at rung level(s) [1]" in caplog.text
    assert driver.report(0, 5, 0.5) == C
    assert "reported resource 5 but never reported at rung level(s) [3]" in caplog.text
    assert driver.report(0, 9, 0.5) == P
    assert driver.scheduler.rung_system().rungs[2].losses == {0: 0.5}


def test_unknown_trial_is_stopped():
    scheduler = make()
    assert scheduler.on_trial_result(Trial(5, {"x": 0.1}), {"epoch": 1, "value": 1.0}) == S


# --- whole runs, pickling, reproducibility -------------------------------------------------------

class _Loop:
    """A tiny tuner loop with 3 workers; ``run`` returns the decisions and suggestions it made."""

    def __init__(self, scheduler, value=lambda x, epoch: x + 1.0 / epoch):
        self.scheduler, self.value = scheduler, value
        self.running, self.epochs, self.configs, self.next_id = {}, {}, {}, 0

    def run(self, steps, seed=0):
        import numpy as np

        rng, log, scheduler = np.random.RandomState(seed), [], self.scheduler
        for _ in range(steps):
            while len(self.running) < 3:
                suggestion = scheduler.suggest(self.next_id)
                if suggestion.spawn_new_trial_id:
                    trial_id, self.next_id = self.next_id, self.next_id + 1
                    self.configs[trial_id], self.epochs[trial_id] = suggestion.config, 0
                    scheduler.on_trial_add(Trial(trial_id, suggestion.config))
                else:
                    trial_id = suggestion.checkpoint_trial_id
                self.running[trial_id] = Trial(trial_id, self.configs[trial_id])
                log.append(("suggest", trial_id))
            trial_id = sorted(self.running)[rng.randint(len(self.running))]
            self.epochs[trial_id] += 1
            epoch, x = self.epochs[trial_id], self.configs[trial_id]["x"]
            decision = scheduler.on_trial_result(self.running[trial_id], {"epoch": epoch, "value": self.value(x, epoch)})
            log.append((trial_id, epoch, decision))
            if decision != C:
                scheduler.on_trial_remove(self.running.pop(trial_id))
        return log


def _simulate(scheduler, steps=300, seed=0):
    return _Loop(scheduler).run(steps, seed)


@pytest.mark.parametrize("type", TYPES)
def test_full_loop_and_dill_roundtrip(type):
    scheduler = make(type, max_t=27, brackets=2, searcher="random",
                     rung_system_kwargs={"epsilon": 0.01} if type == "pasha" else None)
    loop = _Loop(scheduler)
    loop.run(200)
    clone = dill.loads(dill.dumps(loop))
    assert clone.scheduler is not scheduler
    assert clone.run(200, seed=1) == loop.run(200, seed=1)


@pytest.mark.parametrize("type", TYPES)
def test_same_seed_same_run(type):
    def run(seed):
        return _simulate(make(type, max_t=27, searcher="random", random_seed=seed), steps=150)

    assert run(3) == run(3)
    assert run(3) != run(4)


@pytest.mark.parametrize("type", TYPES)
def test_epochs_never_exceed_max_t_and_pausing_types_pause(type):
    log = _simulate(make(type, max_t=9, searcher="random"), steps=400)
    decisions = Counter(entry[2] for entry in log if len(entry) == 3)
    assert max(entry[1] for entry in log if len(entry) == 3) <= 9
    assert all(d == S for t, e, d in (x for x in log if len(x) == 3) if e == 9)
    if type == "stopping":
        assert decisions[P] == 0 and decisions[S] > 0
    else:
        assert decisions[P] > 0 and ("suggest", 0) in log


# --- NaN, +inf and -inf metric values are the worst, in both modes ------------------------------

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("type", TYPES)
@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("bad", [NAN, INF, -INF])
def test_non_finite_value_is_the_worst(type, mode, bad):
    driver = Driver(make(type, mode=mode), mode=mode)
    not_continue = P if type != "stopping" else S
    for t in range(3):
        driver.new(t)
        result = {"epoch": 1, "value": bad}
        assert driver.scheduler.on_trial_result(driver.trials[t], result) == not_continue
        driver.scheduler.on_trial_remove(driver.trials[t])
        assert result == {"epoch": 1, "value": bad} and result["value"] is bad  # the scheduler never mutates it
    for t, loss in zip(range(3, 6), [0.5, 0.4, 0.3]):
        driver.new(t)
        assert driver.report(t, 1, loss) == C  # better than every diverged trial
    rung = driver.scheduler.rung_system().rungs[0]
    assert rung.sorted_losses[3:] == [INF] * 3 and all(rung.losses[t] == INF for t in range(3))
    if type != "stopping":  # diverged trials are never resumed: a new trial starts
        assert driver.scheduler.suggest(6).spawn_new_trial_id


@pytest.mark.parametrize("type", TYPES)
@pytest.mark.parametrize("mode", ["min", "max"])
def test_diverged_trial_ends_at_its_first_milestone_in_every_bracket(type, mode):
    scheduler = make(type, mode=mode, brackets=3, rung_system_per_bracket=True, random_seed=2)
    driver, searcher, seen = Driver(scheduler, mode=mode), scheduler.searcher, set()
    for t in range(40):
        driver.new(t)
        first = searcher.take("pending")[-1][2]
        seen.add(first)
        for epoch in range(1, first):
            assert scheduler.on_trial_result(driver.trials[t], {"epoch": epoch, "value": NAN}) == C
        assert scheduler.on_trial_result(driver.trials[t], {"epoch": first, "value": NAN}) != C
        scheduler.on_trial_remove(driver.trials[t])
    assert seen == {1, 3, 9}
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
    value = _diverging if mode == "min" else (lambda x, epoch: -_diverging(x, epoch))
    scheduler = make(type, mode=mode, max_t=27, brackets=2, searcher="random",
                     rung_system_kwargs={"epsilon": 0.01} if type == "pasha" else None)
    log = _Loop(scheduler, value).run(600)
    for system in scheduler._rung_systems:
        for rung in system.rungs:
            assert rung.sorted_losses == sorted(rung.sorted_losses)
            assert not any(loss != loss for loss in rung.sorted_losses)
    if type == "pasha":
        assert all(d == d for d in scheduler.rung_system()._noise_history)
    # a trial that reported a non-finite value at a rung never went past it
    reached = {}
    for entry in log:
        if len(entry) == 3:
            reached[entry[0]] = max(reached.get(entry[0], 0), entry[1])
    diverged = [t for t, r in reached.items() if scheduler._trials[t].config["x"] < 0.3 or
                scheduler._trials[t].config["x"] > 0.9]
    assert diverged and all(reached[t] <= 3 for t in diverged)
