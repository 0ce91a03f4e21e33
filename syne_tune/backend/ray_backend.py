"""RayBackend: every trial runs the training script as a subprocess on a node of a Ray cluster.

The tuner, the scheduler and the results stay on the driver. Trials run inside
:class:`~syne_tune.backend.ray_trial_actor.TrialRunner` actors, which hold the trial's
resources and are reused for later trials (starting a Ray worker costs about a second).

Runner pool: a trial that finds no idle runner waits in a queue, and the backend starts one
new runner per waiting trial. A trial is sent only to a runner that answered its ``ready``
call; the first runner to become free (new or released) takes the first waiting trial.
Starting runners are never killed to hand their trial to a freed one: at most as many runners
exist as trials ran at the same time, and a runner that starts late joins the idle ones.

Transport:
  * reports, stdout and stderr: the driver keeps one long poll outstanding per running trial;
    the runner answers as soon as the script prints, with only the new lines. ``wait()`` is a
    ``ray.wait`` on these polls, so the tuner wakes up as soon as a report arrives.
  * checkpoints: the runner tars the trial's node-local checkpoint folder into an answer that
    carries reports, if the folder changed and ``checkpoint_sync_period`` seconds passed since
    it was last shipped, and into the last answer of a run if it changed at all. The driver
    unpacks it into ``<trial folder>/checkpoints`` before handing on the answer's reports, so a
    resumed experiment (``Tuner.load(...).run()``) restarts running trials from there, and ships
    it to whichever node runs the trial next. With ``storage_path`` (a folder every node mounts),
    scripts checkpoint there directly and nothing is shipped.

A local instance the backend starts itself (``address=None``) ends with the launcher, SIGKILL
included (:mod:`~syne_tune.backend.ray_local_instance`); a cluster the user started is left alone.

Ray is imported only inside this module's functions; ``import syne_tune.backend`` does not.
"""
from __future__ import annotations

import itertools
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from syne_tune.backend.ray_local_instance import init_local_ray
from syne_tune.backend.ray_trial_actor import TrialRunner, pack_folder, unpack_folder
from syne_tune.backend.trial_backend import TrialBackend, command_line_arguments
from syne_tune.backend.trial_status import Status

logger = logging.getLogger(__name__)

_POLL_SECONDS = 10.0  # a long poll returns empty after this; the driver then asks again
_KILL_TIMEOUT_SECONDS = 30.0
_RUNNER_CONCURRENCY = 4  # start, poll and kill may overlap on one runner
_MAX_RELAUNCHES = 3  # times a trial waits for another runner after its runner died before starting it
_ACTOR_OPTIONS = {"num_cpus": "num_cpus", "num_gpus": "num_gpus", "memory": "memory"}


@dataclass
class _ActiveRun:
    """Driver-side view of a trial running on a runner."""

    runner: object  # ray ActorHandle
    run_id: int
    poll: object  # ObjectRef of the outstanding TrialRunner.poll
    where: object  # ObjectRef of TrialRunner.start's answer
    start_args: tuple = ()
    relaunches: int = 0
    killed: bool = False
    where_seen: bool = field(default=False)


