"""The original library's later public scheduler tests (its tst/schedulers/test_schedulers_api.py of
release 0.13), adapted: every later name, built with the original's spelling, goes through
suggest -> add -> results -> error -> complete and survives a dill round trip; synchronous ones in
the original's suggest/collect rounds (its batch_size argument is not taken: it was dropped
before 0.13)."""
from __future__ import annotations

import dill
import pytest

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import choice, randint, uniform
from syne_tune.optimizer.baselines import (
    ASHABORE, BORE, DEHB, MOASHA, REA, GridSearch, HyperTune, SyncMOBSTER,
)
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler

CONFIG_SPACE = {"steps": 100, "x": randint(0, 20), "y": uniform(0, 1), "z": choice(["a", "b", "c"])}
METRIC1, METRIC2, RESOURCE_ATTR, MAX_T, BATCH = "objective1", "objective2", "step", 10, 4
DECISIONS = (SchedulerDecision.CONTINUE, SchedulerDecision.PAUSE, SchedulerDecision.STOP)


def _async_schedulers():
    mf = dict(resource_attr=RESOURCE_ATTR, max_t=MAX_T)
    return {
        "FIFO grid": lambda: FIFOScheduler(CONFIG_SPACE, searcher="grid", metric=METRIC1),
        "HB grid": lambda: HyperbandScheduler(CONFIG_SPACE, searcher="grid", metric=METRIC1, **mf),
        "HB hypertune": lambda: HyperbandScheduler(CONFIG_SPACE, searcher="hypertune", metric=METRIC1, brackets=2,
                                                   **mf),
        "GridSearch": lambda: GridSearch(CONFIG_SPACE, metric=METRIC1, search_options={"num_samples": {"y": 2}}),
        "REA": lambda: REA(config_space=CONFIG_SPACE, metric=METRIC1, population_size=1, sample_size=2),
        "BORE": lambda: BORE(CONFIG_SPACE, metric=METRIC1, random_seed=1),
        "ASHABORE": lambda: ASHABORE(CONFIG_SPACE, metric=METRIC1, random_seed=1, **mf),
        "HyperTune": lambda: HyperTune(CONFIG_SPACE, metric=METRIC1, **mf),
        "MOASHA": lambda: MOASHA(CONFIG_SPACE, time_attr=RESOURCE_ATTR, metrics=[METRIC1, METRIC2], max_t=MAX_T),
    }


def _sync_schedulers():
    from syne_tune.optimizer.schedulers.synchronous import GeometricDifferentialEvolutionHyperbandScheduler
    from syne_tune.optimizer.schedulers.synchronous.hyperband_impl import SynchronousGeometricHyperbandScheduler

    common = dict(config_space=CONFIG_SPACE, max_resource_level=MAX_T, brackets=3, resource_attr=RESOURCE_ATTR,
                  metric=METRIC1, max_resource_attr="steps")
    return {
        "SyncGeomHB": lambda: SynchronousGeometricHyperbandScheduler(**common),
        "SyncGeomHB kde": lambda: SynchronousGeometricHyperbandScheduler(searcher="kde", **common),
        "SyncGeomHB bayesopt": lambda: SynchronousGeometricHyperbandScheduler(searcher="bayesopt", **common),
        "GeomDEHB": lambda: GeometricDifferentialEvolutionHyperbandScheduler(
            searcher="random_encoded", search_options={"debug_log": False}, mutation_factor=None,
            crossover_probability=None, **common),
        "DEHB": lambda: DEHB(CONFIG_SPACE, metric=METRIC1, resource_attr=RESOURCE_ATTR, max_resource_level=MAX_T),
        "SyncMOBSTER": lambda: SyncMOBSTER(CONFIG_SPACE, metric=METRIC1, resource_attr=RESOURCE_ATTR,
                                           max_resource_attr="steps", max_resource_level=MAX_T),
    }


