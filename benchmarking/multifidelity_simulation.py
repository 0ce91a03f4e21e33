"""Multi-fidelity HPO in simulated time: synthetic learning curves and an event-driven driver.

``simulate(scheduler, benchmark, n_workers)`` plays the Tuner + LocalBackend against any
TrialScheduler (FIFO, Hyperband, MOBSTER, ...): it handles CONTINUE/STOP/PAUSE, resume
suggestions (the trial continues from its last reported epoch, as with a checkpoint) and
``max_resource_attr`` configs, advancing a simulated clock instead of running processes.
It also measures the scheduler's own CPU time per call.
"""
from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass, field

import numpy as np

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import uniform
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialScheduler


@dataclass
class SyntheticCurves:
    """Learning curves ``loss(x, r) = final(x) + amp(x) * r**(-rate(x)) + noise``, r = 1..max_t.

    ``final`` has its minimum 0.1 at x = (0.3, 0.7, 0.5). ``amp`` grows with x1, so the configs that
    end best start slowly: rankings at low r differ from those at max_t. An epoch costs
    ``0.5 + x1`` seconds (larger, better models are slower).
    """

    max_t: int = 81
    noise: float = 0.005
    metric: str = "loss"
    resource_attr: str = "epoch"

    @property
    def config_space(self) -> dict:
        return {"x0": uniform(0.0, 1.0), "x1": uniform(0.0, 1.0), "x2": uniform(0.0, 1.0), "epochs": self.max_t}

    optimum: float = 0.1

    @staticmethod
    def final(config: dict) -> float:
        x0, x1, x2 = config["x0"], config["x1"], config["x2"]
        return 0.1 + 0.6 * (x0 - 0.3) ** 2 + 0.4 * (x1 - 0.7) ** 2 + 0.3 * (x2 - 0.5) ** 2

    def loss(self, config: dict, epoch: int, random_state: np.random.RandomState) -> float:
        amp = 0.15 + 0.35 * config["x1"]
        rate = 0.6 + 0.8 * config["x2"]
        return self.final(config) + amp * epoch ** (-rate) + self.noise * random_state.randn()

    @staticmethod
    def seconds_per_epoch(config: dict) -> float:
        return 0.5 + config["x1"]


@dataclass
class SimulationResult:
    """What one simulated run produced.

    Attributes:
        trace: (simulated seconds, regret) whenever the regret changed. The incumbent is the trial
            with the best report at the largest resource reached so far; its regret is its
            noise-free loss at max_t minus the optimum.
        call_seconds: (number of trials started so far, CPU seconds) per scheduler call.
    """

    trace: list[tuple[float, float]] = field(default_factory=list)
    num_trials: int = 0
    num_reports: int = 0
    num_decisions: int = 0
    call_seconds: list[tuple[int, float]] = field(default_factory=list)
    end_time: float = 0.0

    def regret_at(self, t: float) -> float:
        """Regret of the incumbent at simulated time t (inf before the first report)."""
        value = math.inf
        for time_, regret in self.trace:
            if time_ > t:
                break
            value = regret
        return value

    @property
    def scheduler_seconds(self) -> float:
        return sum(s for _, s in self.call_seconds)

    def seconds_per_decision(self, min_trials: int = 0, max_trials: int | None = None) -> float:
        """Scheduler CPU seconds per on_trial_result decision, for calls while the trial count was in range."""
        chosen = [s for n, s in self.call_seconds if n >= min_trials and (max_trials is None or n <= max_trials)]
        decisions = max(1, round(len(chosen) * self.num_decisions / max(1, len(self.call_seconds))))
        return sum(chosen) / decisions


@dataclass
class _Running:
    trial: Trial
    epoch: int = 0


def simulate(scheduler: TrialScheduler, benchmark: SyntheticCurves, n_workers: int = 4,
             max_time: float = math.inf, max_trials: int | None = None, seed: int = 0,
             max_resource_attr: str = "epochs") -> SimulationResult:
    """Runs ``scheduler`` on ``benchmark`` with ``n_workers`` until ``max_time`` or ``max_trials``.

    A trial's script runs epochs up to ``config[max_resource_attr]`` (max_t if absent) and then
    ends by itself (on_trial_complete); STOP/PAUSE end it earlier (on_trial_remove). A resumed
    trial continues after its last reported epoch.
    """
    random_state = np.random.RandomState(seed)
    result = SimulationResult()
    events: list[tuple[float, int, int]] = []  # (finish time of the next epoch, sequence, trial_id)
    running: dict[int, _Running] = {}
    paused: dict[int, _Running] = {}
    best_at: dict[int, tuple[float, int]] = {}  # resource -> (best loss, trial_id)
    configs: dict[int, dict] = {}
    now, sequence, exhausted = 0.0, 0, False

    def timed(call, *args):
        start = time.perf_counter()
        value = call(*args)
        result.call_seconds.append((result.num_trials, time.perf_counter() - start))
        return value

    def schedule(trial_id: int) -> None:
        nonlocal sequence
        heapq.heappush(events, (now + benchmark.seconds_per_epoch(configs[trial_id]), sequence, trial_id))
        sequence += 1

    def fill_workers() -> None:
        nonlocal exhausted
        while len(running) < n_workers and not exhausted:
            if max_trials is not None and result.num_trials >= max_trials and not paused:
                return
            suggestion = timed(scheduler.suggest, result.num_trials)
            if suggestion is None:
                exhausted = True
                return
            if suggestion.spawn_new_trial_id:
                if max_trials is not None and result.num_trials >= max_trials:
                    return
                trial_id = result.num_trials
                result.num_trials += 1
                configs[trial_id] = suggestion.config
                state = _Running(Trial(trial_id, suggestion.config))
                timed(scheduler.on_trial_add, state.trial)
            else:
                trial_id = suggestion.checkpoint_trial_id
                state = paused.pop(trial_id)
                if suggestion.config is not None:
                    configs[trial_id] = state.trial.config = suggestion.config
            running[trial_id] = state
            schedule(trial_id)

    fill_workers()
    while events:
        finish, _, trial_id = heapq.heappop(events)
        if finish > max_time:
            break
        now = finish
        state = running[trial_id]
        state.epoch += 1
        config = configs[trial_id]
        loss = benchmark.loss(config, state.epoch, random_state)
        report = {benchmark.resource_attr: state.epoch, benchmark.metric: loss}
        result.num_reports += 1
        _track_incumbent(result, best_at, configs, benchmark, now, state.epoch, loss, trial_id)
        decision = timed(scheduler.on_trial_result, state.trial, report)
        result.num_decisions += 1
        last_epoch = config.get(max_resource_attr, benchmark.max_t)
        if decision == SchedulerDecision.CONTINUE and state.epoch < last_epoch:
            schedule(trial_id)
            continue
        del running[trial_id]
        if decision == SchedulerDecision.CONTINUE:
            timed(scheduler.on_trial_complete, state.trial, report)
        else:
            timed(scheduler.on_trial_remove, state.trial)
            if decision == SchedulerDecision.PAUSE:
                paused[trial_id] = state
        fill_workers()
    result.end_time = now
    return result


def _track_incumbent(result, best_at, configs, benchmark, now, epoch, loss, trial_id) -> None:
    if epoch not in best_at or loss < best_at[epoch][0]:
        best_at[epoch] = (loss, trial_id)
    incumbent = best_at[max(best_at)][1]
    regret = benchmark.final(configs[incumbent]) - benchmark.optimum
    if not result.trace or result.trace[-1][1] != regret:
        result.trace.append((now, regret))
