"""TrialRunner: the Ray actor that runs one trial's script at a time on its node.

Standard library only; RayBackend wraps the class with ``ray.remote``. Each run is a
:class:`~syne_tune.backend.trial_process.TrialProcess` (the same runner LocalBackend uses) in a
node-local folder; the runner answers long polls (``poll``) with only the output that arrived
since the previous one. Checkpoints travel through the Ray object store as tar archives, so no
shared file system is needed: an answer that carries reports also carries the checkpoint folder
if it changed since it was last shipped and ``checkpoint_sync_period`` seconds passed since then,
and the last answer of a run carries it if it changed at all (unless the run was killed while
writing it: then the driver keeps the last one it got). A running trial's folder is copied with
:func:`~syne_tune.backend.checkpoint_copy.copy_checkpoint_folder` before it is packed, so a
shipped checkpoint never mixes files of two epochs. A guardian process ends the runner's trial
processes if the actor dies.
"""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from pathlib import Path

from syne_tune.backend.checkpoint_copy import copy_checkpoint_folder
from syne_tune.backend.checkpoint_state import fingerprint, recorded_state, scan
from syne_tune.backend.process_guard import MARKER_ENV, start_guardian, stop_guardian, suspended, trial_marker
from syne_tune.backend.trial_process import TrialProcess, trial_environment
from syne_tune.constants import ST_CHECKPOINT_DIR

_SHIP_WAIT_SECONDS = 1.0  # for a running trial to reach a reported state; else the next report tries again


def pack_folder(folder: Path) -> bytes | None:
    """Uncompressed tar of ``folder``'s content (checkpoints rarely compress), or None if empty."""
    _restore_interrupted_swap(folder)
    if not folder.is_dir() or not any(folder.iterdir()):
        return None
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(str(folder), arcname=".")
    return buffer.getvalue()


def unpack_folder(data: bytes | None, folder: Path) -> None:
    """Replaces ``folder`` by the archive ``data`` (None: an empty folder).

    The archive is unpacked beside ``folder`` and swapped in by two renames, so a process killed
    meanwhile leaves the old checkpoint or the new one, never a mix (:func:`pack_folder` puts
    back the old one if the kill came between the renames).
    """
    incoming, retired = _swap_names(folder)
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    if data is not None:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(str(incoming), filter="data")
            else:  # pragma: no cover - Python without extraction filters
                archive.extractall(str(incoming))
    _restore_interrupted_swap(folder)
    shutil.rmtree(retired, ignore_errors=True)
    if folder.exists():
        os.rename(folder, retired)
    os.rename(incoming, folder)
    shutil.rmtree(retired, ignore_errors=True)


def _swap_names(folder: Path) -> tuple[Path, Path]:
    return folder.with_name(f".{folder.name}.incoming"), folder.with_name(f".{folder.name}.retired")


def _restore_interrupted_swap(folder: Path) -> None:
    """Puts back the old folder of an :func:`unpack_folder` killed between its two renames."""
    retired = _swap_names(folder)[1]
    if not folder.exists() and retired.is_dir():
        os.rename(retired, folder)


class _Run:
    """One run of a trial's script: its process, and how it ended if it never started."""

    def __init__(self, run_id: int, marker: str, workdir: Path, checkpoint_dir: Path, ship_checkpoint: bool):
        self.run_id = run_id
        self.marker = marker
        self.workdir = workdir
        self.checkpoint_dir = checkpoint_dir
        self.ship_checkpoint = ship_checkpoint
        self.process: TrialProcess | None = None
        self.failure: str | None = None  # why the process could not be started
        self.killed = False
        self.shipped: dict | None = None  # scan of the checkpoint folder as the driver has it
        self.shipped_at = time.monotonic()

    def finished(self) -> bool:
        return self.failure is not None or (self.process is not None and self.process.finished)

    def has_news(self) -> bool:
        process = self.process
        return self.finished() or (process is not None and bool(
            process.stdout_lines or process.stderr_lines or process.reports))


