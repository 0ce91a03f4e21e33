"""FIFOScheduler: suggestions, argument and report checks, non-finite values (through the Tuner), pickling."""
import dill
import pytest
from scripted_tuner import play

from syne_tune.config_space import choice, randint, uniform
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers.ask_tell_scheduler import AskTellScheduler
from syne_tune.optimizer.schedulers import FIFOScheduler
from syne_tune.optimizer.schedulers.fifo import infer_max_t

SPACE = {"x": uniform(0, 1), "n": randint(1, 8), "c": choice(["a", "b"]), "epochs": 10}
C = SchedulerDecision.CONTINUE


def _configs(scheduler, n):
    """suggest() alone: the configs the Tuner would start, in its order, without running them."""
    return [scheduler.suggest(i).config for i in range(n)]


def test_first_config_is_the_midpoint_and_constants_are_added():
    config = FIFOScheduler(SPACE, metric="loss", random_seed=1).suggest(0).config
    assert config == {"x": 0.5, "n": 4, "c": "a", "epochs": 10}


def test_points_to_evaluate_empty_list_means_random_from_the_start():
    configs = _configs(FIFOScheduler(SPACE, metric="loss", points_to_evaluate=[], random_seed=1), 3)
    assert {"x": 0.5, "n": 4, "c": "a", "epochs": 10} not in configs


def test_same_seed_same_suggestions_and_different_seed_differs():
    a = _configs(FIFOScheduler(SPACE, metric="loss", random_seed=3), 6)
    b = _configs(FIFOScheduler(SPACE, metric="loss", random_seed=3), 6)
    c = _configs(FIFOScheduler(SPACE, metric="loss", random_seed=4), 6)
    assert a == b and a != c


def test_finite_space_is_exhausted_without_repeats():
    scheduler = FIFOScheduler({"n": randint(1, 3)}, metric="loss", random_seed=0)
    configs = _configs(scheduler, 3)
    assert sorted(c["n"] for c in configs) == [1, 2, 3]
    assert scheduler.suggest(3) is None


@pytest.mark.parametrize("kwargs, name", [
    ({"metric": "loss", "mode": "maximize"}, "mode"),
    ({}, "metric"),
    ({"metric": "loss", "searcher": "gird"}, "searcher"),
    ({"metric": "loss", "grace_perid": 1}, "grace_perid"),
    ({"metric": "loss", "random_seed": -1}, "random_seed"),
    ({"metric": "loss", "max_t": 0}, "max_t"),
    ({"metric": "loss", "search_options": {"num_init_randm": 3}}, "num_init_randm"),
])
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        FIFOScheduler(SPACE, **kwargs)


def test_missing_metric_in_a_report_names_the_trial_and_metric():
    # A report is checked once, where it enters: the Tuner fails such a trial (test_tuner.py); a caller
    # without a Tuner goes through AskTellScheduler.tell, which refuses it.
    ask_tell = AskTellScheduler(FIFOScheduler(SPACE, metric="loss", random_seed=0))
    trial = ask_tell.ask()
    with pytest.raises(ValueError, match=f"Trial {trial.trial_id} .*'loss'"):
        ask_tell.tell(trial, {"epoch": 2})


@pytest.mark.parametrize("searcher", ["random", "bayesopt"])
@pytest.mark.parametrize("value", ["1.0", None, False, [1.0]])
def test_metric_that_is_not_a_number_names_trial_metric_and_keys(searcher, value):
    ask_tell = AskTellScheduler(FIFOScheduler(SPACE, metric="loss", searcher=searcher, random_seed=0))
    trial = ask_tell.ask()
    with pytest.raises(ValueError, match=rf"Trial {trial.trial_id} reported loss=.*'loss'.*real number.*'epoch', 'loss'"):
        ask_tell.tell(trial, {"epoch": 1, "loss": value})
    assert ask_tell.tell(trial, {"epoch": 1, "loss": 0.5}) == SchedulerDecision.CONTINUE  # nothing was harmed


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_random_search_takes_non_finite_values(value):
    scheduler = FIFOScheduler(SPACE, metric="loss", random_seed=0)
    # 2 workers; trials 0 and 1 end after one report (so they complete): the Tuner goes on suggesting
    run = play(scheduler, [("new", 0), ("new", 1), (0, 1, value, C), ("new", 2), (1, 1, 0.5, C), ("new", 3)],
               n_workers=2, keep_running=lambda t: t >= 2)
    assert run.tuner.tuning_status.num_trials_completed == 2 and set(SPACE) <= set(run.trial(3).config)


@pytest.mark.parametrize("points, pattern", [
    ([{"xx": 0.5}], r"points_to_evaluate\[0\] got an unknown key 'xx'. Did you mean 'x'\? Known: c, epochs, n, x"),
    ([{"x": 0.5}, {"lr": 0.1}], r"points_to_evaluate\[1\] got an unknown key 'lr'. Known: c, epochs, n, x"),
    ([{"x": 0.5, "epochs": 3}], r"points_to_evaluate\[0\] sets epochs=3, but config_space fixes 'epochs' to 10"),
])
def test_points_to_evaluate_with_unknown_keys_are_rejected(points, pattern):
    with pytest.raises(ValueError, match=pattern):
        FIFOScheduler(SPACE, metric="loss", points_to_evaluate=points)


def test_points_to_evaluate_may_repeat_a_constant():
    scheduler = FIFOScheduler(SPACE, metric="loss", points_to_evaluate=[{"x": 0.25, "epochs": 10}])
    assert scheduler.suggest(0).config["x"] == 0.25


def test_max_t_inference():
    assert infer_max_t({"epochs": 5}, None, None) == 5
    assert infer_max_t({"max-epochs": 9, "x": uniform(0, 1)}, None, None) == 9
    assert infer_max_t({"epochs": randint(1, 3), "max_t": 14}, None, None) == 14
    assert infer_max_t({"budget": 3, "epochs": 4}, None, "budget") == 3
    assert infer_max_t({"epochs": 5}, 7, None) == 7
    assert infer_max_t({"x": uniform(0, 1)}, None, None) is None


def test_scheduler_pickles():
    scheduler = FIFOScheduler(SPACE, metric="loss", random_seed=0)
    scheduler.suggest(0)
    clone = dill.loads(dill.dumps(scheduler))
    assert clone.suggest(1).config == scheduler.suggest(1).config
