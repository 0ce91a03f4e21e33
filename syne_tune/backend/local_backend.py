"""LocalBackend: every trial is a subprocess running the training script on this machine.

Each trial gets a folder ``<results root>/<trial_id>/`` with ``config.json``, ``std.out``,
``std.err``, ``checkpoints/`` (passed as ``--st_checkpoint_dir``) and ``reports.jsonl``, where
the script's Reporter appends every report it prints (all runs of the trial: after a restart the
new run appends), so a resumed tuner finds the reports a killed launcher never read. Each run is a
:class:`~syne_tune.backend.trial_process.TrialProcess`, whose reader thread copies stdout to
``std.out`` and parses reports as they arrive, so a poll costs only the new output and the
tuner can sleep until something happens. A guardian process ends every trial process if the
launcher dies, SIGKILL included.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from syne_tune._validation import bad_argument, check_bool, check_int
from syne_tune.backend.process_guard import start_guardian, stop_guardian, suspended, trial_marker
from syne_tune.backend.trial_backend import TrialBackend, command_line_arguments
from syne_tune.backend.trial_process import TrialProcess, trial_environment
from syne_tune.backend.trial_status import Status
from syne_tune.constants import ST_CHECKPOINT_DIR
from syne_tune.report import REPORT_FILE_ENV, REPORT_FILE_NAME, reports_after

logger = logging.getLogger(__name__)


def _count_gpus() -> int:
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        listing = subprocess.run(["nvidia-smi", "--list-gpus"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in listing.stdout.splitlines() if line.startswith("GPU "))


def check_gpus_to_use(owner: str, gpus_to_use) -> list[int] | None:
    """``gpus_to_use`` as a list of distinct non-negative ints (None stays None)."""
    if gpus_to_use is None:
        return None
    rule = "a non-empty list of distinct GPU ids (integers >= 0), e.g. [0, 1, 3]"
    if isinstance(gpus_to_use, (str, bytes)) or not hasattr(gpus_to_use, "__iter__"):
        raise bad_argument(owner, "gpus_to_use", rule, gpus_to_use)
    ids = list(gpus_to_use)
    if not ids or any(isinstance(g, bool) or not isinstance(g, int) or g < 0 for g in ids) \
            or len(set(ids)) != len(ids):
        raise bad_argument(owner, "gpus_to_use", rule, gpus_to_use)
    return ids


def choose_gpus(pool: list[int], count: int, running: dict[int, tuple[int, ...]],
                times_assigned: dict[int, int]) -> tuple[int, ...]:
    """The ``count`` GPUs of ``pool`` a new trial gets: free ones first (least often assigned, then
    earlier in ``pool``); only when too few are free, those shared by the fewest running trials."""
    load = {gpu: 0 for gpu in pool}
    for gpus in running.values():
        for gpu in gpus:
            load[gpu] = load.get(gpu, 0) + 1
    order = {gpu: i for i, gpu in enumerate(pool)}
    chosen = sorted(pool, key=lambda g: (load[g], times_assigned.get(g, 0), order[g]))[:count]
    return tuple(sorted(chosen, key=order.get))


class LocalBackend(TrialBackend):
    """Runs each trial as ``python <entry_point> --name=value ... --st_checkpoint_dir=<dir>``.

    GPU placement: with ``rotate_gpus`` and more than one GPU (or with ``gpus_to_use``), each trial
    gets ``num_gpus_per_trial`` GPUs of its own through ``CUDA_VISIBLE_DEVICES``, the least used
    among the free ones. A GPU is shared only when no free one is left (more workers than
    ``len(gpus_to_use) // num_gpus_per_trial``): then the new trial gets those held by the fewest
    running trials, and a warning says so once. A GPU is free again when its trial ends or pauses.

    Args:
        entry_point: path of the training script.
        rotate_gpus: place trials on GPUs as above; False leaves ``CUDA_VISIBLE_DEVICES`` alone.
        num_gpus: number of GPUs of this machine; detected with ``nvidia-smi`` if None.
        delete_checkpoints: remove a trial's checkpoint folder once it ended for good (Completed,
            Stopped or Failed during tuning); paused trials, and trials running when tuning ends
            (a resumed experiment restarts them), keep theirs. Off by default.
        num_gpus_per_trial: GPUs each trial gets; more than there are is lowered to all of them
            (with a warning), so a launcher written for a GPU machine still runs elsewhere.
        gpus_to_use: ids of the GPUs trials may use (default: all); each must be below the
            number of GPUs.
        pass_args_as_json: accepted for the original's launchers, which it ignored too (0.13):
            the config is always passed on the command line; True logs a warning saying so.
    """

    def __init__(self, entry_point: str, rotate_gpus: bool = True, num_gpus: int | None = None,
                 delete_checkpoints: bool = False, num_gpus_per_trial: int = 1,
                 gpus_to_use: list[int] | None = None, pass_args_as_json: bool = False):
        super().__init__()
        owner = type(self).__name__
        if check_bool(owner, "pass_args_as_json", pass_args_as_json):
            logger.warning("%s passes each config on the command line (--name=value); pass_args_as_json=True is "
                           "ignored, as the original library (0.13) ignored it.", owner)
        self.delete_checkpoints = check_bool(owner, "delete_checkpoints", delete_checkpoints)
        path = Path(entry_point)
        if not path.is_file():
            raise FileNotFoundError(f"The 'entry_point' argument of LocalBackend must be an existing file. "
                                    f"Got {str(entry_point)!r}, which does not exist.")
        self.entry_point = str(path.resolve())
        self.rotate_gpus = check_bool(owner, "rotate_gpus", rotate_gpus)
        self._num_gpus = check_int(owner, "num_gpus", num_gpus, minimum=0, allow_none=True)
        self.num_gpus_per_trial = check_int(owner, "num_gpus_per_trial", num_gpus_per_trial, minimum=1)
        self.gpus_to_use = check_gpus_to_use(owner, gpus_to_use)
        if self._num_gpus is not None:
            self._gpu_pool()  # checks gpus_to_use against the given count now
        self._gpus_of_trial: dict[int, tuple[int, ...]] = {}
        self._gpu_times_assigned: dict[int, int] = {}
        self._warned_sharing = False
        self._drop_live_state()

    def entrypoint_path(self) -> Path:
        return Path(self.entry_point)

    def set_entrypoint(self, entry_point: str) -> None:
        self.entry_point = entry_point

    def _command(self, trial_id: int, config: dict) -> list[str]:
        return [sys.executable, self.entry_point, *command_line_arguments(config),
                f"--{ST_CHECKPOINT_DIR}={self.checkpoint_path(trial_id)}"]

    def _schedule(self, trial_id: int, config: dict) -> None:
        trial_path = self._prepare_trial_folder(trial_id, config)
        if self._guardian is None or self._guardian.poll() is not None:
            self._guardian = start_guardian(self._token)
        env = trial_environment(self._assign_gpus(trial_id), checkpoint_dir=self.checkpoint_path(trial_id))
        env[REPORT_FILE_ENV] = str(trial_path / REPORT_FILE_NAME)
        self._processes[trial_id] = TrialProcess(
            self._command(trial_id, config), env,
            marker=trial_marker(self._token, trial_id), stdout_path=trial_path / "std.out",
            stderr_path=trial_path / "std.err", on_output=self._notify, label=f"trial {trial_id}")

    def _freeze(self, trial_id: int):
        """Suspends the running trial's processes (its script and every child) while a clone copies
        its checkpoint; None if it does not run."""
        process = self._processes.get(trial_id)
        if process is None or process.finished or process.pid is None:
            return None
        return lambda: suspended(process.marker, (process.pid,))

    def _notify(self) -> None:
        if not self._event.is_set():  # called for every line a trial prints: keep it cheap
            self._event.set()

    def _gpu_pool(self) -> list[int]:
        """The GPUs trials are placed on; empty when trials are not placed (CPU, one GPU, or off)."""
        if not self.rotate_gpus:
            return []
        if self._num_gpus is None:
            self._num_gpus = _count_gpus()
        if self.gpus_to_use is None:
            return list(range(self._num_gpus)) if self._num_gpus > 1 else []
        too_high = [g for g in self.gpus_to_use if g >= self._num_gpus]
        if too_high:
            raise ValueError(f"The 'gpus_to_use' argument of {type(self).__name__} must hold ids below the number "
                             f"of GPUs, {self._num_gpus}. Got {self.gpus_to_use!r}; {too_high} do not exist. "
                             f"Use ids from 'nvidia-smi --list-gpus'.")
        return list(self.gpus_to_use)

    def _assign_gpus(self, trial_id: int) -> tuple[int, ...]:
        pool = self._gpu_pool()
        if not pool:
            return ()
        count = self.num_gpus_per_trial
        if count > len(pool):
            logger.warning("num_gpus_per_trial=%d but only %d GPUs can be used: each trial gets all %d.",
                           count, len(pool), len(pool))
            count = self.num_gpus_per_trial = len(pool)
        self._gpus_of_trial.pop(trial_id, None)
        gpus = choose_gpus(pool, count, self._gpus_of_trial, self._gpu_times_assigned)
        held = {g for running in self._gpus_of_trial.values() for g in running}
        if held.intersection(gpus) and not self._warned_sharing:
            self._warned_sharing = True
            logger.warning("All %d GPUs are in use: trial %d shares GPUs %s with running trials. Use at most "
                           "n_workers=%d to give every trial GPUs of its own.", len(pool), trial_id,
                           list(gpus), len(pool) // count)
        self._gpus_of_trial[trial_id] = gpus
        for gpu in gpus:
            self._gpu_times_assigned[gpu] = self._gpu_times_assigned.get(gpu, 0) + 1
        return gpus

    def _kill(self, trial_id: int) -> list[dict]:
        process = self._processes.get(trial_id)
        self._gpus_of_trial.pop(trial_id, None)
        if process is None:
            return []
        process.kill()
        return self._take_reports(trial_id, process)

    def _read_new_results(self, trial_id: int, limit: int | None = None) -> list[dict]:
        process = self._processes.get(trial_id)
        return [] if process is None else self._take_reports(trial_id, process, limit)

    def _take_reports(self, trial_id: int, process, limit: int | None = None) -> list[dict]:
        """The run's reports not taken yet; once a finished run has none left, only its exit code
        is kept (its buffers, files and threads are let go: memory does not grow with ended trials)."""
        reports = process.take_reports(limit)
        if process.finished and not process.reports and type(process) is TrialProcess:
            self._processes[trial_id] = _EndedRun(process.returncode)
        return reports

    def unreceived_reports(self, trial_id: int, last_received: dict | None) -> list[dict] | None:
        """The reports of the trial's ``reports.jsonl`` after ``last_received``."""
        return reports_after(self.trial_path(trial_id) / REPORT_FILE_NAME, last_received)

    def _exited_by_itself(self, trial_id: int) -> bool:
        process = self._processes.get(trial_id)
        return process is not None and process.returncode == 0

    def _read_status(self, trial_id: int) -> str:
        process = self._processes.get(trial_id)
        if process is None or not process.finished or process.reports:
            return Status.in_progress
        self._gpus_of_trial.pop(trial_id, None)
        return Status.completed if process.returncode == 0 else Status.failed

    def wait(self, timeout: float) -> None:
        self._event.wait(timeout)
        self._event.clear()

    def stop_all(self) -> dict[int, list[dict]]:
        late = super().stop_all()
        stop_guardian(self._guardian)  # its last sweep ends anything a trial left behind
        self._guardian = None
        return late

    def __getstate__(self):
        # Processes, threads and the guardian belong to this run; a loaded backend has none.
        state = dict(self.__dict__)
        for name in ("_processes", "_event", "_guardian"):
            state.pop(name)
        return state

    def __setstate__(self, state):
        # A backend saved before GPU placement took several GPUs per trial: one GPU each, all usable.
        old = state.pop("_gpu_of_trial", {})
        state.setdefault("_gpus_of_trial", {t: (g,) for t, g in old.items()})
        state.setdefault("num_gpus_per_trial", 1)
        state.setdefault("gpus_to_use", None)
        state.setdefault("_warned_sharing", False)
        self.__dict__.update(state)
        self._drop_live_state()

    def _drop_live_state(self) -> None:
        self._processes: dict[int, TrialProcess] = {}
        self._event = threading.Event()
        self._guardian: subprocess.Popen | None = None
        self._token = uuid.uuid4().hex[:16]  # marks this run's trial processes

    def __str__(self):
        return f"LocalBackend(entry_point={self.entry_point})"


class _EndedRun:
    """What a trial's finished run leaves once all its output was taken: its exit code."""

    finished = True
    pid = None
    reports = ()

    def __init__(self, returncode: int | None):
        self.returncode = returncode

    def kill(self, timeout: float = 0.0) -> None:
        pass

    def take_reports(self, limit: int | None = None) -> list[dict]:
        return []
