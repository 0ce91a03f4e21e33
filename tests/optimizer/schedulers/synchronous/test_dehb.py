"""DEHB (DifferentialEvolutionHyperbandScheduler): Hyperband promotions in the first iteration,
DE children (new trials, started from scratch) afterwards, DE selection per rung level; and the
DEHB baseline end to end through the Tuner in simulated time."""
import math

import numpy as np
import pytest

from benchmarking import comparison as compare_methods
from benchmarking.methods import METHODS
from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.trial_status import Trial
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import randint, uniform
from syne_tune.optimizer.baselines import DEHB
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers.synchronous import GeometricDifferentialEvolutionHyperbandScheduler
from syne_tune.optimizer.schedulers.synchronous.dehb import DifferentialEvolutionHyperbandScheduler, Subpopulation

SPACE = {"x": uniform(0.0, 1.0), "y": uniform(0.0, 1.0), "epochs": 9}


def make(**kwargs):
    kwargs = {"metric": "loss", "resource_attr": "epoch", "max_resource_attr": "epochs", "random_seed": 1,
              "points_to_evaluate": [], **kwargs}
    return DifferentialEvolutionHyperbandScheduler(SPACE, **kwargs)


def loss_of(config: dict) -> float:
    return (config["x"] - 0.3) ** 2 + (config["y"] - 0.7) ** 2


def drive(scheduler, num_jobs: int, check=None) -> list[tuple]:
    """One worker: each job runs to its level (``config['epochs']``) and reports once there.
    Returns (kind, trial_id, level, decision) per job; ``check(scheduler)`` runs after each report."""
    configs, jobs, next_id = {}, [], 0
    for _ in range(num_jobs):
        suggestion = scheduler.suggest(next_id)
        if suggestion.spawn_new_trial_id:
            trial_id, kind = next_id, "new"
            configs[trial_id] = suggestion.config
            next_id += 1
        else:
            trial_id, kind = suggestion.checkpoint_trial_id, "resume"
            configs[trial_id] = {**configs[trial_id], **(suggestion.config or {})}
        level = configs[trial_id]["epochs"]
        decision = scheduler.on_trial_result(Trial(trial_id, configs[trial_id]),
                                             {"epoch": level, "loss": loss_of(configs[trial_id])})
        jobs.append((kind, trial_id, level, decision))
        if check is not None:
            check(scheduler)
    return jobs


def test_subpopulation_targets_in_turn_and_selection_keeps_the_better():
    population = Subpopulation(2)
    assert [population.next_target() for _ in range(3)] == [0, 1, 0]
    assert population.offer(0, np.array([0.1]), 0.5)
    assert not population.offer(0, np.array([0.2]), 0.7)  # worse: the target stays
    assert population.offer(0, np.array([0.3]), 0.5)  # tie: the child replaces it
    assert not population.offer(1, np.array([0.4]), math.inf)  # a failed child never enters
    population.offer(1, np.array([0.9]), 0.1)
    assert [u[0] for u in population.best()] == [0.9, 0.3]


def test_first_iteration_promotes_later_brackets_evolve_new_trials():
    scheduler = make()
    assert scheduler.bracket_rungs == [[(9, 1), (3, 3), (1, 9)], [(5, 3), (2, 9)], [(3, 9)]]
    assert {level: len(p.members) for level, p in scheduler.populations.items()} == {1: 9, 3: 5, 9: 3}
    first = 9 + 3 + 1 + 5 + 2 + 3  # one worker: the first iteration's brackets run one after another
    jobs = drive(scheduler, first + 9 + 3 + 1)
    P, S, C = SchedulerDecision.PAUSE, SchedulerDecision.STOP, SchedulerDecision.CONTINUE
    iteration_1, bracket_3 = jobs[:first], jobs[first:]
    assert [kind for kind, *_ in iteration_1].count("resume") == 3 + 1 + 2
    # bracket 0: 9 new trials paused at 1, the best three resumed to 3, the best one to 9
    best_three = sorted(range(9), key=lambda t: loss_of_trial(scheduler, t))[:3]
    assert [(k, t) for k, t, *_ in iteration_1[9:12]] == [("resume", t) for t in best_three]
    assert [d for *_, d in iteration_1[:12]] == [P] * 12 and iteration_1[12][3] == C
    # bracket 3 (a DE bracket): every slot a new trial, started from scratch at its level and stopped there
    assert [(kind, level) for kind, _, level, _ in bracket_3] == [("new", 1)] * 9 + [("new", 3)] * 3 + [("new", 9)]
    assert [d for *_, d in bracket_3] == [S] * 12 + [C]
    earlier = {tuple(sorted(scheduler._configs[t].items())) for _, t, *_ in iteration_1}
    assert all(tuple(sorted(scheduler._configs[t].items())) not in earlier for _, t, *_ in bracket_3)


