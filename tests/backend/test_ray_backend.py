"""RayBackend on real Ray: a local instance, then a head + two worker nodes on this machine.

Each class owns one Ray session (class-scoped fixtures), so Ray starts twice per run, plus twice
more in the launcher processes of the SIGKILL test.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="RayBackend tests need Ray: pip install -e '.[ray]'")

from syne_tune import StoppingCriterion, Tuner  # noqa: E402
from syne_tune.backend import RayBackend  # noqa: E402
from syne_tune.backend.ray_trial_actor import pack_folder, unpack_folder  # noqa: E402
from syne_tune.backend.trial_status import Status  # noqa: E402
from syne_tune.config_space import uniform  # noqa: E402
from syne_tune.constants import SYNE_TUNE_FOLDER_ENV  # noqa: E402
from syne_tune.optimizer.schedulers import FIFOScheduler  # noqa: E402
from syne_tune.results_journal import read_journal  # noqa: E402
from syne_tune.tuner_callback import StoreResultsCallback, TunerCallback  # noqa: E402

SCRIPT = str(Path(__file__).with_name("checkpointing_script.py"))
OBJECT_STORE = 100 * 1024 * 1024


def _alive(pid: int) -> bool:
    """True if ``pid`` runs (zombies count as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _wait_forread_journal(backend, trial_ids, count, timeout=30.0) -> dict[int, list[dict]]:
    reports = {trial_id: [] for trial_id in trial_ids}
    deadline = time.monotonic() + timeout
    while any(len(r) < count for r in reports.values()):
        assert time.monotonic() < deadline, f"no {count} reports within {timeout}s: {reports}"
        backend.wait(1.0)
        for trial_id, result in backend.fetch_status_results(trial_ids)[1]:
            reports[trial_id].append(result)
    return reports


@pytest.fixture(scope="module")
def ray_temp(tmp_path_factory):
    """Ray's session folder and the runners' scratch folders, below pytest's temp folder."""
    root = tmp_path_factory.mktemp("ray")
    (root / "ray").mkdir()  # Ray expects $RAY_TMPDIR/ray
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(root))  # inherited by the nodes Ray starts from this process
        patch.setenv("RAY_TMPDIR", str(root))
        patch.setenv("HOME", str(root))  # Ray writes ~/.ray/auth_token
        yield root


# Class-scoped fixtures live at module level (pytest deprecates them as instance methods); each
# class below uses one of them, so each class has its own Ray session.
@pytest.fixture(scope="class")
def init_kwargs(ray_temp):
    yield {"num_cpus": 4, "object_store_memory": OBJECT_STORE, "_temp_dir": str(ray_temp / "local")}
    ray.shutdown()


@pytest.fixture(scope="class")
def cluster(ray_temp):
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 0, "object_store_memory": OBJECT_STORE, "temp_dir": str(ray_temp / "cluster"),
        "_system_config": {"health_check_period_ms": 500, "health_check_failure_threshold": 4}})
    workers = [cluster.add_node(num_cpus=1, resources={"slot": 1}, object_store_memory=OBJECT_STORE)
               for _ in range(2)]
    cluster.wait_for_nodes()
    yield cluster, workers
    ray.shutdown()
    cluster.shutdown()


def test_importing_syne_tune_does_not_import_ray():
    code = "import sys, syne_tune, syne_tune.backend; from syne_tune.backend import LocalBackend; " \
           "print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("resources", [{}, {"num_cpus": -1}, {"num_cpus": "1"}, [1]])
def test_bad_resources_name_the_argument(resources):
    with pytest.raises(ValueError, match="resources_per_trial"):
        RayBackend(SCRIPT, resources_per_trial=resources)


@pytest.mark.parametrize("period", [-1, "10", True, float("nan")])
def test_bad_checkpoint_sync_period_names_the_argument(period):
    with pytest.raises(ValueError, match="checkpoint_sync_period"):
        RayBackend(SCRIPT, checkpoint_sync_period=period)


def test_checkpoint_swap_killed_between_its_renames_keeps_the_old_checkpoint(tmp_path):
    folder = tmp_path / "checkpoints"
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "state.json").write_text('{"epoch": 1}')
    unpack_folder(pack_folder(tmp_path / "source"), folder)
    assert (folder / "state.json").read_text() == '{"epoch": 1}'
    os.rename(folder, tmp_path / ".checkpoints.retired")  # the first rename of the next swap, then SIGKILL
    (tmp_path / ".checkpoints.incoming").mkdir()
    archive = pack_folder(folder)  # as RayBackend does before a restart
    unpack_folder(archive, tmp_path / "restored")
    assert (tmp_path / "restored" / "state.json").read_text() == '{"epoch": 1}'
    assert sorted(p.name for p in tmp_path.iterdir()) == [".checkpoints.incoming", "checkpoints", "restored", "source"]


