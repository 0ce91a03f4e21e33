"""MOASHA's multiobjective_priority (the original's three priorities) and its max_t default of 100."""
import numpy as np
import pytest

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import uniform
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers.multiobjective import (
    MOASHA, FixedObjectivePriority, LinearScalarizationPriority, NonDominatedPriority,
)
from syne_tune.optimizer.schedulers.multiobjective.priority import rank_of_last

Y = np.array([[3.0, 3.0], [0.0, 0.0], [4.0, 4.0], [1.0, 1.0]])


def test_priorities_lower_is_better():
    assert LinearScalarizationPriority(weights=[1.0, 3.0])(Y).tolist() == [6.0, 0.0, 8.0, 2.0]
    assert FixedObjectivePriority(dim=1)(np.array([[1.0, 5.0], [2.0, 4.0]])).tolist() == [5.0, 4.0]
    assert NonDominatedPriority()(Y).tolist() == [2.0, 0.0, 3.0, 1.0]


def test_the_newest_point_is_ranked_by_its_true_position():
    # the original read NonDominatedPriority's index list as ranks: 0.5 for this point instead of 0.25
    assert rank_of_last(NonDominatedPriority(), Y) == 1
    assert rank_of_last(FixedObjectivePriority(), np.array([[1.0, 0.0], [1.0, 9.0], [2.0, 0.0]])) == 2


def _report(scheduler, trial_id, values):
    return scheduler.on_trial_result(Trial(trial_id, {"x": 0.5}), {"epoch": 1, "err": values[0], "size": values[1]})


def test_moasha_ranks_with_the_given_priority():
    space = {"x": uniform(0, 1)}
    by_size = MOASHA(space, metrics=["err", "size"], mode=["min", "min"], time_attr="epoch", random_seed=0,
                     multiobjective_priority=FixedObjectivePriority(dim=1))
    by_default = MOASHA(space, metrics=["err", "size"], mode=["min", "min"], time_attr="epoch", random_seed=0)
    decisions = []
    for scheduler in (by_size, by_default):
        for t in range(4):
            scheduler.suggest(t)
        for t, values in enumerate([(0.5, 5.0), (0.9, 1.0), (0.6, 6.0)]):
            last = _report(scheduler, t, values)
        decisions.append(last)
        decisions.append(_report(scheduler, 3, (0.1, 7.0)))  # best err, worst size
    assert decisions == [SchedulerDecision.STOP, SchedulerDecision.STOP,  # (0.6, 6): dominated either way
                         SchedulerDecision.STOP, SchedulerDecision.CONTINUE]  # size-only: stop; Pareto: on the front


def test_max_t_defaults_to_100_as_in_the_original():
    scheduler = MOASHA({"x": uniform(0, 1)}, metrics=["err", "size"], random_seed=0)
    assert scheduler.max_t == 100 and scheduler.rung_levels[-1] == 100
    assert MOASHA({"x": uniform(0, 1), "epochs": 9}, metrics=["err", "size"]).max_t == 9


@pytest.mark.parametrize("kwargs, match", [
    ({"multiobjective_priority": "nondominated"}, "'multiobjective_priority' argument of MOASHA must be an MOPriority"),
])
def test_bad_priority_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MOASHA({"x": uniform(0, 1)}, metrics=["err", "size"], **kwargs)


def test_unsupported_sampling_is_refused_not_ignored():
    with pytest.raises(ValueError, match="'max_num_samples'"):
        NonDominatedPriority(max_num_samples=10)