def loss_of_trial(scheduler, trial_id: int) -> float:
    return loss_of(scheduler._configs[trial_id])


def test_selection_never_worsens_a_member():
    history = []

    def snapshot(scheduler):
        history.append({level: [math.inf if m is None else m[1] for m in p.members]
                        for level, p in scheduler.populations.items()})

    drive(make(), 80, check=snapshot)
    for before, after in zip(history, history[1:]):
        for level in before:
            assert all(a <= b for a, b in zip(after[level], before[level]))
    assert all(math.isfinite(v) for v in history[-1][1])  # every place at level 1 was filled


def test_differential_evolution_improves_on_the_first_iteration():
    scheduler = make(random_seed=3)
    first = 23
    jobs = drive(scheduler, first + 4 * 30)
    first_best = min(loss_of_trial(scheduler, t) for _, t, *_ in jobs[:first])
    later = [loss_of_trial(scheduler, t) for _, t, *_ in jobs[first:]]
    assert min(later) < first_best
    assert np.median(later[-40:]) < np.median([loss_of_trial(scheduler, t) for _, t, *_ in jobs[:9]])


def test_without_pause_resume_promotions_start_new_trials_with_the_same_config():
    scheduler = make(support_pause_resume=False, brackets=1)
    jobs = drive(scheduler, 9 + 3)
    assert all(kind == "new" for kind, *_ in jobs)
    assert [d for *_, d in jobs[:9]] == [SchedulerDecision.STOP] * 9
    promoted = {tuple(sorted({k: v for k, v in scheduler._configs[t].items() if k != "epochs"}.items()))
                for _, t, *_ in jobs[9:]}
    first = {tuple(sorted({k: v for k, v in scheduler._configs[t].items() if k != "epochs"}.items()))
             for _, t, *_ in jobs[:9]}
    assert promoted <= first and len(promoted) == 3


def test_max_mode_selects_the_largest():
    scheduler = make(mode="max")
    drive(scheduler, 9)
    members = [m for m in scheduler.populations[1].members if m is not None]
    assert len(members) == 9 and all(m[1] <= 0 for m in members)  # stored as losses: the metric negated


@pytest.mark.parametrize("kwargs, match", [
    ({"mutation_factor": 1.5}, "'mutation_factor' argument .* must be a number in \\[0, 1\\]"),
    ({"crossover_probability": -0.1}, "'crossover_probability' argument .* must be a number in \\[0, 1\\]"),
    ({"support_pause_resume": "yes"}, "'support_pause_resume'"),
    ({"mutation_factr": 0.5}, "Did you mean 'mutation_factor'"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)


def test_original_class_name_is_the_same_scheduler():
    assert GeometricDifferentialEvolutionHyperbandScheduler is DifferentialEvolutionHyperbandScheduler


def test_dehb_with_the_original_spelling_through_the_tuner_in_simulated_time():
    def evaluate(config, epoch, seed):
        return {"loss": loss_of(config) + 1.0 / epoch, "elapsed_time": 2.0 * epoch}

    space = {"x": uniform(0, 1), "y": uniform(0, 1), "epochs": 27}
    blackbox = from_function({"x": uniform(0, 1), "y": uniform(0, 1)}, evaluate,
                             fidelity_space={"epoch": randint(1, 27)}, objectives_names=["loss", "elapsed_time"],
                             fidelity_values=list(range(1, 28)))
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time", max_resource_attr="epochs")
    scheduler = DEHB(space, metric="loss", resource_attr="epoch", max_resource_attr="epochs", mutation_factor=0.5,
                     crossover_probability=0.5, grace_period=1, reduction_factor=3, random_seed=0)
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=1500), n_workers=4, progress="off")
    tuner.run()
    best_id, best_loss = tuner.best_trial()
    assert loss_of(scheduler._configs[best_id]) < 0.05 and best_loss < 0.1
    assert scheduler.manager._next_bracket_id > len(scheduler.bracket_rungs)  # DE brackets ran too


def test_methods_row_runs_in_simulated_time():
    result = compare_methods.run_one("DEHB", METHODS["DEHB"], "synthetic-mf",
                                     compare_methods.SIMULATED_BENCHMARKS["synthetic-mf"], 0, 900.0)
    assert result.error is None and result.num_trials >= 20
    assert np.isfinite(result.best[-1]) and result.times[-1] <= 900.0