class TrialRunner:
    """Runs trials one after the other; RayBackend reuses a runner for many trials.

    Args:
        scratch_root: node-local folder for trial folders; default the node's temp folder.
        checkpoint_sync_period: seconds between two shipments of a running trial's checkpoint
            (0: with every report; None: only when the run ends).
    """

    def __init__(self, scratch_root: str | None = None, checkpoint_sync_period: float | None = None):
        root = Path(scratch_root or tempfile.gettempdir()) / "syne-tune-ray"
        root.mkdir(parents=True, exist_ok=True)
        self._root = Path(tempfile.mkdtemp(prefix=f"runner-{os.getpid()}-", dir=root))
        self._changed = threading.Condition()
        self._run: _Run | None = None
        self._killed_runs: set[int] = set()
        self._node_id: str | None = None
        self._checkpoint_sync_period = checkpoint_sync_period
        # Marks this runner's trial processes. It extends the marker this worker inherited from a
        # local Ray instance (ray_local_instance), whose guardian then reaches them too.
        inherited = os.environ.get(MARKER_ENV)
        self._token = f"{inherited}:{uuid.uuid4().hex[:16]}" if inherited else uuid.uuid4().hex[:16]
        self._guardian: subprocess.Popen | None = None

    def ready(self) -> bool:
        """Answers once the runner's process is up; RayBackend sends trials only to ready runners."""
        return True

    def start(self, run_id: int, trial_id: int, entry_point: str, script: bytes, arguments: list[str],
              checkpoint: bytes | None, checkpoint_dir: str | None) -> dict:
        """Starts the script; returns where it runs. A failure to start ends the run with code 127.

        Args:
            script: content of the entry point, run from a copy if ``entry_point`` is not on this node.
            checkpoint: archive unpacked into the node-local checkpoint folder (None: empty).
            checkpoint_dir: a folder every node sees; then ``checkpoint`` is ignored and nothing is shipped.
        """
        workdir = self._root / f"trial-{trial_id}"
        workdir.mkdir(parents=True, exist_ok=True)
        ship = checkpoint_dir is None
        run = _Run(run_id, trial_marker(self._token, trial_id), workdir,
                   workdir / "checkpoints" if ship else Path(checkpoint_dir), ship)
        with self._changed:
            if self._run is not None:
                raise RuntimeError(f"TrialRunner got run {run_id} while run {self._run.run_id} is active.")
            self._run = run
            if run_id in self._killed_runs:  # kill overtook start
                run.failure = ""  # nothing to tell: the driver asked for the end
                self._changed.notify_all()
                return self._where(None)
        try:
            if ship:
                unpack_folder(checkpoint, run.checkpoint_dir)
                run.shipped = scan(run.checkpoint_dir)  # what the driver has
            else:
                run.checkpoint_dir.mkdir(parents=True, exist_ok=True)
            if not Path(entry_point).is_file():
                entry_point = str(workdir / Path(entry_point).name)
                Path(entry_point).write_bytes(script)
        except OSError as error:
            with self._changed:
                run.failure = f"syne_tune RayBackend could not start the trial on {socket.gethostname()}: {error}\n"
                self._changed.notify_all()
            return self._where(None)
        if self._guardian is None or self._guardian.poll() is not None:
            self._guardian = start_guardian(self._token)
        command = [sys.executable, entry_point, *arguments, f"--{ST_CHECKPOINT_DIR}={run.checkpoint_dir}"]
        process = TrialProcess(command, trial_environment(checkpoint_dir=run.checkpoint_dir), marker=run.marker,
                               cwd=str(workdir), on_output=self._notify, label=f"trial {trial_id}")
        with self._changed:
            run.process = process
            killed_meanwhile = run.killed  # kill came while the process was being started
            self._changed.notify_all()
        if killed_meanwhile:
            process.kill()
        return self._where(process.pid)

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _where(self, pid: int | None) -> dict:
        if self._node_id is None:
            import ray

            self._node_id = ray.get_runtime_context().get_node_id()
        return {"node_id": self._node_id, "hostname": socket.gethostname(), "pid": pid}

    def poll(self, run_id: int, timeout: float) -> dict:
        """Output of run ``run_id`` since the last poll, waiting up to ``timeout`` seconds for some.

        The answer with ``done=True`` is the last one of the run: it has the exit code, and the
        runner is free for the next run. An answer has a ``checkpoint`` (archive, None if empty)
        only if the checkpoint folder changed since it was last shipped.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._run is None or self._run.run_id != run_id or not self._run.has_news():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return {"run_id": run_id, "stdout": [], "stderr": [], "results": [], "done": False}
                self._changed.wait(remaining)
            run = self._run
            done = run.finished()  # read before taking output: a finished run has none left after this
            process = run.process
            reply = {"run_id": run_id, "done": done, "results": [], "stdout": [], "stderr": []}
            if process is not None:
                reply["stdout"] = TrialProcess.take_lines(process.stdout_lines)
                reply["stderr"] = TrialProcess.take_lines(process.stderr_lines)
                reply["results"] = process.take_reports()
            if done:
                self._run = None
                self._killed_runs.discard(run_id)
        if not done:
            if reply["results"] and self._sync_due(run):
                self._ship_running_checkpoint(run, reply)
            return reply
        if run.failure:
            reply["stderr"].append(run.failure)
        reply["returncode"] = 127 if process is None else process.returncode
        # Its processes are gone: the folder holds still. A run that never started has nothing new;
        # one killed while writing its checkpoint (unlike its record) leaves the driver's last copy.
        if (run.ship_checkpoint and process is not None and scan(run.checkpoint_dir) != run.shipped
                and recorded_state(run.checkpoint_dir) in (None, fingerprint(run.checkpoint_dir))):
            reply["checkpoint"] = pack_folder(run.checkpoint_dir)
        shutil.rmtree(run.workdir, ignore_errors=True)
        return reply

    def _sync_due(self, run: _Run) -> bool:
        period = self._checkpoint_sync_period
        return (run.ship_checkpoint and run.shipped is not None and period is not None
                and time.monotonic() - run.shipped_at >= period)

    def _ship_running_checkpoint(self, run: _Run, reply: dict) -> None:
        """Adds the running trial's checkpoint to ``reply`` if it changed since it was last shipped.

        Packed from a copy that is one settled state of the folder (the trial is frozen for the
        copy if it keeps writing), or not at all: the next report tries again.
        """
        state = scan(run.checkpoint_dir)
        if state == run.shipped:
            return
        copy = run.workdir / "checkpoint-copy"
        try:
            if copy_checkpoint_folder(run.checkpoint_dir, copy, freeze=lambda: suspended(run.marker),
                                      wait_seconds=_SHIP_WAIT_SECONDS):
                reply["checkpoint"] = pack_folder(copy)
                # ``state`` may predate the copy; then the next due report ships once more
                run.shipped, run.shipped_at = state, time.monotonic()
        except OSError as error:
            reply["stderr"].append(f"syne_tune RayBackend could not ship the checkpoint of a running trial "
                                   f"from {socket.gethostname()} (it tries again at the next report): {error}\n")
        finally:
            shutil.rmtree(copy, ignore_errors=True)

    def kill(self, run_id: int) -> None:
        """Ends run ``run_id``'s processes; its last ``poll`` answer follows."""
        with self._changed:
            run = self._run
            if run is None or run.run_id != run_id:
                self._killed_runs.add(run_id)
                return
            run.killed = True
            process = run.process
        if process is not None:
            process.kill()  # its unread reports stay queued for the last poll

    def __del__(self):
        stop_guardian(getattr(self, "_guardian", None))
        shutil.rmtree(getattr(self, "_root", ""), ignore_errors=True)