class RayBackend(TrialBackend):
    """Runs each trial as ``python <entry_point> --name=value ... --st_checkpoint_dir=<dir>`` on a Ray node.

    Args:
        entry_point: path of the training script on the driver. A node on which that path does
            not exist runs a copy shipped through Ray (files it imports must be on the node).
        address: None starts a local Ray instance (or uses the one ``ray.init`` already started
            in this process); 'auto' or 'ray://host:port' joins an existing cluster.
        resources_per_trial: e.g. ``{'num_cpus': 1, 'num_gpus': 1, 'memory': 2e9, 'my_res': 1}``;
            keys other than num_cpus, num_gpus and memory (bytes) are custom Ray resources.
        storage_path: folder that every node and the driver see (NFS, ...); checkpoints then live in
            ``<storage_path>/<tuner name>/<trial_id>/checkpoints`` instead of travelling through Ray.
        reuse_actors: keep a runner (and its resources) for the next trial once its trial ended.
        checkpoint_sync_period: a running trial's checkpoint is copied to the driver with its next
            report once this many seconds passed since the last copy (0: with every report; None:
            only when the run ends), if it changed; when a run ends it is copied if it changed.
            A resumed experiment restarts running trials from the last copy. Copying costs a tar
            of the folder on the node and its transfer: raise the period for big checkpoints.
            Ignored with ``storage_path``.
        runtime_env: Ray runtime environment of the runners (e.g. ``{'working_dir': '.'}``).
        ray_init_kwargs: extra arguments of ``ray.init`` (e.g. ``object_store_memory``).
    """

    def __init__(self, entry_point: str, address: str | None = None, resources_per_trial: dict | None = None,
                 storage_path: str | Path | None = None, reuse_actors: bool = True,
                 runtime_env: dict | None = None, ray_init_kwargs: dict | None = None,
                 checkpoint_sync_period: float | None = 30.0):
        super().__init__()
        path = Path(entry_point)
        if not path.is_file():
            raise FileNotFoundError(f"The 'entry_point' argument of RayBackend must be an existing file. "
                                    f"Got {str(entry_point)!r}, which does not exist.")
        if address is not None and not isinstance(address, str):
            raise TypeError(f"The 'address' argument of RayBackend must be None, 'auto' or 'ray://host:port'. "
                            f"Got {address!r}.")
        self.entry_point = str(path.resolve())
        self.address = address
        self.resources_per_trial = _check_resources({"num_cpus": 1} if resources_per_trial is None
                                                    else resources_per_trial)
        self.storage_path = None if storage_path is None else Path(storage_path).resolve()
        self.reuse_actors = bool(reuse_actors)
        self.checkpoint_sync_period = _check_sync_period(checkpoint_sync_period)
        self.runtime_env = runtime_env
        self.ray_init_kwargs = dict(ray_init_kwargs or {})
        self.tuner_name = self.trial_root.name
        self._run_ids = itertools.count()
        self._ended: dict[int, str] = {}  # status of trials whose last run ended by itself
        self._returncodes: dict[int, int] = {}  # exit code of each trial's last run, killed or not
        self._results: dict[int, deque] = {}
        self._nodes: dict[int, list[str]] = {}  # node ids of a trial's runs, in order
        self._pids: dict[int, int | None] = {}
        self._drop_live_state()
        self._connect()

    def _drop_live_state(self) -> None:
        self._runs: dict[int, _ActiveRun] = {}
        self._waiting: dict[int, tuple[tuple, int]] = {}  # trial -> (start_args, relaunches), first come first
        self._starting: dict = {}  # ObjectRef of a new runner's ``ready`` call -> runner
        self._idle_runners: list = []
        self._runner_class = None
        self._script = None

    # -- connection and runners ------------------------------------------------------------
    def _connect(self) -> None:
        import ray

        if not ray.is_initialized():
            kwargs = {"logging_level": logging.WARNING, "log_to_driver": False}
            if self.address is None:  # a new local instance
                kwargs["include_dashboard"] = False
            kwargs.update(self.ray_init_kwargs)
            if self.address is None:
                init_local_ray(**kwargs)
            else:
                ray.init(address=self.address, **kwargs)
        if self._runner_class is None:
            options = {_ACTOR_OPTIONS[k]: v for k, v in self.resources_per_trial.items() if k in _ACTOR_OPTIONS}
            custom = {k: v for k, v in self.resources_per_trial.items() if k not in _ACTOR_OPTIONS}
            options.setdefault("num_cpus", 0)
            if custom:
                options["resources"] = custom
            if self.runtime_env is not None:
                options["runtime_env"] = self.runtime_env
            self._runner_class = ray.remote(TrialRunner).options(
                max_concurrency=_RUNNER_CONCURRENCY, max_restarts=0, **options)
            self._script = Path(self.entry_point).read_bytes()
            _check_feasible(self.resources_per_trial)

    def _dispatch(self) -> None:
        """Hands waiting trials to idle runners, and starts a runner for each trial still waiting."""
        while self._waiting and self._idle_runners:
            trial_id = next(iter(self._waiting))
            start_args, relaunches = self._waiting.pop(trial_id)
            self._runs[trial_id] = self._launch(self._idle_runners.pop(), start_args, relaunches)
        while len(self._starting) < len(self._waiting):
            runner = self._runner_class.remote(
                checkpoint_sync_period=None if self.storage_path is not None else self.checkpoint_sync_period)
            self._starting[runner.ready.remote()] = runner

    def _on_runner_ready(self, ready) -> None:
        """Takes in the answer of a new runner's ``ready`` call."""
        import ray

        runner = self._starting.pop(ready)
        try:
            ray.get(ready, timeout=0)
        except ray.exceptions.RayError as error:
            _kill_actor(runner)
            if self._waiting:
                # Charge the failure to the first waiting trial, so that a runner that can never
                # start (bad runtime_env, ...) fails trials instead of being started forever.
                trial_id = next(iter(self._waiting))
                start_args, relaunches = self._waiting[trial_id]
                if relaunches >= _MAX_RELAUNCHES:
                    del self._waiting[trial_id]
                    self._note_failure(trial_id, f"its Ray actor could not start: {error}")
                else:
                    logger.warning("A runner died while starting (%s); starting another one.", error)
                    self._waiting[trial_id] = (start_args, relaunches + 1)
            self._dispatch()
            return
        self._release_runner(runner)

    def _release_runner(self, runner) -> None:
        if self.reuse_actors:
            self._idle_runners.append(runner)
        else:
            _kill_actor(runner)
        self._dispatch()

    def shutdown_runners(self) -> None:
        """Ends idle and starting runners, which hold their resources until then (``stop_all`` calls it)."""
        for runner in self._idle_runners + list(self._starting.values()):
            _kill_actor(runner)
        self._idle_runners = []
        self._starting = {}

    # -- paths -------------------------------------------------------------------------------
    def set_path(self, results_root, tuner_name=None) -> None:
        super().set_path(results_root, tuner_name)
        self.tuner_name = tuner_name or self.trial_root.name

    def checkpoint_path(self, trial_id: int) -> Path:
        """Where the trial's checkpoint is between runs (and, with storage_path, during runs)."""
        if self.storage_path is not None:
            return self.storage_path / self.tuner_name / str(trial_id) / "checkpoints"
        return super().checkpoint_path(trial_id)

    def entrypoint_path(self) -> Path:
        return Path(self.entry_point)

    # -- TrialBackend hooks ----------------------------------------------------------------------
    def _schedule(self, trial_id: int, config: dict) -> None:
        self._connect()
        self._prepare_trial_folder(trial_id, config)
        arguments = command_line_arguments(config)
        shared = self.storage_path is not None
        checkpoint = None if shared else pack_folder(self.checkpoint_path(trial_id))
        start_args = (trial_id, self.entry_point, self._script, arguments, checkpoint,
                      str(self.checkpoint_path(trial_id)) if shared else None)
        self._ended.pop(trial_id, None)
        self._returncodes.pop(trial_id, None)
        self._results[trial_id] = deque()
        self._waiting[trial_id] = (start_args, 0)
        self._dispatch()

    def _launch(self, runner, start_args: tuple, relaunches: int = 0) -> _ActiveRun:
        run_id = next(self._run_ids)
        return _ActiveRun(runner=runner, run_id=run_id, where=runner.start.remote(run_id, *start_args),
                          poll=runner.poll.remote(run_id, _POLL_SECONDS), start_args=start_args,
                          relaunches=relaunches)

    def _kill(self, trial_id: int) -> list[dict]:
        # A waiting trial has no process to end and no checkpoint to fetch; its new runner joins the idle ones.
        self._waiting.pop(trial_id, None)
        run = self._runs.get(trial_id)
        if run is not None:
            import ray

            run.killed = True
            run.runner.kill.remote(run.run_id)
            deadline = time.monotonic() + _KILL_TIMEOUT_SECONDS
            while trial_id in self._runs:
                try:
                    ray.wait([run.poll], timeout=max(0.0, deadline - time.monotonic()))
                    self._collect(trial_id, run.poll)
                except ray.exceptions.GetTimeoutError:
                    pass
                if trial_id in self._runs and time.monotonic() > deadline:
                    self._fail(trial_id, f"its runner did not end the process within {_KILL_TIMEOUT_SECONDS}s")
        return self._read_new_results(trial_id)

    def _read_new_results(self, trial_id: int, limit: int | None = None) -> list[dict]:
        results = self._results.get(trial_id)
        if not results:
            return []
        count = len(results) if limit is None else min(limit, len(results))
        return [results.popleft() for _ in range(count)]

    def _exited_by_itself(self, trial_id: int) -> bool:
        return self._returncodes.get(trial_id) == 0

    def _read_status(self, trial_id: int) -> str:
        if self._results.get(trial_id):
            return Status.in_progress  # reports of the ended run are still to be fetched
        return self._ended.get(trial_id, Status.in_progress)

    def fetch_status_results(self, trial_ids: list[int], max_results_per_trial: int | None = None):
        self._collect_ready()
        return super().fetch_status_results(trial_ids, max_results_per_trial)

    def wait(self, timeout: float) -> None:
        """Returns once a running trial printed something or ended, a new runner is ready, or ``timeout`` passed."""
        refs = [run.poll for run in self._runs.values()] + list(self._starting)
        if not refs:
            time.sleep(timeout)
            return
        import ray

        ray.wait(refs, num_returns=1, timeout=timeout)

    def stop_all(self) -> dict[int, list[dict]]:
        late = super().stop_all()
        self.shutdown_runners()
        return late

    # -- answers of the runners --------------------------------------------------------------
    def _collect_ready(self) -> None:
        """Takes in every answer that arrived: reports and ends of runs, then new runners."""
        if not self._runs and not self._starting:
            return
        import ray

        polls = {run.poll: trial_id for trial_id, run in self._runs.items()}
        refs = list(polls) + list(self._starting)
        ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
        for ref in ready:
            if ref in polls:
                self._collect(polls[ref], ref)
        for ref in ready:
            if ref in self._starting:
                self._on_runner_ready(ref)

    def _collect(self, trial_id: int, poll) -> None:
        """Takes in the ready answer ``poll`` of the trial's current run."""
        import ray

        run = self._runs[trial_id]
        try:
            reply = ray.get(poll, timeout=0)
            self._note_where(trial_id, run)
        except ray.exceptions.GetTimeoutError:
            raise
        except ray.exceptions.RayActorError as error:
            if not run.where_seen and not run.killed and run.relaunches < _MAX_RELAUNCHES:
                # Nothing of this run reached the driver (e.g. its node was lost just after the runner
                # started): start it again elsewhere instead of failing a trial that never ran.
                logger.warning("Runner of trial %d died before starting it; starting it again.", trial_id)
                _kill_actor(run.runner)
                del self._runs[trial_id]
                self._waiting = {trial_id: (run.start_args, run.relaunches + 1), **self._waiting}
                self._dispatch()
                return
            self._fail(trial_id, f"its Ray actor died (was its node lost?): {error}")
            return
        except ray.exceptions.RayError as error:
            self._fail(trial_id, f"its Ray actor raised: {error}")
            return
        if "checkpoint" in reply and self.storage_path is None:
            # before the reports: once the tuner journals a report, the checkpoint it follows is on disk
            unpack_folder(reply["checkpoint"], self.checkpoint_path(trial_id))
        self._append(trial_id, "std.out", reply["stdout"])
        self._append(trial_id, "std.err", reply["stderr"])
        self._results[trial_id].extend(reply["results"])  # also those printed before a kill
        if not reply["done"]:
            run.poll = run.runner.poll.remote(run.run_id, _POLL_SECONDS)
            return
        del self._runs[trial_id]
        self._returncodes[trial_id] = reply["returncode"]
        if not run.killed:
            self._ended[trial_id] = Status.completed if reply["returncode"] == 0 else Status.failed
        self._release_runner(run.runner)

    def _note_where(self, trial_id: int, run: _ActiveRun) -> None:
        if run.where_seen:
            return
        import ray

        where = ray.get(run.where)
        run.where_seen = True
        self._nodes.setdefault(trial_id, []).append(where["node_id"])
        self._pids[trial_id] = where["pid"]

    def _fail(self, trial_id: int, reason: str) -> None:
        run = self._runs.pop(trial_id)
        _kill_actor(run.runner)  # also if it looks dead: a merely unreachable runner must not go on
        self._note_failure(trial_id, reason, mark_failed=not run.killed)
        self._dispatch()

    def _note_failure(self, trial_id: int, reason: str, mark_failed: bool = True) -> None:
        """Writes ``reason`` to the trial's std.err and, unless it was paused or stopped, marks it Failed."""
        message = f"syne_tune RayBackend: trial {trial_id} failed: {reason}\n"
        logger.error(message.strip())
        self._append(trial_id, "std.err", [message])
        if mark_failed:
            self._ended[trial_id] = Status.failed

    def _append(self, trial_id: int, name: str, lines: list[str]) -> None:
        if lines:
            with open(self.trial_path(trial_id) / name, "a", encoding="utf-8") as stream:
                stream.writelines(lines)

    # -- inspection --------------------------------------------------------------------------
    def trial_nodes(self, trial_id: int) -> list[str]:
        """Ray node ids on which the trial's runs started, in order (waits for the current one)."""
        while trial_id in self._waiting:  # its runner is starting, or the cluster is full
            self.wait(_POLL_SECONDS)
            self._collect_ready()
        run = self._runs.get(trial_id)
        if run is not None:
            self._note_where(trial_id, run)
        return list(self._nodes.get(trial_id, []))

    def trial_pid(self, trial_id: int) -> int | None:
        """Process id (on its node) of the trial's latest run."""
        self.trial_nodes(trial_id)
        return self._pids.get(trial_id)

    def __getstate__(self):
        # Actor handles and object refs belong to this driver's Ray session; a loaded backend has none.
        state = dict(self.__dict__)
        for name in ("_runs", "_waiting", "_starting", "_idle_runners", "_runner_class", "_script", "_run_ids"):
            state.pop(name)
        state["_next_run_id"] = next(self._run_ids)
        return state

    def __setstate__(self, state):
        next_run_id = state.pop("_next_run_id")
        state.setdefault("checkpoint_sync_period", None)  # saved before running checkpoints were shipped
        self.__dict__.update(state)
        self._run_ids = itertools.count(next_run_id)
        self._drop_live_state()

    def __str__(self):
        return f"RayBackend(entry_point={self.entry_point}, address={self.address})"