def _metrics(t, x):
    return {RESOURCE_ATTR: t, METRIC1: x, METRIC2: -x}


@pytest.mark.parametrize("name", list(_async_schedulers()))
def test_async_schedulers_api(name, tmp_path):
    scheduler = _async_schedulers()[name]()
    assert scheduler.metric_names() == ([METRIC1, METRIC2] if name == "MOASHA" else [METRIC1])
    assert scheduler.metric_mode() == "min"
    trials = []
    for i in range(4):
        suggestion = scheduler.suggest(i)
        assert set(CONFIG_SPACE) <= set(suggestion.config), "a suggestion holds every key of the config space"
        trials.append(Trial(trial_id=i, config=suggestion.config, creation_time=None))
    for trial in trials:
        scheduler.on_trial_add(trial=trial)
    for i, trial in enumerate(trials):
        for t in range(1, MAX_T + 1):
            assert scheduler.on_trial_result(trial, _metrics(t, i)) in DECISIONS
    scheduler.on_trial_error(trials[0])
    for i, trial in enumerate(trials):
        scheduler.on_trial_complete(trial, _metrics(MAX_T, i))
    path = tmp_path / "scheduler.dill"
    path.write_bytes(dill.dumps(scheduler))
    assert dill.loads(path.read_bytes()).suggest(10) is not None


@pytest.mark.parametrize("name", list(_sync_schedulers()))
def test_sync_schedulers_api(name, tmp_path):
    """Suggest BATCH jobs, then collect their results (the last trial of the first round fails)."""
    scheduler = _sync_schedulers()[name]()
    assert scheduler.metric_names() == [METRIC1] and scheduler.metric_mode() == "min"
    assert scheduler.max_t == MAX_T
    all_trials, next_trial_id, resumed = {}, 0, 0
    for _ in range(3):
        batch = []
        for trial_id in range(next_trial_id, next_trial_id + BATCH):
            suggestion = scheduler.suggest(trial_id)
            assert set(CONFIG_SPACE) <= set(suggestion.config)
            if suggestion.spawn_new_trial_id:
                trial = Trial(trial_id=trial_id, config=suggestion.config, creation_time=None)
                scheduler.on_trial_add(trial=trial)
                all_trials[trial_id] = trial
            else:
                resumed += 1
                trial = all_trials[suggestion.checkpoint_trial_id]
            batch.append(trial)
        next_trial_id += BATCH
        running = {trial.trial_id: True for trial in batch}
        for t in range(1, MAX_T + 1):
            for i, trial in enumerate(batch):
                if not running[trial.trial_id]:
                    continue
                if t == 1 and i == BATCH - 1:
                    scheduler.on_trial_error(trial)
                    running[trial.trial_id] = False
                    continue
                decision = scheduler.on_trial_result(trial, _metrics(t, i))
                assert decision in DECISIONS
                running[trial.trial_id] = decision == SchedulerDecision.CONTINUE
    path = tmp_path / "scheduler.dill"
    path.write_bytes(dill.dumps(scheduler))
    assert dill.loads(path.read_bytes()).suggest(next_trial_id) is not None


def test_max_resource_level_and_max_t_must_agree():
    from syne_tune.optimizer.baselines import SyncHyperband

    with pytest.raises(ValueError, match="max_resource_level"):
        SyncHyperband(CONFIG_SPACE, metric=METRIC1, resource_attr=RESOURCE_ATTR, max_t=9, max_resource_level=10)
    assert SyncHyperband(CONFIG_SPACE, metric=METRIC1, resource_attr=RESOURCE_ATTR, max_t=9,
                         max_resource_level=9).max_t == 9


def test_the_later_names_are_rows_of_baselines_dict():
    from syne_tune.optimizer.baselines import baselines_dict

    for name in ("Grid Search", "REA", "BORE", "ASHABORE", "DEHB", "HyperTune", "SyncMOBSTER", "MOASHA"):
        assert name in baselines_dict