def test_missing_entry_point_names_the_argument(tmp_path):
    with pytest.raises(FileNotFoundError, match="entry_point"):
        RayBackend(str(tmp_path / "nope.py"))


class RemoveNode(TunerCallback):
    """Removes ``node`` from the cluster once a trial running there reported its third epoch."""

    def __init__(self, backend, cluster, node):
        self.backend, self.cluster, self.node = backend, cluster, node
        self.victim = None

    def on_trial_result(self, trial, status, result, decision):
        if self.victim is None and result["epoch"] >= 3 \
                and self.backend.trial_nodes(trial.trial_id)[-1] == self.node.node_id:
            self.victim = trial.trial_id
            self.cluster.remove_node(self.node, allow_graceful=False)

    def __getstate__(self):  # Tuner.save pickles callbacks; a cluster does not pickle
        return {"victim": self.victim}


class TestLocalInstance:
    def test_tuner_random_search_end_to_end(self, init_kwargs):
        backend = RayBackend(SCRIPT, ray_init_kwargs=init_kwargs)  # address=None starts the local instance
        assert ray.is_initialized()
        space = {"epochs": 3, "lr": uniform(0.1, 1.0), "sleep": 0.05}
        scheduler = FIFOScheduler(space, metric="loss", mode="min", random_seed=1)
        tuner = Tuner(backend, scheduler, StoppingCriterion(max_num_trials_completed=5), n_workers=2,
                      sleep_time=1.0, results_update_interval=0.5)
        tuner.run()
        status = tuner.tuning_status
        assert status.num_trials_completed >= 5 and status.num_trials_failed == 0
        results = next(c for c in tuner.callbacks if isinstance(c, StoreResultsCallback)).dataframe()
        for trial_id in range(5):
            assert sorted(results[results.trial_id == trial_id].epoch) == [1, 2, 3]
            assert "[tune-metric]:" in "".join(backend.stdout(trial_id))
            assert (backend.trial_path(trial_id) / "checkpoints" / "state.json").exists()
        loaded = Tuner.load(tuner.tuner_path)  # Tuner.save pickled the backend with dill
        assert isinstance(loaded.trial_backend, RayBackend) and loaded.trial_backend.trial_ids == backend.trial_ids

    def test_stop_and_pause_end_the_remote_processes(self, init_kwargs, tmp_path):
        backend = RayBackend(SCRIPT, ray_init_kwargs=init_kwargs)
        backend.set_path(tmp_path / "experiment")
        for _ in range(2):
            backend.start_trial({"epochs": 1000, "lr": 0.5, "sleep": 0.05})
        reports = _wait_forread_journal(backend, [0, 1], count=2)
        pids = [backend.trial_pid(0), backend.trial_pid(1)]
        assert [reports[t][-1]["pid"] for t in (0, 1)] == pids and all(_alive(pid) for pid in pids)
        backend.stop_trial(0)
        backend.pause_trial(1)
        assert not _alive(pids[0]) and not _alive(pids[1])
        statuses, results = backend.fetch_status_results([0, 1])
        assert [statuses[t][1] for t in (0, 1)] == [Status.stopped, Status.paused] and results == []
        saved = (tmp_path / "experiment" / "1" / "checkpoints" / "state.json").read_text()
        assert '"epoch"' in saved  # the paused trial's checkpoint came back to the driver
        backend.stop_all()

    def test_running_checkpoints_reach_the_driver_with_their_reports_never_torn(self, init_kwargs, tmp_path):
        backend = RayBackend(SCRIPT, ray_init_kwargs=init_kwargs, checkpoint_sync_period=0)
        backend.set_path(tmp_path / "experiment")
        backend.start_trial({"epochs": 100000, "lr": 0.5, "sleep": 0.05, "payload_bytes": 2**20})
        folder = backend.checkpoint_path(0)
        epochs_seen = set()
        deadline = time.monotonic() + 30
        while len(epochs_seen) < 20:
            assert time.monotonic() < deadline, f"checkpoints of {len(epochs_seen)} epochs reached the driver"
            backend.wait(1.0)
            results = backend.fetch_status_results([0])[1]
            if not results:
                continue
            state = json.loads((folder / "state.json").read_text())
            assert hashlib.sha256((folder / "weights.bin").read_bytes()).hexdigest() == state["sha"], \
                f"torn checkpoint at epoch {state['epoch']}"
            assert state["epoch"] >= results[-1][1]["epoch"]  # on disk before its reports are handed on
            epochs_seen.add(state["epoch"])
        assert backend.fetch_status_results([0])[0][0][1] == Status.in_progress
        backend.stop_all()

    def test_unavailable_resources_name_the_argument(self, init_kwargs):
        with pytest.raises(ValueError, match="resources_per_trial"):
            RayBackend(SCRIPT, resources_per_trial={"num_cpus": 1, "no_such_resource": 1},
                       ray_init_kwargs=init_kwargs)


