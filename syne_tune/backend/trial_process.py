"""TrialProcess: one run of a trial's script, shared by every backend that runs processes.

Guarantees, whatever the script does:
  * every process the run started (children, grandchildren, detached or not) ends when the run
    ends, by itself or killed: the script starts in a session of its own, carries an environment
    marker, gets SIGKILL when the thread that spawned it dies (Linux), and its session and marked
    processes are swept when its main process exits (see ``process_guard``);
  * stdout is read line by line in a thread: lines longer than ``MAX_LINE_BYTES`` are skipped
    (one warning per run), memory stays bounded, and no line can raise: a malformed metric line
    is logged and ignored;
  * parsed reports wait in a bounded queue; when the consumer falls behind, the reader stops
    reading and the script blocks on its next print (back-pressure instead of unbounded memory).
"""
from __future__ import annotations

import errno
import json
import logging
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from numbers import Real
from pathlib import Path
from typing import Callable

from syne_tune.backend.process_guard import MARKER_ENV, kill_trial_processes
from syne_tune.constants import METRIC_LINE_PREFIX, ST_WORKER_TIMESTAMP
from syne_tune.report import CHECKPOINT_DIR_ENV

logger = logging.getLogger(__name__)

MAX_LINE_BYTES = 1_000_000
MAX_QUEUED_REPORTS = 2_000  # per run: bounds memory and the backlog the tuner must store when it stops
_PREFIX = METRIC_LINE_PREFIX.encode()
_PR_SET_PDEATHSIG = 1
_READER_JOIN_SECONDS = 2.0
_PIPE_BUFFER_BYTES = 1 << 16  # fewer reads (each lets other threads take the GIL) when a trial floods


class PrintedReport(dict):
    """A report together with ``printed``, the JSON text the trial printed for it, which the
    tuner's journal stores as it is instead of encoding the report again."""

    __slots__ = ("printed",)


def parse_report(raw: bytes) -> tuple[dict | None, str | None]:
    """(report, None) for a well-formed metric line, (None, reason) otherwise. Never raises."""
    try:
        text = raw[len(_PREFIX):].decode("utf-8").strip()
        report = json.loads(text)
    except Exception as error:  # noqa: BLE001 - ValueError, RecursionError, UnicodeDecodeError, ...
        return None, f"{type(error).__name__}: {error}"[:200]
    if not isinstance(report, dict):
        return None, f"a metric line must hold a JSON object, got {type(report).__name__}"
    timestamp = report.get(ST_WORKER_TIMESTAMP)
    if type(timestamp) is float and timestamp - timestamp == 0:
        report = PrintedReport(report)  # the common case, checked cheaply
        report.printed = text
        return report, None
    if not isinstance(timestamp, Real) or isinstance(timestamp, bool) or not math.isfinite(timestamp):
        report[ST_WORKER_TIMESTAMP] = time.time()  # reports are ordered by it: it must be a number
    return report, None


def command_line_problem(command: list[str]) -> str | None:
    """Why ``command`` cannot be passed to a process as it is (a NUL byte or a lone surrogate in an
    argument), or None. Such a value would otherwise stop the spawn with a bare error, or reach the
    script as bytes that are not the config value."""
    for argument in command[1:]:
        name = argument.split("=", 1)[0] if argument.startswith("--") else repr(argument[:40])
        if "\0" in argument:
            return f"the argument {name} contains a NUL byte, which no command line can carry: use another value"
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return (f"the argument {name} contains a lone surrogate ({argument.encode('utf-8', 'backslashreplace')[:60]!r}), "
                    f"which is not text: use a valid Unicode string")
    return None


def _length(command: list[str]) -> int:
    return sum(len(argument.encode("utf-8", "surrogateescape")) + 1 for argument in command)


