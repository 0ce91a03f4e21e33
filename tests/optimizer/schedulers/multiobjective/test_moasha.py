"""MOASHA decisions on hand-made fronts (played by the real Tuner); multi-objective random search;
metric/mode lists."""
import logging
import math

import pytest
from scripted_tuner import play

from syne_tune.config_space import uniform
from syne_tune.optimizer.baselines import RandomSearch
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler
from syne_tune.optimizer.schedulers.multiobjective import MOASHA
from syne_tune.optimizer.schedulers.ask_tell_scheduler import AskTellScheduler

SPACE = {"x": uniform(0, 1), "epochs": 9}
C, S = SchedulerDecision.CONTINUE, SchedulerDecision.STOP
NAN = math.nan


def make(**kwargs):
    kwargs = {"metric": ["err", "latency"], "mode": ["min", "min"], "resource_attr": "epoch", "random_seed": 0,
              **kwargs}
    return MOASHA(SPACE, **kwargs)


def _started(n):
    return [("new", i) for i in range(n)]


# Rows (trial, epoch, (err, latency), decision); the Tuner with 5 workers starts a trial after each STOP.
TABLE = _started(5) + [
    (0, 1, (0.5, 5.0), C),   # first two: fewer than rf=3 recorded, continue
    (1, 1, (0.9, 1.0), C),
    (2, 1, (0.6, 6.0), S),   # dominated by 0: rank 2 of 3 > 2/3: stop
    ("new", 5),
    (3, 1, (0.1, 9.0), C),   # on the front, best err: rank 0 of 4: continue
    (4, 1, (0.7, 2.0), S),   # on the front (between 0 and 1), third by spread: rank 3 of 5 > 4/3: stop
    ("new", 6),
    (0, 2, (0.4, 5.0), C),   # between rungs: continue
    (0, 3, (0.4, 5.0), C),   # first at rung 3: continue
]


def test_rung_decisions_by_non_dominated_rank():
    scheduler = make()
    assert scheduler.rung_levels == [1, 3, 9]
    play(scheduler, TABLE, n_workers=5)
    assert scheduler.rung_losses(1)[2] == [0.6, 6.0]


def test_max_mode_and_non_finite_values_are_the_worst():
    scheduler = make(mode=["max", "min"])
    # NaN stops even before rf vectors are recorded; 2 is on the front with 0 but second by spread
    # (rank 1 > 2/3); 3 has the best accuracy: rank 0. Values are reported as written (acc, latency).
    play(scheduler, _started(4) + [(0, 1, (0.9, 1.0), C), (1, 1, (NAN, 0.1), S), ("new", 4),
                                   (2, 1, (0.5, 0.5), S), ("new", 5), (3, 1, (0.95, 2.0), C)], n_workers=4)
    assert scheduler.rung_losses(1)[1] == [math.inf, math.inf]
    assert scheduler.rung_losses(1)[0] == [-0.9, 1.0]


def test_max_t_stops_and_the_tuner_checks_every_metric(caplog):
    scheduler = make()
    script = {0: [(1.0, {"epoch": 9, "err": 0.1, "latency": 1.0})], 1: [(2.0, {"epoch": 2, "err": 0.1})]}
    with caplog.at_level(logging.ERROR, logger="syne_tune.tuner"):
        run = play(scheduler, [("new", 0), (0, 9, (0.1, 1.0), S), ("new", 1), (1, 2, (0.1, None), S), ("new", 2)],
                   script=script)
    assert run.tuner.tuning_status.num_trials_failed == 1 and "Trial 1 " in caplog.text and "'latency'" in caplog.text
    # without a Tuner, a report enters through ask/tell, which refuses it the same way
    ask_tell = AskTellScheduler(make())
    with pytest.raises(ValueError, match="'latency'"):
        ask_tell.tell(ask_tell.ask(), {"epoch": 2, "err": 0.1})
    assert scheduler.metric_names() == ["err", "latency"]
    assert scheduler.metric_mode() == "min" and scheduler.metric_modes() == ["min", "min"]


def test_multi_objective_random_search_and_list_arguments():
    scheduler = RandomSearch(SPACE, metric=["err", "latency"], mode=["min", "max"], random_seed=0)
    assert scheduler.metric_names() == ["err", "latency"] and scheduler.metric_modes() == ["min", "max"]
    assert scheduler.metric_mode() == "min"  # Tuner.best_trial ranks by the first metric
    assert FIFOScheduler(SPACE, metric=["a", "b"], mode="max").metric_modes() == ["max", "max"]
    with pytest.raises(ValueError, match="'mode'"):
        FIFOScheduler(SPACE, metric=["a", "b"], mode=["min"])
    with pytest.raises(ValueError, match="MOASHA"):
        FIFOScheduler(SPACE, metric=["a", "b"], searcher="bayesopt")
    with pytest.raises(ValueError, match="MOASHA"):
        HyperbandScheduler(SPACE, metric=["a", "b"], resource_attr="epoch")
    with pytest.raises(ValueError, match="distinct"):
        FIFOScheduler(SPACE, metric=["a", "a"])
    with pytest.raises(ValueError, match="searcher"):
        make(searcher="kde")


def test_the_originals_spelling_runs_through_a_tuner_as_ours_does(_results_root):
    """MOASHA(config_space, metrics=[...], mode=[...], time_attr=..., max_t=...) as in the original's
    0.13 release decides exactly as our spelling does, in simulated time."""
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend.simulator_backend import SimulatorBackend
    from syne_tune.experiments import load_experiment

    class TwoObjectives(SimulatorBackend):
        def _evaluate(self, trial_id, config, checkpoint):
            return [{"step": e, "err": (config["x"] - 0.3) ** 2 + 1.0 / e, "size": config["x"], "t": float(e)}
                    for e in range(1, 10)]

    space = {"x": uniform(0, 1)}
    schedulers = [
        MOASHA(space, metrics=["err", "size"], mode=["min", "max"], time_attr="step", max_t=9, random_seed=0),
        MOASHA(space, ["err", "size"], mode=["min", "max"], time_attr="step", max_t=9, random_seed=0),
        MOASHA(space, metric=["err", "size"], mode=["min", "max"], resource_attr="step", max_t=9, random_seed=0),
    ]
    runs = []
    for scheduler in schedulers:
        assert scheduler.metric_names() == ["err", "size"] and scheduler.resource_attr == "step"
        tuner = Tuner(TwoObjectives("t"), scheduler, StoppingCriterion(max_wallclock_time=60), n_workers=3,
                      progress="off")
        tuner.run()
        results = load_experiment(tuner.name).results
        runs.append(results.groupby("trial_id")["step"].max().tolist())
    assert runs[0] == runs[1] == runs[2]
    assert min(runs[0]) < 9 and max(runs[0]) == 9  # some stopped at a rung, some reached max_t


@pytest.mark.parametrize("kwargs, names", [
    ({"metric": ["a", "b"], "metrics": ["a", "b"]}, ("'metric'", "'metrics'")),
    ({"metric": ["a", "b"], "resource_attr": "epoch", "time_attr": "epoch"}, ("'resource_attr'", "'time_attr'")),
])
def test_both_spellings_of_one_argument_is_an_error_naming_both(kwargs, names):
    with pytest.raises(ValueError) as raised:
        MOASHA(SPACE, **kwargs)
    assert all(name in str(raised.value) for name in names)
