"""Multi-fidelity HPO in simulated time, for the benchmark scripts: the Tuner + a SimulatorBackend.

``simulate(scheduler, benchmark, n_workers)`` runs any TrialScheduler with the real Tuner against
the synthetic learning curves of ``syne_tune.blackbox_repository.synthetic`` (an
``UserBlackboxBackend``), so stop, pause and resume follow exactly the rules of a real run.
It returns the regret trace and the scheduler's own CPU time per call. Experiments are written
to a temporary folder that is removed afterwards.
"""
from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import dataclass, field

from syne_tune.optimizer.scheduler import TrialScheduler


@dataclass
class SyntheticCurves:
    """The synthetic multi-fidelity benchmark (see ``synthetic_multifidelity``) with its names.

    ``final`` has its minimum ``optimum`` at x = (0.3, 0.7, 0.5); an epoch costs 0.5 + x1 seconds.
    The benchmark scripts use noise 0.005 at every fidelity (``low_fidelity_noise=0``), as their
    documented figures.
    """

    max_t: int = 81
    noise: float = 0.005
    low_fidelity_noise: float = 0.0
    metric: str = "loss"
    resource_attr: str = "epoch"
    optimum: float = 0.1

    def blackbox(self):
        from syne_tune.blackbox_repository.synthetic import synthetic_multifidelity

        return synthetic_multifidelity(self.max_t, self.noise, self.low_fidelity_noise)

    @property
    def config_space(self) -> dict:
        return self.blackbox().configuration_space_with_max_resource_attr("epochs")

    @staticmethod
    def final(config: dict) -> float:
        from syne_tune.blackbox_repository.synthetic import synthetic_final_loss

        return synthetic_final_loss(config)


@dataclass
class SimulationResult:
    """What one simulated run produced.

    Attributes:
        trace: (simulated seconds, regret) whenever the regret changed. The incumbent is the trial
            with the best report at the largest resource reached so far; its regret is its
            noise-free final loss minus the optimum.
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


_TIMED_CALLS = ("suggest", "on_trial_add", "on_trial_result", "on_trial_complete", "on_trial_remove")


class _TimedCall:
    """A scheduler method that records its CPU time in ``result.call_seconds``.

    Snapshots of the tuner (tuner.dill) leave the growing list out: they stay small and fast.
    """

    def __init__(self, call, name: str, result: SimulationResult):
        self.call, self.name, self.result = call, name, result

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        value = self.call(*args, **kwargs)
        result = self.result
        if result is not None:
            result.call_seconds.append((result.num_trials, time.perf_counter() - start))
            if self.name == "on_trial_add":
                result.num_trials += 1
            elif self.name == "on_trial_result":
                result.num_decisions += 1
        return value

    def __getstate__(self):
        return {"call": self.call, "name": self.name, "result": None}


def _time_calls(scheduler: TrialScheduler, result: SimulationResult) -> None:
    """Records the CPU time of the scheduler's calls in ``result.call_seconds``."""
    for name in _TIMED_CALLS:
        setattr(scheduler, name, _TimedCall(getattr(scheduler, name), name, result))


def simulate(scheduler: TrialScheduler, benchmark: SyntheticCurves, n_workers: int = 4,
             max_time: float = math.inf, max_trials: int | None = None, seed: int = 0,
             max_resource_attr: str = "epochs") -> SimulationResult:
    """Runs ``scheduler`` on ``benchmark`` with ``n_workers`` until ``max_time`` simulated seconds
    or ``max_trials`` trials started (the Tuner fills free workers at once, so up to
    ``n_workers - 1`` more may start)."""
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend.simulator_backend.simulator_backend import SimulatorConfig
    from syne_tune.blackbox_repository import UserBlackboxBackend
    from syne_tune.constants import SYNE_TUNE_FOLDER_ENV
    from syne_tune.experiments import load_experiment

    result = SimulationResult()
    _time_calls(scheduler, result)
    blackbox = benchmark.blackbox()
    backend = UserBlackboxBackend(blackbox, "elapsed_time", max_resource_attr=max_resource_attr,
                                  seed=seed % blackbox.num_seeds, simulator_config=SimulatorConfig(0.0, 0.0, 0.0))
    stop = StoppingCriterion(max_wallclock_time=max_time if math.isfinite(max_time) else None,
                             max_num_trials_started=None if max_trials is None else max_trials - 1)
    previous = os.environ.get(SYNE_TUNE_FOLDER_ENV)
    with tempfile.TemporaryDirectory() as folder:
        os.environ[SYNE_TUNE_FOLDER_ENV] = folder
        try:
            tuner = Tuner(backend, scheduler, stop, n_workers=n_workers, progress="off", tuner_name="simulate")
            tuner.run()
            rows = load_experiment(tuner.name).results
        finally:
            if previous is None:
                os.environ.pop(SYNE_TUNE_FOLDER_ENV, None)
            else:
                os.environ[SYNE_TUNE_FOLDER_ENV] = previous
    rows = rows[rows["st_tuner_time"] <= max_time]
    result.num_reports = len(rows)
    result.end_time = tuner.tuning_status.wallclock_time
    _trace(result, rows, benchmark)
    return result


def _trace(result: SimulationResult, rows, benchmark: SyntheticCurves) -> None:
    best_at: dict[int, tuple[float, int]] = {}  # resource -> (best loss, trial_id)
    configs = {}
    columns = [f"config_{name}" for name in ("x0", "x1", "x2")]
    for now, epoch, loss, trial_id, *x in rows[["st_tuner_time", benchmark.resource_attr, benchmark.metric,
                                                  "trial_id", *columns]].itertuples(index=False, name=None):
        configs.setdefault(trial_id, dict(zip(("x0", "x1", "x2"), x)))
        if epoch not in best_at or loss < best_at[epoch][0]:
            best_at[epoch] = (loss, trial_id)
        regret = benchmark.final(configs[best_at[max(best_at)][1]]) - benchmark.optimum
        if not result.trace or result.trace[-1][1] != regret:
            result.trace.append((now, regret))
