"""LocalBackend driven directly: command line, folders, incremental reads, kill, resume."""
import json
import shutil
import time
from pathlib import Path

import psutil
import pytest

from syne_tune.backend import LocalBackend
from syne_tune.backend.trial_status import Status

SCRIPT = str(Path(__file__).parents[1] / "scripts" / "configurable_script.py")


def _wait_for(backend, trial_id, status, timeout=20.0):
    results = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        statuses, new = backend.fetch_status_results([trial_id])
        results += [r for _, r in new]
        if statuses[trial_id][1] == status:
            return results
        backend.wait(0.2)
    raise AssertionError(f"trial {trial_id} did not reach {status}")


def _pids(trial_path):
    return [int(p) for line in (trial_path / "pids.txt").read_text().split("\n") for p in line.split()]


def _alive(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def backend(tmp_path):
    backend = LocalBackend(SCRIPT)
    backend.set_path(tmp_path / "exp")
    yield backend
    backend.stop_all()


def test_missing_entry_point_is_an_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="entry_point"):
        LocalBackend(str(tmp_path / "nope.py"))


def test_trial_folder_results_and_values_with_spaces(backend):
    text = 'two words and "quotes" \'too\''
    trial = backend.start_trial({"epochs": 3, "x": 0.5, "text": text})
    results = _wait_for(backend, trial.trial_id, Status.completed)
    assert [r["epoch"] for r in results] == [1, 2, 3]
    folder = backend.trial_path(trial.trial_id)
    assert json.loads((folder / "config.json").read_text())["text"] == text
    assert (folder / "received_text.txt").read_text() == text
    assert results[0]["text"] == text
    assert sum("[tune-metric]" in line for line in backend.stdout(trial.trial_id)) == 3
    # nothing new after everything was read
    assert backend.fetch_status_results([trial.trial_id])[1] == []


def test_failure_is_reported_with_stderr(backend):
    trial = backend.start_trial({"epochs": 3, "crash": 1})
    results = _wait_for(backend, trial.trial_id, Status.failed)
    assert [r["epoch"] for r in results] == [1]
    assert any("simulated failure" in line for line in backend.stderr(trial.trial_id))


def test_stop_ends_the_whole_process_tree(backend):
    trial = backend.start_trial({"epochs": 1000, "sleep": 0.05, "spawn_child": 1})
    folder = backend.trial_path(trial.trial_id)
    deadline = time.time() + 10
    while not (folder / "pids.txt").exists() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    pids = _pids(folder)
    assert len(pids) == 2 and all(_alive(p) for p in pids)
    backend.stop_trial(trial.trial_id)
    time.sleep(0.3)
    assert not any(_alive(p) for p in pids)
    statuses, results = backend.fetch_status_results([trial.trial_id])
    assert statuses[trial.trial_id][1] == Status.stopped and results == []


def test_pause_and_resume_restart_the_same_trial_in_the_same_folder(backend):
    trial = backend.start_trial({"epochs": 1000, "sleep": 0.05})
    _wait_for_first = time.time() + 10
    while not backend.fetch_status_results([0])[1] and time.time() < _wait_for_first:
        backend.wait(0.1)
    backend.pause_trial(trial.trial_id)
    assert backend.fetch_status_results([0])[0][0][1] == Status.paused
    backend.resume_trial(trial.trial_id, new_config={"epochs": 2})
    results = _wait_for(backend, trial.trial_id, Status.completed)
    assert [r["epoch"] for r in results] == [1, 2]
    assert len(_pids(backend.trial_path(0))) == 2  # two runs appended to the same folder
    with pytest.raises(ValueError, match="not paused"):
        backend.resume_trial(0)


def test_start_from_another_trials_checkpoint(backend):
    first = backend.start_trial({"epochs": 1})
    _wait_for(backend, first.trial_id, Status.completed)
    checkpoint = backend.trial_path(first.trial_id) / "checkpoints"
    checkpoint.mkdir(parents=True, exist_ok=True)
    (checkpoint / "state.txt").write_text("42")
    second = backend.start_trial({"epochs": 1}, checkpoint_trial_id=first.trial_id)
    assert (backend.trial_path(second.trial_id) / "checkpoints" / "state.txt").read_text() == "42"
    with pytest.raises(ValueError, match="trial 17"):
        backend.start_trial({"epochs": 1}, checkpoint_trial_id=17)


def _trial_with_checkpoint(backend, files):
    trial = backend.start_trial({"epochs": 1})
    _wait_for(backend, trial.trial_id, Status.completed)
    checkpoint = backend.trial_path(trial.trial_id) / "checkpoints"
    (checkpoint / "nested").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (checkpoint / name).write_text(text)
    return trial


