"""The process a tracker's tool runs in, and the channel the Tuner's process feeds it through.

Why a process and not a thread: the tools (MLflow's SQL store, W&B, tensorboardX) spend
milliseconds of Python per call; in a thread of the Tuner's process they hold the GIL, and the
Tuner's loop, which takes and drops the GIL around every system call, waits for it each time
(measured: up to half the trial throughput of trivial trials). In its own process, at a lower
CPU priority, the tool costs the Tuner only the pickling of the rows it sends.

The child is started with ``python -m syne_tune.callbacks.tracker_process`` (not
multiprocessing, which would import the launcher script again in the child, and runs it twice
without an ``if __name__ == "__main__"`` guard). It reads pickled objects from stdin: first
``(callback, experiment info)``, then batches of events, until the channel closes.
"""
from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

_CLOSE = object()
_NICE = 10  # the tool yields CPU to the Tuner and the trials


class TrackerChannel:
    """Starts the child and feeds it batches from a thread, so a slow child never blocks the Tuner.

    ``pending`` counts rows put and not yet written to the child (bounded by the caller).
    """

    def __init__(self, callback, info, name: str):
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join([package_root] + [p for p in sys.path if p and p != package_root])
        env = dict(os.environ, PYTHONPATH=path)
        self.name = name
        self.pending = 0
        self._queue: queue.Queue = queue.Queue()
        self._process = subprocess.Popen([sys.executable, "-m", "syne_tune.callbacks.tracker_process"],
                                         stdin=subprocess.PIPE, env=env)
        self._broken = False
        self._queue.put(((callback, info), 0))
        self._feeder = threading.Thread(target=self._feed, daemon=True, name=f"{name}-feeder")
        self._feeder.start()

    def put(self, batch: list, rows: int) -> None:
        self.pending += rows
        self._queue.put((batch, rows))

    def _feed(self) -> None:
        stream = self._process.stdin
        while True:
            item = self._queue.get()
            if item is _CLOSE:
                break
            batch, rows = item
            if not self._broken:
                try:
                    pickle.dump(batch, stream, protocol=pickle.HIGHEST_PROTOCOL)
                    stream.flush()
                except (OSError, ValueError, pickle.PicklingError) as error:
                    self._broken = True
                    logger.warning("%s: its tracking process ended (%s); results are no longer sent to the tool. "
                                   "The experiment's own results are complete.", self.name, error)
            self.pending -= rows
        try:
            stream.close()
        except OSError:
            pass
        self._process.wait()  # blocks in waitpid: no polling while the tool takes the last batches

    def close(self, timeout: float) -> bool:
        """Sends what is queued, ends the child; False if it did not finish within ``timeout`` seconds."""
        self._queue.put(_CLOSE)
        self._feeder.join(max(0.1, timeout))
        if not self._feeder.is_alive():
            return True
        self._process.kill()
        self._feeder.join()
        return False


def _batches(stream):
    while True:
        try:
            yield pickle.load(stream)
        except EOFError:
            return


def main() -> None:
    # Ctrl-C reaches the whole process group: the Tuner ends the experiment and sends the rest; so do we.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        try:
            os.nice(_NICE)
        except OSError:
            pass
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    batches = _batches(sys.stdin.buffer)
    first = next(batches, None)
    if first is None:
        return
    callback, info = first
    callback._serve(info, batches)


if __name__ == "__main__":
    main()
