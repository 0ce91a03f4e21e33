"""The learning-rate benchmark for PBT: state carries across pause/resume and checkpoint cloning,
the loss depends on the path of learning rates, and the runner runs PBT on it."""
from __future__ import annotations

import pytest

from benchmarking import comparison
from benchmarking.lr_schedule_simulation import LOSS_FLOOR, LearningRateScheduleBackend, next_state
from benchmarking.methods import METHODS
from syne_tune.backend.simulator_backend.simulator_backend import SimulatorConfig

HIGH = {"lr": 0.3, "momentum": 0.0, "epochs": 10}
LOW = {"lr": 0.005, "momentum": 0.0, "epochs": 10}


def _backend():
    return LearningRateScheduleBackend(seconds_per_epoch=1.0, random_seed=7, simulator_config=SimulatorConfig(0, 0, 0))


def _deliver(backend, trial_id, epochs):
    for _ in range(epochs):
        backend.wait(1.0)
    _, reports = backend.fetch_status_results([trial_id])
    return [report for _, report in reports]


def _states(config, epochs, far=1.0, noise_floor=0.0):
    states = []
    for _ in range(epochs):
        far, noise_floor = next_state(far, noise_floor, config["lr"], config["momentum"])
        states.append((far, noise_floor))
    return states


def _flat(pairs) -> list[float]:
    """(far, noise_floor) pairs as one list: pytest.approx compares flat sequences only."""
    return [value for pair in pairs for value in pair]


def test_paused_trial_resumes_from_its_state_like_an_uninterrupted_run():
    uninterrupted = _backend()
    uninterrupted.start_trial(HIGH)
    whole = _deliver(uninterrupted, 0, 10)
    backend = _backend()
    backend.start_trial(HIGH)
    first = _deliver(backend, 0, 4)
    backend.pause_trial(0)
    backend.resume_trial(0)
    rest = _deliver(backend, 0, 6)
    assert [r["epoch"] for r in first + rest] == list(range(1, 11))
    assert [r["loss"] for r in first + rest] == pytest.approx([r["loss"] for r in whole])
    assert _flat((r["far"], r["noise_floor"]) for r in whole) == pytest.approx(_flat(_states(HIGH, 10)))
    assert rest[0]["elapsed_time"] == 1.0  # the resumed run pays for its own epochs only


def test_a_clone_continues_from_its_parents_state_with_its_own_learning_rate():
    backend = _backend()
    backend.start_trial(HIGH)
    parent = _deliver(backend, 0, 4)
    clone = backend.start_trial(LOW, checkpoint_trial_id=0)
    backend.pause_trial(0)
    reports = _deliver(backend, clone.trial_id, 6)
    assert [r["epoch"] for r in reports] == list(range(5, 11))
    far, noise_floor = parent[-1]["far"], parent[-1]["noise_floor"]
    assert _flat((r["far"], r["noise_floor"]) for r in reports) == pytest.approx(
        _flat(_states(LOW, 6, far, noise_floor)))
    # The path matters: high then low ends below either rate alone (which a table cannot show).
    scheduled = reports[-1]["far"] + reports[-1]["noise_floor"]
    constant = [sum(_states(config, 10)[-1]) for config in (HIGH, LOW)]
    assert scheduled < min(constant) / 1.5
    assert reports[-1]["loss"] == pytest.approx(LOSS_FLOOR + scheduled, rel=0.2)


def test_the_runner_runs_pbt_on_it_and_clones_checkpoints():
    benchmark = comparison.SIMULATED_BENCHMARKS["lr-schedule"]
    result = comparison.run_one("PBT", METHODS["PBT"], "lr-schedule", benchmark, 1, 600.0)
    assert result.error is None and result.num_trials > benchmark.n_workers  # clones are new trials
    assert result.best[-1] - benchmark.best_value() < 0.05