def test_checkpoint_copy_skips_a_file_the_running_source_renames_meanwhile(backend, monkeypatch):
    # the source trial saves atomically: state.tmp is renamed over state.json while we copy
    first = _trial_with_checkpoint(backend, {"state.json": "old", "state.tmp": "new", "nested/a": "1"})
    real_copy = shutil.copy2

    def copy_racing_the_writer(src, dst, **kwargs):
        if Path(src).name == "state.tmp":
            Path(src).replace(Path(src).with_name("state.json"))
        return real_copy(src, dst, **kwargs)

    monkeypatch.setattr(shutil, "copy2", copy_racing_the_writer)
    second = backend.start_trial({"epochs": 1}, checkpoint_trial_id=first.trial_id)
    copied = backend.trial_path(second.trial_id) / "checkpoints"
    assert sorted(p.name for p in copied.iterdir()) == ["nested", "state.json"]
    assert (copied / "state.json").read_text() in ("old", "new")
    assert (copied / "nested" / "a").read_text() == "1"
    _wait_for(backend, second.trial_id, Status.completed)


def test_checkpoint_that_cannot_be_copied_starts_the_trial_from_scratch(backend, monkeypatch, caplog):
    first = _trial_with_checkpoint(backend, {"state.json": "42", "nested/a": "1"})

    def broken_copy(src, dst, **kwargs):
        raise PermissionError(13, "Permission denied", str(src))

    monkeypatch.setattr(shutil, "copy2", broken_copy)
    second = backend.start_trial({"epochs": 1}, checkpoint_trial_id=first.trial_id)
    assert not (backend.trial_path(second.trial_id) / "checkpoints").exists()
    assert f"trial {second.trial_id} starts from scratch" in caplog.text
    assert _wait_for(backend, second.trial_id, Status.completed)


def _cuda(backend, trial_id, timeout=20.0):
    """The CUDA_VISIBLE_DEVICES the trial's script saw, once it wrote it (not empty)."""
    path = backend.trial_path(trial_id) / "cuda.txt"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists() and path.read_text():
            break
        time.sleep(0.02)
    return path.read_text()


def test_gpu_rotation_gives_each_trial_a_free_gpu(backend, tmp_path):
    backend._num_gpus = 2  # faked: this machine has none
    for _ in range(3):
        backend.start_trial({"epochs": 1000, "sleep": 0.05})
    assert [_cuda(backend, t) for t in range(3)] == ["0", "1", "0"]  # the third shares: none is free
    backend.stop_trial(1)
    backend.start_trial({"epochs": 1, "sleep": 0.0})
    _wait_for(backend, 3, Status.completed)
    assert _cuda(backend, 3) == "1"  # the freed GPU, not a shared one


def test_several_gpus_per_trial_from_gpus_to_use(tmp_path):
    backend = LocalBackend(SCRIPT, num_gpus_per_trial=2, gpus_to_use=[0, 1, 3, 4])
    backend.set_path(tmp_path / "exp")
    backend._num_gpus = 5  # faked
    try:
        for _ in range(2):
            backend.start_trial({"epochs": 1000, "sleep": 0.05})
        assert [_cuda(backend, t) for t in range(2)] == ["0,1", "3,4"]  # GPU 2 is kept free
        backend.pause_trial(0)
        backend.start_trial({"epochs": 1000, "sleep": 0.05})
        assert _cuda(backend, 2) == "0,1"
        backend.start_trial({"epochs": 1, "sleep": 0.0})  # all four are busy: it shares two
        assert len(set(_cuda(backend, 3).split(","))) == 2
    finally:
        backend.stop_all()


def test_choose_gpus_prefers_free_then_least_assigned_then_least_shared():
    from syne_tune.backend.local_backend import choose_gpus

    assert choose_gpus([0, 1, 2, 3], 1, {}, {}) == (0,)
    assert choose_gpus([0, 1, 2, 3], 2, {7: (0, 1)}, {0: 1, 1: 1}) == (2, 3)
    assert choose_gpus([0, 1, 2, 3], 1, {7: (0,)}, {0: 1, 1: 3, 2: 1, 3: 2}) == (2,)  # free, least assigned
    # none free: those shared by the fewest running trials, not the oldest trial's
    assert choose_gpus([0, 1], 1, {1: (0,), 2: (1,), 3: (0,)}, {0: 2, 1: 1}) == (1,)
    # one free, two wanted: the free one plus the least shared
    assert choose_gpus([3, 1, 2], 2, {1: (3,), 2: (1,), 3: (1,)}, {}) == (3, 2)


def test_no_running_trials_share_a_gpu_while_another_is_free(monkeypatch):
    """A tuner with more workers than GPU pairs: every assignment is checked against the running set."""
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import local_backend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.baselines import RandomSearch

    assignments = []
    choose = local_backend.choose_gpus

    def checked_choose(pool, count, running, times_assigned):
        gpus = choose(pool, count, running, times_assigned)
        held = {g for trial_gpus in running.values() for g in trial_gpus}
        free = [g for g in pool if g not in held]
        assert len(gpus) == count == len(set(gpus))
        assert set(gpus) <= set(free) or set(free) <= set(gpus), (gpus, running)
        assignments.append(gpus)
        return gpus

    monkeypatch.setattr(local_backend, "choose_gpus", checked_choose)
    backend = LocalBackend(SCRIPT, num_gpus=4, num_gpus_per_trial=2, gpus_to_use=[3, 0, 1])
    space = {"epochs": 3, "x": uniform(0.0, 1.0), "sleep": 0.05}
    tuner = Tuner(backend, RandomSearch(space, metric="loss", mode="min", random_seed=0),
                  StoppingCriterion(max_num_trials_finished=6), n_workers=2, sleep_time=0.02, progress="off")
    tuner.run()
    assert len(assignments) >= 6
    completed = [t for t, status in tuner.tuning_status.last_trial_status_seen.items() if status == "Completed"]
    assert len(completed) >= 6
    for trial_id in completed:  # (a trial stopped at the end may not have started its script yet)
        assert _cuda(tuner.trial_backend, trial_id) == ",".join(map(str, assignments[trial_id]))
    assert all(set(gpus) <= {0, 1, 3} for gpus in assignments)


