"""Signals that end a tuning run: the first one interrupts the loop, later ones cannot cut the
shutdown short."""
from __future__ import annotations

import logging
import signal
import threading

logger = logging.getLogger(__name__)


class TuningInterrupted(KeyboardInterrupt):
    """Raised in the tuning loop when the launcher receives SIGINT, SIGTERM or SIGHUP."""


class Interruptions:
    """Turns the first SIGINT, SIGTERM or SIGHUP into TuningInterrupted in the tuning loop.

    Later signals, and every signal once ``shield`` was called, are logged and ignored until
    results are saved: a second Ctrl-C cannot cut the shutdown short. Only in the main thread.
    """

    _SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

    def __init__(self):
        self._previous: dict = {}
        self._raised = False
        self._shielded = False

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for signum in self._SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self._raised or self._shielded:
            logger.warning("Received signal %d while ending the experiment; finishing to save results first.",
                           signum)
            return
        self._raised = True
        raise TuningInterrupted(f"received signal {signum}")

    def shield(self) -> None:
        self._shielded = True

    def __exit__(self, *exc_info) -> bool:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        return False