class TestCluster:
    """A head node without CPUs and two worker nodes with one 'slot' each."""


    @staticmethod
    def _backend(cluster, **kwargs):
        return RayBackend(SCRIPT, address=cluster.address, resources_per_trial={"num_cpus": 1, "slot": 1}, **kwargs)

    def test_paused_trial_resumes_on_other_node_from_its_checkpoint(self, cluster, tmp_path):
        backend = self._backend(cluster[0])
        backend.set_path(tmp_path / "experiment")
        config = {"epochs": 1000, "lr": 0.5, "sleep": 0.05}
        backend.start_trial(config)
        before = _wait_forread_journal(backend, [0], count=3)[0]
        before += backend.pause_trial(0)  # reports printed since the last fetch
        first_node = backend.trial_nodes(0)[0]
        backend.start_trial(config)  # takes the idle runner, which holds first_node's slot
        assert backend.trial_nodes(1) == [first_node]
        backend.resume_trial(0)  # only the other node has a free slot
        after = _wait_forread_journal(backend, [0], count=3)[0]
        assert backend.trial_nodes(0)[1] != first_node
        assert after[0]["resumed_from"] == before[-1]["epoch"]
        epochs = [r["epoch"] for r in before + after]
        assert epochs == list(range(1, len(epochs) + 1))  # continues, never repeats an epoch
        backend.stop_all()

    def test_hyperband_promotion_end_to_end_across_nodes(self, cluster):
        from syne_tune.optimizer.schedulers import HyperbandScheduler

        backend = self._backend(cluster[0])
        space = {"epochs": 9, "lr": uniform(0.1, 1.0), "sleep": 0.05}
        scheduler = HyperbandScheduler(space, type="promotion", resource_attr="epoch", max_t=9, grace_period=1,
                                       reduction_factor=3, metric="loss", mode="min", random_seed=3)

        def moved(trial_id):
            return len(set(backend.trial_nodes(trial_id))) > 1

        def reported_after_move(status, trial_id):
            # the tuner polls once a second: a trial can be resumed elsewhere and not report yet
            return status.trial_metric_statistics[trial_id].max_metrics.get("resumed_from", 0) > 0

        def enough(status):
            return status.wallclock_time > 90 or (status.num_trials_finished >= 6 and any(
                moved(t) and reported_after_move(status, t) for t in backend.trial_ids))

        tuner = Tuner(backend, scheduler, enough, n_workers=2, sleep_time=1.0)
        tuner.run()
        moved_trials = [t for t in backend.trial_ids if moved(t) and reported_after_move(tuner.tuning_status, t)]
        assert moved_trials, "no paused trial resumed on the other node and reported from there"
        results = next(c for c in tuner.callbacks if isinstance(c, StoreResultsCallback)).dataframe()
        for trial_id in backend.trial_ids:
            epochs = list(results[results.trial_id == trial_id].epoch)
            assert epochs == list(range(1, len(epochs) + 1)), f"trial {trial_id} reported epochs {epochs}"
        for trial_id in moved_trials:  # the stored results show the resumption too
            assert max(results[results.trial_id == trial_id].resumed_from) > 0

    def test_lost_node_fails_its_trial_and_tuning_goes_on(self, cluster):
        # Last test of the class: it removes a node of the shared cluster.
        cluster, workers = cluster
        backend = self._backend(cluster)

        remover = RemoveNode(backend, cluster, workers[1])
        store = StoreResultsCallback()
        space = {"epochs": 20, "lr": uniform(0.1, 1.0), "sleep": 0.1}
        scheduler = FIFOScheduler(space, metric="loss", mode="min", random_seed=2)
        tuner = Tuner(backend, scheduler, StoppingCriterion(max_num_trials_completed=3, max_wallclock_time=120),
                      n_workers=2, sleep_time=1.0, max_failures=1, callbacks=[store, remover])
        tuner.run()
        status = tuner.tuning_status
        assert remover.victim is not None
        assert status.last_trial_status_seen[remover.victim] == Status.failed
        assert status.num_trials_failed == 1 and status.num_trials_completed >= 3
        results = store.dataframe()
        assert len(results[results.trial_id == remover.victim]) >= 3  # its reports before the loss are kept
        assert "actor died" in "".join(backend.stderr(remover.victim))