def _die_with_spawning_thread():
    """preexec_fn: SIGKILL the child when the thread that spawned it ends (Linux; else None)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class TrialProcess:
    """Runs ``command`` and collects its output until it ends; :meth:`kill` ends it early.

    Args:
        marker: value of ``SYNETUNE_TRIAL_MARKER`` in the process environment.
        stdout_path, stderr_path: files the output is appended to; None keeps the lines in
            ``stdout_lines`` / ``stderr_lines`` for the caller to take.
        on_output: called (from reader threads) when a report arrives at an empty queue, for every
            line kept in memory, and at the end of the run: then the consumer has news.
        label: names the run in log messages, e.g. "trial 3".
    """

    def __init__(self, command: list[str], env: dict, marker: str, stdout_path: Path | None = None,
                 stderr_path: Path | None = None, cwd: str | None = None,
                 on_output: Callable[[], None] | None = None, label: str = "trial"):
        self.label = label
        self.marker = marker
        self.reports: deque[dict] = deque()
        self.stdout_lines: deque[str] = deque()
        self.stderr_lines: deque[str] = deque()
        self.returncode: int | None = None
        self.finished = False  # the process ended and all its output was read
        self.process: subprocess.Popen | None = None
        self._stdout_path = stdout_path
        self._stderr_path = stderr_path
        self._on_output = on_output or (lambda: None)
        self._stdout_sink = None  # buffered; flushed whenever reports are taken and at the end
        self._room = threading.Event()  # set when the report queue has room again
        self._killed = False
        self._malformed = 0
        self._long_lines = 0
        env = dict(env)
        env[MARKER_ENV] = marker
        started = threading.Event()
        # The spawning thread lives as long as the process: the parent-death signal is tied to it.
        self._waiter = threading.Thread(target=self._spawn_and_wait, args=(command, env, cwd, started),
                                        daemon=True, name=f"syne-tune {label}")
        self._waiter.start()
        started.wait()

    # -- the threads ---------------------------------------------------------------------------
    def _spawn_and_wait(self, command: list[str], env: dict, cwd: str | None, started: threading.Event) -> None:
        stderr_file = open(self._stderr_path, "ab") if self._stderr_path is not None else None
        try:
            problem = command_line_problem(command)
            if problem is not None:
                raise ValueError(problem)
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=stderr_file or subprocess.PIPE, stdin=subprocess.DEVNULL,
                env=env, cwd=cwd, start_new_session=True, preexec_fn=_die_with_spawning_thread(),
                bufsize=_PIPE_BUFFER_BYTES)
        except (OSError, ValueError) as error:  # this thread must signal `started` whatever happens
            if isinstance(error, OSError) and error.errno == errno.E2BIG:
                error = f"its command line is longer than the system allows ({_length(command):,} bytes): " \
                        f"a config value is too long to pass as an argument"
            message = f"syne_tune could not start {self.label}: {error}\n"
            if stderr_file is not None:
                stderr_file.write(message.encode())
                stderr_file.flush()  # before `started`: the tuner may read std.err at once
            else:
                self.stderr_lines.append(message)
            self.returncode = 127
            self.finished = True
            started.set()
            self._on_output()
            return
        finally:
            if stderr_file is not None:
                stderr_file.close()
        started.set()
        readers = [threading.Thread(target=self._read_stdout, daemon=True)]
        if self._stderr_path is None:
            readers.append(threading.Thread(target=self._read_stderr, daemon=True))
        for reader in readers:
            reader.start()
        returncode = self.process.wait()
        # Children that outlive the script would keep its pipes open and burn resources: end them.
        kill_trial_processes(self.marker, (self.process.pid,))
        for reader in readers:
            reader.join(_READER_JOIN_SECONDS)
            if reader.is_alive():
                logger.warning("A process outside %s's session keeps its output open; not waiting for it.",
                               self.label)
        self.returncode = returncode
        self.finished = True
        self._on_output()

    def _read_stdout(self) -> None:
        stream = self.process.stdout
        sink = self._stdout_sink = open(self._stdout_path, "ab") if self._stdout_path is not None else None
        skipping = False
        try:
            while True:
                raw = stream.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    break
                complete = raw.endswith(b"\n")
                if skipping:  # the rest of an over-long line
                    skipping = not complete
                    continue
                if not complete and len(raw) > MAX_LINE_BYTES:
                    skipping = True
                    self._skip_long_line(sink)
                    continue
                if sink is not None:
                    sink.write(raw)
                else:
                    self.stdout_lines.append(raw.decode("utf-8", errors="replace"))
                    self._on_output()  # the consumer ships these lines
                if raw.startswith(_PREFIX) and self._take_metric_line(raw):
                    self._on_output()
        except Exception:  # noqa: BLE001 - a reader must never die silently with the trial running
            logger.exception("Reading the output of %s failed; its remaining output is ignored.", self.label)
        finally:
            if sink is not None:
                sink.close()
            stream.close()

    def _read_stderr(self) -> None:
        stream = self.process.stderr
        try:
            while True:
                raw = stream.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    break
                self.stderr_lines.append(raw[:MAX_LINE_BYTES].decode("utf-8", errors="replace"))
                self._on_output()
        finally:
            stream.close()

    def _skip_long_line(self, sink) -> None:
        note = f"[syne_tune: a line longer than {MAX_LINE_BYTES} bytes was skipped]\n"
        if sink is not None:
            sink.write(note.encode())
        else:
            self.stdout_lines.append(note)
        self._long_lines += 1
        if self._long_lines == 1:
            logger.warning("%s printed a line longer than %d bytes; such lines are skipped.", self.label,
                           MAX_LINE_BYTES)

    def _take_metric_line(self, raw: bytes) -> bool:
        """Queues the report of a metric line; True if the queue was empty (the consumer must wake)."""
        report, reason = parse_report(raw)
        if report is None:
            self._malformed += 1
            if self._malformed == 1:
                logger.warning("%s printed a malformed metric line (%s); such lines are ignored: %.200s",
                               self.label, reason, raw.decode("utf-8", errors="replace").strip())
            return False
        while len(self.reports) >= MAX_QUEUED_REPORTS and not self._killed:
            self._room.wait(0.05)
            self._room.clear()
        self.reports.append(report)
        return len(self.reports) == 1

    # -- the consumer's side -----------------------------------------------------------------------
    def take_reports(self, limit: int | None = None) -> list[dict]:
        """Reports not taken yet, oldest first (at most ``limit``)."""
        reports = self.reports
        count = len(reports) if limit is None else min(limit, len(reports))
        taken = [reports.popleft() for _ in range(count)]
        self._room.set()
        sink = self._stdout_sink
        if sink is not None and not sink.closed:
            try:
                sink.flush()  # std.out follows the reports the tuner has seen
            except (OSError, ValueError):  # closed by the reader meanwhile
                pass
        return taken

    @staticmethod
    def take_lines(lines: deque) -> list[str]:
        return [lines.popleft() for _ in range(len(lines))]

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def kill(self, timeout: float = 10.0) -> None:
        """Ends every process of the run and waits until its output was read.

        Reports it printed before it died stay queued (``take_reports``): they are not lost.
        """
        self._killed = True
        self._room.set()
        if self.process is not None and not self.finished:
            kill_trial_processes(self.marker, (self.process.pid,))
        self._waiter.join(timeout)


def trial_environment(gpus: tuple[int, ...] = (), checkpoint_dir: str | os.PathLike | None = None) -> dict:
    """Environment of a trial process: this one's, with one thread per numeric library by default,
    ``CUDA_VISIBLE_DEVICES`` set to ``gpus`` (e.g. "0,1") when the trial was given GPUs, and the
    checkpoint folder named for the Reporter, which records its state at each report (see
    :mod:`~syne_tune.backend.checkpoint_state`)."""
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")  # n_workers processes share the cores
    if gpus:
        env["CUDA_VISIBLE_DEVICES"] = ",".join(str(gpu) for gpu in gpus)
    if checkpoint_dir is not None:
        env[CHECKPOINT_DIR_ENV] = str(checkpoint_dir)
    return env