@pytest.mark.parametrize("kwargs, name", [
    ({"num_gpus_per_trial": 0}, "num_gpus_per_trial"),
    ({"num_gpus_per_trial": 1.5}, "num_gpus_per_trial"),
    ({"gpus_to_use": [0, 0]}, "gpus_to_use"),
    ({"gpus_to_use": [-1]}, "gpus_to_use"),
    ({"gpus_to_use": "0,1"}, "gpus_to_use"),
    ({"gpus_to_use": []}, "gpus_to_use"),
    ({"gpus_to_use": [0, 3], "num_gpus": 2}, "gpus_to_use"),
])
def test_gpu_arguments_are_validated(kwargs, name):
    with pytest.raises(ValueError, match=f"'{name}' argument of LocalBackend"):
        LocalBackend(SCRIPT, **kwargs)


def test_gpus_to_use_beyond_the_detected_count_fails_at_the_first_trial(tmp_path):
    backend = LocalBackend(SCRIPT, gpus_to_use=[1, 2])
    backend.set_path(tmp_path / "exp")
    backend._num_gpus = 2  # as if detected
    with pytest.raises(ValueError, match=r"gpus_to_use.*\[2\] do not exist"):
        backend.start_trial({"epochs": 1})
    backend.stop_all()


def test_more_gpus_per_trial_than_exist_gives_each_trial_all_of_them(tmp_path, caplog):
    backend = LocalBackend(SCRIPT, num_gpus=2, num_gpus_per_trial=3)
    backend.set_path(tmp_path / "exp")
    backend.start_trial({"epochs": 1})
    _wait_for(backend, 0, Status.completed)
    assert _cuda(backend, 0) == "0,1"
    assert "num_gpus_per_trial=3" in caplog.text
    backend.stop_all()


def test_without_gpus_cuda_visible_devices_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    backend = LocalBackend(SCRIPT, num_gpus=0, num_gpus_per_trial=2)
    backend.set_path(tmp_path / "exp")
    backend.start_trial({"epochs": 1})
    _wait_for(backend, 0, Status.completed)
    assert (backend.trial_path(0) / "cuda.txt").read_text() == ""
    backend.stop_all()


def test_has_checkpoint_only_once_the_trial_wrote_into_its_checkpoint_folder(tmp_path):
    backend = LocalBackend(str(Path(__file__).parent / "checkpointing_script.py"))
    backend.set_path(tmp_path / "experiment")
    backend.start_trial({"epochs": 1, "sleep": 0.0})
    assert not backend.has_checkpoint(0)  # nothing written yet (or no folder at all)
    _wait_for(backend, 0, Status.completed)
    assert backend.has_checkpoint(0)
    backend.start_trial({"epochs": 0, "sleep": 0.0})  # writes nothing
    _wait_for(backend, 1, Status.completed)
    backend.checkpoint_path(1).mkdir(parents=True, exist_ok=True)  # an empty folder is no checkpoint
    assert not backend.has_checkpoint(1)
    backend.stop_all()


def test_delete_checkpoints_removes_those_of_trials_that_ended_for_good():
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import HyperbandScheduler

    script = str(Path(__file__).parent / "checkpointing_script.py")
    space = {"epochs": 9, "lr": uniform(0.1, 1.0), "sleep": 0.01}
    kept = {}
    for delete in (True, False):
        scheduler = HyperbandScheduler(space, metric="loss", mode="min", resource_attr="epoch", max_t=9,
                                       grace_period=1, reduction_factor=3, random_seed=0)
        tuner = Tuner(LocalBackend(script, delete_checkpoints=delete), scheduler,
                      StoppingCriterion(max_num_trials_finished=8), n_workers=2, sleep_time=0.02, progress="off")
        tuner.run()
        statuses = tuner.tuning_status.last_trial_status_seen
        ended = [t for t, s in statuses.items() if s in (Status.completed, Status.stopped, Status.failed)]
        assert len(ended) >= 8
        kept[delete] = [t for t in ended if tuner.trial_backend.has_checkpoint(t)]
    assert kept[False] and not kept[True]


def test_delete_checkpoints_must_be_a_bool(tmp_path):
    with pytest.raises(ValueError, match="'delete_checkpoints' argument of LocalBackend"):
        LocalBackend(str(Path(__file__).parent / "checkpointing_script.py"), delete_checkpoints="yes")