LAUNCHER = textwrap.dedent("""
    import sys
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import RayBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import FIFOScheduler

    if sys.argv[1] == "resume":
        Tuner.load(sys.argv[2]).run()
    else:
        backend = RayBackend(sys.argv[2], checkpoint_sync_period=0, ray_init_kwargs={
            "num_cpus": 2, "object_store_memory": 100 * 2**20, "_temp_dir": sys.argv[3]})
        space = {"epochs": 20, "lr": uniform(0.1, 1.0), "sleep": 0.25}
        scheduler = FIFOScheduler(space, metric="loss", mode="min", random_seed=1)
        Tuner(backend, scheduler, StoppingCriterion(max_num_trials_completed=2), n_workers=2, sleep_time=0.2,
              tuner_name="killed-launcher").run()
""")


def _wait_until_gone(processes: list, timeout: float) -> float:
    """Seconds until every process of ``processes`` (psutil, so a reused pid does not count) ended."""
    start = time.monotonic()
    while any(_running(p) for p in processes):
        if time.monotonic() - start > timeout:
            left = [(p.pid, " ".join(p.cmdline())[:80]) for p in processes if _running(p)]
            raise AssertionError(f"processes of the Ray instance alive {timeout}s after the launcher ended: {left}")
        time.sleep(0.1)
    return time.monotonic() - start


def _running(process) -> bool:
    import psutil

    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def test_killed_launcher_leaves_no_ray_process_and_resumes_running_trials_from_their_checkpoints(
        ray_temp, tmp_path):
    psutil = pytest.importorskip("psutil")
    temp = ray_temp / "k"  # short: Ray's socket paths must stay below 108 characters
    (temp / "ray").mkdir(parents=True)
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    env = {**os.environ, "TMPDIR": str(temp), "RAY_TMPDIR": str(temp), "HOME": str(temp),
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH", "")])}
    logs = open(tmp_path / "launcher.log", "w")
    first = subprocess.Popen([sys.executable, str(launcher), "run", SCRIPT, str(temp / "r")], env=env,
                             stdout=logs, stderr=subprocess.STDOUT)
    root = Path(os.environ[SYNE_TUNE_FOLDER_ENV])
    deadline = time.monotonic() + 120
    while True:  # until both trials journaled their third epoch, and tuner.dill exists (issue 27, item 4)
        assert first.poll() is None and time.monotonic() < deadline, (tmp_path / "launcher.log").read_text()[-3000:]
        journals = list(root.glob("killed-launcher*/journal.jsonl"))
        epochs = {r["trial_id"]: r["epoch"] for r in read_journal(journals[0]) if "epoch" in r} if journals else {}
        if len(epochs) == 2 and min(epochs.values()) >= 3 and (journals[0].parent / "tuner.dill").exists():
            break
        time.sleep(0.2)
    before = psutil.Process(first.pid).children(recursive=True)  # Ray's processes, runners, trials, guardians
    commands = " ".join(" ".join(p.cmdline()) for p in before)
    assert "raylet" in commands and "agent" in commands.lower(), commands  # Ray's agents stayed a minute before
    first.send_signal(signal.SIGKILL)
    first.wait()
    gone_after = _wait_until_gone(before, timeout=5.0)  # (a)

    experiment = journals[0].parent
    second = subprocess.run([sys.executable, str(launcher), "resume", str(experiment)], env=env,
                            stdout=logs, stderr=subprocess.STDOUT, timeout=180)
    assert second.returncode == 0, (tmp_path / "launcher.log").read_text()[-3000:]

    last_before, first_after, restarted = {}, {}, set()
    for record in read_journal(experiment / "journal.jsonl"):  # (b)
        trial_id = record.get("trial_id")
        if record.get("st_event") == "restart":
            restarted.add(trial_id)
        elif "epoch" in record and trial_id in restarted:
            first_after.setdefault(trial_id, record)
        elif "epoch" in record:
            last_before[trial_id] = record["epoch"]
    assert restarted == {0, 1}
    for trial_id in (0, 1):
        resumed = first_after[trial_id]
        assert resumed["epoch"] == resumed["resumed_from"] + 1 > 1, resumed
        assert resumed["resumed_from"] >= last_before[trial_id], (resumed, last_before)  # no report repeated
    print(f"Ray processes of the killed launcher: {len(before)}, all gone {gone_after:.2f} s after the SIGKILL")
