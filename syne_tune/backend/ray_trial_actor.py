"""TrialRunner: the Ray actor that runs one trial's script at a time on its node.

Standard library only; RayBackend wraps the class with ``ray.remote``. The runner starts the
script in its own process group in a node-local folder, reads stdout and stderr in threads,
and answers long polls (``poll``) with only the output that arrived since the previous one.
The last answer of a run carries the exit code and the checkpoint folder as a tar archive,
so checkpoints travel through the Ray object store and no shared file system is needed.
"""
from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

from syne_tune.constants import ST_CHECKPOINT_DIR
from syne_tune.report import parse_metric_line

_PR_SET_PDEATHSIG = 1


def _die_with_parent_thread():
    """Returns a preexec_fn that SIGKILLs the child when the thread that spawned it dies.

    If the node's Ray worker is killed (node lost, driver gone), the training script goes too.
    Linux only; elsewhere None.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def pack_folder(folder: Path) -> bytes | None:
    """Uncompressed tar of ``folder``'s content (checkpoints rarely compress), or None if empty."""
    if not folder.is_dir() or not any(folder.iterdir()):
        return None
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(str(folder), arcname=".")
    return buffer.getvalue()


def unpack_folder(data: bytes | None, folder: Path) -> None:
    """Replaces ``folder``'s content by the archive ``data`` (None leaves it empty)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    if data is None:
        return
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(str(folder), filter="data")
        else:  # pragma: no cover - Python without extraction filters
            archive.extractall(str(folder))


def _kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class _Run:
    """One run of a trial's script: its process, output buffers and exit code."""

    def __init__(self, run_id: int, workdir: Path, checkpoint_dir: Path, ship_checkpoint: bool):
        self.run_id = run_id
        self.workdir = workdir
        self.checkpoint_dir = checkpoint_dir
        self.ship_checkpoint = ship_checkpoint
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.results: list[dict] = []
        self.process: subprocess.Popen | None = None
        self.returncode: int | None = None  # set once the process ended and its output was read
        self.killed = False

    def has_news(self) -> bool:
        return bool(self.stdout or self.stderr or self.returncode is not None)


class TrialRunner:
    """Runs trials one after the other; RayBackend reuses a runner for many trials.

    Args:
        scratch_root: node-local folder for trial folders; default the node's temp folder.
    """

    def __init__(self, scratch_root: str | None = None):
        root = Path(scratch_root or tempfile.gettempdir()) / "syne-tune-ray"
        root.mkdir(parents=True, exist_ok=True)
        self._root = Path(tempfile.mkdtemp(prefix=f"runner-{os.getpid()}-", dir=root))
        self._changed = threading.Condition()
        self._run: _Run | None = None
        self._killed_runs: set[int] = set()
        self._node_id: str | None = None

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
        run = _Run(run_id, workdir, workdir / "checkpoints" if ship else Path(checkpoint_dir), ship)
        with self._changed:
            if self._run is not None:
                raise RuntimeError(f"TrialRunner got run {run_id} while run {self._run.run_id} is active.")
            self._run = run
            if run_id in self._killed_runs:  # kill overtook start
                run.returncode = -signal.SIGKILL
                self._changed.notify_all()
                return self._where(None)
        try:
            if ship:
                unpack_folder(checkpoint, run.checkpoint_dir)
            else:
                run.checkpoint_dir.mkdir(parents=True, exist_ok=True)
            if not Path(entry_point).is_file():
                entry_point = str(workdir / Path(entry_point).name)
                Path(entry_point).write_bytes(script)
            command = [sys.executable, entry_point, *arguments, f"--{ST_CHECKPOINT_DIR}", str(run.checkpoint_dir)]
        except OSError as error:
            self._fail_to_start(run, error)
            return self._where(None)
        started = threading.Event()
        # The spawning thread lives as long as the process: PDEATHSIG is tied to it.
        threading.Thread(target=self._spawn_and_wait, args=(run, command, started), daemon=True).start()
        started.wait()
        return self._where(run.process.pid if run.process is not None else None)

    def _where(self, pid: int | None) -> dict:
        if self._node_id is None:
            import ray

            self._node_id = ray.get_runtime_context().get_node_id()
        return {"node_id": self._node_id, "hostname": socket.gethostname(), "pid": pid}

    def _fail_to_start(self, run: _Run, error: Exception) -> None:
        with self._changed:
            run.stderr.append(f"syne_tune RayBackend could not start the trial on {socket.gethostname()}: {error}\n")
            run.returncode = 127
            self._changed.notify_all()

    def _spawn_and_wait(self, run: _Run, command: list[str], started: threading.Event) -> None:
        env = dict(os.environ)
        env.setdefault("OMP_NUM_THREADS", "1")
        try:
            run.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                cwd=str(run.workdir), start_new_session=True, preexec_fn=_die_with_parent_thread())
        except OSError as error:
            started.set()
            self._fail_to_start(run, error)
            return
        started.set()
        with self._changed:
            if run.killed:  # kill came while the process was being spawned
                _kill_group(run.process)
        readers = [threading.Thread(target=self._read, args=(run, run.process.stdout, True), daemon=True),
                   threading.Thread(target=self._read, args=(run, run.process.stderr, False), daemon=True)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        returncode = run.process.wait()
        with self._changed:
            run.returncode = returncode
            self._changed.notify_all()

    def _read(self, run: _Run, stream, is_stdout: bool) -> None:
        for raw in stream:
            line = raw.decode("utf-8", errors="replace")
            result = None
            if is_stdout:
                try:
                    result = parse_metric_line(line)
                except ValueError:
                    result = None
            with self._changed:
                (run.stdout if is_stdout else run.stderr).append(line)
                if result is not None:
                    run.results.append(result)
                self._changed.notify_all()
        stream.close()

    def poll(self, run_id: int, timeout: float) -> dict:
        """Output of run ``run_id`` since the last poll, waiting up to ``timeout`` seconds for some.

        The answer with ``done=True`` is the last one of the run: it has the exit code and the
        checkpoint archive, and the runner is free for the next run.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._run is None or self._run.run_id != run_id or not self._run.has_news():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return {"run_id": run_id, "stdout": [], "stderr": [], "results": [], "done": False}
                self._changed.wait(remaining)
            run = self._run
            reply = {"run_id": run_id, "stdout": run.stdout, "stderr": run.stderr, "results": run.results,
                     "done": run.returncode is not None}
            run.stdout, run.stderr, run.results = [], [], []
            if not reply["done"]:
                return reply
            self._run = None
            self._killed_runs.discard(run_id)
        reply["returncode"] = run.returncode
        reply["checkpoint"] = pack_folder(run.checkpoint_dir) if run.ship_checkpoint else None
        shutil.rmtree(run.workdir, ignore_errors=True)
        return reply

    def kill(self, run_id: int) -> None:
        """Ends run ``run_id``'s process group; its last ``poll`` answer follows."""
        with self._changed:
            run = self._run
            if run is None or run.run_id != run_id:
                self._killed_runs.add(run_id)
                return
            run.killed = True
            process = run.process
        if process is not None:
            _kill_group(process)

    def __del__(self):
        shutil.rmtree(getattr(self, "_root", ""), ignore_errors=True)