def _check_resources(resources) -> dict:
    if not isinstance(resources, dict) or not resources:
        raise ValueError(f"The 'resources_per_trial' argument of RayBackend must be a non-empty dict such as "
                         f"{{'num_cpus': 1, 'num_gpus': 0}}. Got {resources!r}.")
    for name, amount in resources.items():
        if not isinstance(name, str) or isinstance(amount, bool) or not isinstance(amount, (int, float)) \
                or amount < 0:
            raise ValueError(f"The 'resources_per_trial' argument of RayBackend must map resource names to "
                             f"numbers >= 0. Got {name!r}: {amount!r}.")
    return dict(resources)


def _check_sync_period(period) -> float | None:
    if period is None:
        return None
    if isinstance(period, bool) or not isinstance(period, (int, float)) or not period >= 0:
        raise ValueError(f"The 'checkpoint_sync_period' argument of RayBackend must be a number of seconds >= 0 "
                         f"(0: with every report) or None (only when a run ends). Got {period!r}.")
    return float(period)


def _check_feasible(resources: dict) -> None:
    """Raises if no alive node offers all of ``resources``: trials would wait forever."""
    import ray

    wanted = {("CPU" if k == "num_cpus" else "GPU" if k == "num_gpus" else k): v for k, v in resources.items()}
    for node in ray.nodes():
        offered = node.get("Resources", {})
        if node.get("Alive") and all(offered.get(k, 0) >= v for k, v in wanted.items() if v > 0):
            return
    raise ValueError(f"The 'resources_per_trial' argument of RayBackend asks for {resources}, which no node of "
                     f"the Ray cluster offers (nodes: {[n.get('Resources') for n in ray.nodes() if n.get('Alive')]}). "
                     f"Ask for less or add a node that has them.")


def _kill_actor(runner) -> None:
    import ray

    try:
        ray.kill(runner, no_restart=True)
    except ray.exceptions.RayError:
        pass
