"""PythonBackend end to end: a function defined here is tuned in real trial processes."""
import json
import os

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import PythonBackend
from syne_tune.config_space import randint, uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler


def quadratic(x: float, steps: int, offset: float = 0.0):
    from syne_tune import Reporter

    report = Reporter()
    for step in range(1, steps + 1):
        report(step=step, loss=(x - 0.3) ** 2 + offset + 1.0 / step)


def test_random_search_tunes_a_function(_results_root):
    space = {"x": uniform(0, 1), "steps": 3}
    tuner = Tuner(PythonBackend(quadratic, space), FIFOScheduler(space, metric="loss", random_seed=0),
                  StoppingCriterion(max_num_trials_completed=5), n_workers=2, sleep_time=0.2)
    tuner.run()
    assert tuner.name.startswith("quadratic-")
    results = load_experiment(tuner.name).results
    assert (results.groupby("trial_id")["step"].max() == 3).sum() >= 6
    best = load_experiment(tuner.name).best_config()
    assert best["loss"] == pytest.approx((best["config_x"] - 0.3) ** 2 + 1 / 3)


def test_a_closure_with_checkpoints_is_paused_and_resumed_by_asha_promotion(_results_root):
    scale = 2.0  # captured: the function travels by value

    def train(width: int, epochs: int, st_checkpoint_dir: str):
        import time

        from syne_tune import Reporter

        path = os.path.join(st_checkpoint_dir, "state.json")
        start = json.load(open(path))["epoch"] if os.path.exists(path) else 0
        report = Reporter()
        for epoch in range(start + 1, epochs + 1):
            os.makedirs(st_checkpoint_dir, exist_ok=True)
            json.dump({"epoch": epoch}, open(path, "w"))
            report(epoch=epoch, loss=scale * abs(width - 7) / epoch, started_at=start)
            time.sleep(0.05)

    space = {"width": randint(0, 20), "epochs": 9}
    scheduler = HyperbandScheduler(space, metric="loss", mode="min", resource_attr="epoch", max_t=9,
                                   grace_period=1, reduction_factor=3, type="promotion",
                                   max_resource_attr="epochs", random_seed=0)
    tuner = Tuner(PythonBackend(train, space), scheduler, StoppingCriterion(max_num_trials_completed=1),
                  n_workers=2, sleep_time=0.2)
    tuner.run()
    results = load_experiment(tuner.name).results
    resumed = results[results["started_at"] > 0]
    assert len(resumed) > 0  # some trial was paused at a rung and resumed from its checkpoint
    for trial_id, rows in results.groupby("trial_id"):
        assert list(rows["epoch"]) == sorted(set(rows["epoch"])), trial_id  # no epoch run twice


def test_a_function_only_dill_can_serialise_runs_too(_results_root):
    class Offset:  # a local class: the standard library cannot pickle it by value, dill can
        value = 0.25

    def shifted(x: float):
        from syne_tune import Reporter

        Reporter()(loss=(x - Offset.value) ** 2, epoch=1)

    space = {"x": uniform(0, 1)}
    backend = PythonBackend(shifted, space)
    assert b"dill" in backend._function
    tuner = Tuner(backend, FIFOScheduler(space, metric="loss", random_seed=0),
                  StoppingCriterion(max_num_trials_completed=2), n_workers=2, sleep_time=0.2)
    tuner.run()
    assert tuner.tuning_status.num_trials_completed >= 3


def test_a_function_that_cannot_be_serialised_is_refused():
    numbers = (i for i in range(3))

    def uses_generator(x: float):
        return next(numbers) + x

    with pytest.raises(TypeError, match="cannot be serialised with dill"):
        PythonBackend(uses_generator, {"x": uniform(0, 1)})


def test_a_parameter_missing_from_the_space_is_named():
    with pytest.raises(ValueError, match=r"needs \['steps'\]"):
        PythonBackend(quadratic, {"x": uniform(0, 1)})


def counts_without_checkpoint(x: float, steps: int):
    import time

    from syne_tune import Reporter

    report = Reporter()
    for step in range(1, steps + 1):
        report(step=step, loss=x / step)
        time.sleep(0.1)


def test_a_resumed_function_without_checkpoints_restarts_from_scratch(_results_root, caplog):
    space = {"x": uniform(0, 1), "steps": 1000}
    tuner = Tuner(PythonBackend(counts_without_checkpoint, space), FIFOScheduler(space, metric="loss", random_seed=0),
                  StoppingCriterion(max_num_evaluations=5), n_workers=2, sleep_time=0.2, progress="off")
    tuner.run()  # counted in reports, not seconds: a loaded machine starts processes slowly
    assert not tuner.trial_backend.has_checkpoint(0)
    loaded = Tuner.load(tuner.tuner_path)
    loaded.stop_criterion = StoppingCriterion(max_num_evaluations=15)
    with caplog.at_level("INFO"):
        loaded.run()
    assert "trial 0 restarts from scratch (it wrote no checkpoint)" in caplog.text
    assert "restarts from its checkpoint" not in caplog.text
    steps = load_experiment(tuner.name).results.query("trial_id == 0")["step"].tolist()
    assert steps.count(1) == 2  # it did start again at step 1


def report_gpus(steps: int):
    import os

    from syne_tune import Reporter

    Reporter()(step=steps, loss=0.0, cuda=os.environ.get("CUDA_VISIBLE_DEVICES", ""))


def test_gpu_placement_arguments_reach_every_trial(_results_root):
    space = {"steps": 1}
    backend = PythonBackend(report_gpus, space, num_gpus=4, num_gpus_per_trial=2, gpus_to_use=[2, 3])
    tuner = Tuner(backend, FIFOScheduler(space, metric="loss", random_seed=0),
                  StoppingCriterion(max_num_trials_completed=2), n_workers=1, sleep_time=0.05)
    tuner.run()
    assert set(load_experiment(tuner.name).results["cuda"]) == {"2,3"}


def test_gpu_placement_arguments_are_validated():
    with pytest.raises(ValueError, match="'gpus_to_use' argument of PythonBackend"):
        PythonBackend(report_gpus, {"steps": 1}, gpus_to_use=[1, 1])
