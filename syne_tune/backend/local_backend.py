"""LocalBackend: every trial is a subprocess running the training script on this machine.

Each trial gets a folder ``<results root>/<trial_id>/`` with ``config.json``, ``std.out``,
``std.err`` and ``checkpoints/`` (passed as ``--st_checkpoint_dir``). A reader thread per
running trial copies its stdout to ``std.out`` and parses metric lines as they arrive, so
a poll costs only the new output and the tuner can sleep until something happens.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from syne_tune.backend.trial_backend import TrialBackend, command_line_arguments
from syne_tune.backend.trial_status import Status
from syne_tune.constants import ST_CHECKPOINT_DIR
from syne_tune.report import parse_metric_line

logger = logging.getLogger(__name__)


class _TrialProcess:
    """One run of a trial's script: the process and the thread reading its stdout."""

    def __init__(self, command: list[str], env: dict, trial_path: Path, on_event: threading.Event):
        self.results: deque[dict] = deque()
        self.finished = False
        self._on_event = on_event
        with open(trial_path / "std.err", "ab") as stderr:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, env=env,
                start_new_session=True)  # own process group: killing it ends the whole tree
        self._stdout_path = trial_path / "std.out"
        self._thread = threading.Thread(target=self._read_stdout, daemon=True)
        self._thread.start()

    def _read_stdout(self) -> None:
        with open(self._stdout_path, "a", encoding="utf-8") as out:
            for raw in self.process.stdout:
                line = raw.decode("utf-8", errors="replace")
                out.write(line)
                out.flush()
                try:
                    result = parse_metric_line(line)
                except ValueError:
                    logger.warning("Ignoring a malformed metric line in %s: %s", self._stdout_path, line.strip())
                    result = None
                if result is not None:
                    self.results.append(result)
                    self._on_event.set()
        self.process.stdout.close()
        self.process.wait()
        self.finished = True
        self._on_event.set()

    def kill(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._thread.join(timeout=5.0)
        self.results.clear()


def _count_gpus() -> int:
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        listing = subprocess.run(["nvidia-smi", "--list-gpus"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in listing.stdout.splitlines() if line.startswith("GPU "))


class LocalBackend(TrialBackend):
    """Runs each trial as ``python <entry_point> --name value ... --st_checkpoint_dir <dir>``.

    Args:
        entry_point: path of the training script.
        rotate_gpus: with more than one GPU, give each trial its own (``CUDA_VISIBLE_DEVICES``),
            the least used among the free ones.
        num_gpus: number of GPUs; detected with ``nvidia-smi`` if None.
    """

    def __init__(self, entry_point: str, rotate_gpus: bool = True, num_gpus: int | None = None):
        super().__init__()
        path = Path(entry_point)
        if not path.is_file():
            raise FileNotFoundError(f"The 'entry_point' argument of LocalBackend must be an existing file. "
                                    f"Got {str(entry_point)!r}, which does not exist.")
        self.entry_point = str(path.resolve())
        self.rotate_gpus = rotate_gpus
        self._num_gpus = num_gpus
        self._gpu_of_trial: dict[int, int] = {}
        self._gpu_times_assigned: dict[int, int] = {}
        self._processes: dict[int, _TrialProcess] = {}
        self._event = threading.Event()

    def entrypoint_path(self) -> Path:
        return Path(self.entry_point)

    def set_entrypoint(self, entry_point: str) -> None:
        self.entry_point = entry_point

    def _command(self, trial_id: int, config: dict) -> list[str]:
        return [sys.executable, self.entry_point, *command_line_arguments(config),
                f"--{ST_CHECKPOINT_DIR}", str(self.checkpoint_path(trial_id))]

    def _schedule(self, trial_id: int, config: dict) -> None:
        trial_path = self._prepare_trial_folder(trial_id, config)
        env = dict(os.environ)
        env.setdefault("OMP_NUM_THREADS", "1")  # n_workers processes share the cores
        gpu = self._assign_gpu(trial_id)
        if gpu is not None:
            env["CUDA_VISIBLE_DEVICES"] = str(gpu)
        self._processes[trial_id] = _TrialProcess(self._command(trial_id, config), env, trial_path, self._event)

    def _assign_gpu(self, trial_id: int) -> int | None:
        if not self.rotate_gpus:
            return None
        if self._num_gpus is None:
            self._num_gpus = _count_gpus()
        if self._num_gpus <= 1:
            return None
        busy = set(self._gpu_of_trial.values())
        candidates = [g for g in range(self._num_gpus) if g not in busy] or list(range(self._num_gpus))
        gpu = min(candidates, key=lambda g: self._gpu_times_assigned.get(g, 0))
        self._gpu_of_trial[trial_id] = gpu
        self._gpu_times_assigned[gpu] = self._gpu_times_assigned.get(gpu, 0) + 1
        return gpu

    def _kill(self, trial_id: int) -> None:
        process = self._processes.get(trial_id)
        if process is not None:
            process.kill()
        self._gpu_of_trial.pop(trial_id, None)

    def _read_new_results(self, trial_id: int) -> list[dict]:
        process = self._processes.get(trial_id)
        if process is None:
            return []
        results = []
        while process.results:
            results.append(process.results.popleft())
        return results

    def _read_status(self, trial_id: int) -> str:
        process = self._processes.get(trial_id)
        if process is None or not process.finished:
            return Status.in_progress
        self._gpu_of_trial.pop(trial_id, None)
        return Status.completed if process.process.returncode == 0 else Status.failed

    def wait(self, timeout: float) -> None:
        self._event.wait(timeout)
        self._event.clear()

    def __getstate__(self):
        # Processes, threads and events belong to this run; a loaded backend has none.
        state = dict(self.__dict__)
        state["_processes"] = {}
        state["_event"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._event = threading.Event()

    def __str__(self):
        return f"LocalBackend(entry_point={self.entry_point})"
