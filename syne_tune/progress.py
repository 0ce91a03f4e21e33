"""Live progress of a tuning run: how far along it is and what the best config is so far.

The Tuner owns one ``TuningProgress`` and calls it once per loop; it redraws at most every
``refresh_interval`` seconds, so the loop stays fast. Where the output goes decides the form:

- a terminal: one compact block redrawn in place, drawn by ``rich`` (the ``progress`` extra);
- a Jupyter notebook: one display updated in place;
- anything else (a log file, CI, nohup): one line every ``print_update_interval`` seconds
  through logging; also the fallback on a terminal when ``rich`` is not installed.

At the end the display closes and a summary with the top trials is logged. The full status
table (``syne_tune.tuning_status.format_status_table``) is logged at DEBUG.
"""
from __future__ import annotations

import html
import logging
import os
import sys
import time
from collections import deque

from syne_tune._validation import bad_argument, check_int, check_number
from syne_tune.progress_text import (
    ProgressSnapshot, format_best, format_block, format_budget, format_counts, format_line, format_summary,
    take_snapshot,
)
from syne_tune.tuner_callback import TunerCallback
from syne_tune.tuning_status import format_status_table

logger = logging.getLogger(__name__)

MODES = ("auto", "live", "notebook", "lines", "off")


class TuningProgress(TunerCallback):
    """Shows a running experiment's progress; pass it (or one of ``MODES``) as ``Tuner(progress=...)``.

    Args:
        mode: ``"auto"`` picks ``"notebook"`` in Jupyter, ``"live"`` when ``file`` is a terminal
            and rich is installed, else ``"lines"``. ``"live"`` draws with rich even if ``file``
            is not a terminal; ``"off"`` shows nothing until the end-of-run summary.
        refresh_interval: seconds between redraws of the live and notebook displays.
        file: stream of the live display (default ``sys.stderr``).
        top_trials: rows of the end-of-run summary table.
    """

    def __init__(self, mode: str = "auto", refresh_interval: float = 0.5, file=None, top_trials: int = 5):
        if mode not in MODES:
            raise bad_argument("TuningProgress", "mode", f"one of {', '.join(map(repr, MODES))}", mode)
        if mode == "notebook":
            check_notebook("TuningProgress", "mode")
        self.mode = mode
        self.refresh_interval = check_number("TuningProgress", "refresh_interval", refresh_interval, minimum=0)
        self.top_trials = check_int("TuningProgress", "top_trials", top_trials, minimum=0)
        self.file = file
        self._reset()

    def _reset(self) -> None:
        self._tuner = None
        self._display = None
        self._interval = self._table_interval = 0.0
        self._next_refresh = self._next_table = 0.0
        self._samples: deque[tuple[float, int]] = deque(maxlen=20)

    def __getstate__(self):
        # The Tuner is pickled while it runs: keep the settings, not the open display.
        state = dict(self.__dict__)
        state.update(_tuner=None, _display=None, file=None, _samples=deque(maxlen=20))
        return state

    @property
    def display_mode(self) -> str | None:
        """The form chosen at the start of the run (``live``, ``notebook``, ``lines`` or ``off``)."""
        return None if self._display is None else self._display.mode

    def on_tuning_start(self, tuner) -> None:
        self._tuner = tuner
        self._display = _open_display(self.mode, self.file)
        now = time.perf_counter()
        self._table_interval = tuner.print_update_interval
        self._interval = self._table_interval if self._display.mode in ("lines", "off") else self.refresh_interval
        self._next_refresh = now + self._interval
        self._next_table = now + self._table_interval
        self._samples.append((now, 0))

    def on_loop_end(self) -> None:
        """Called every loop by the Tuner: a clock check unless a redraw is due."""
        now = time.perf_counter()
        if now < self._next_refresh or self._tuner is None:
            return
        self._next_refresh = now + self._interval
        self._display.show(self.snapshot(now))
        if now >= self._next_table:
            self._next_table = now + self._table_interval
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("Status:\n%s", format_status_table(self._tuner.tuning_status))

    def snapshot(self, now: float | None = None) -> ProgressSnapshot:
        """The current state; reports/s over the last ~20 redraws."""
        now = time.perf_counter() if now is None else now
        reports = self._tuner.tuning_status.overall_metric_statistics.count
        then, earlier = self._samples[0] if self._samples else (now, reports)
        self._samples.append((now, reports))
        rate = (reports - earlier) / (now - then) if now > then else 0.0
        return take_snapshot(self._tuner, rate)

    def on_tuning_end(self) -> None:
        """Draws the final state, closes the display and logs the summary of the top trials."""
        if self._tuner is None:
            return
        if self._display is not None:
            self._display.close(self.snapshot())
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("Status:\n%s", format_status_table(self._tuner.tuning_status))
        if logger.isEnabledFor(logging.INFO):
            logger.info("%s", format_summary(self._tuner, top=self.top_trials))
        self._reset()


def as_progress(progress, owner: str = "Tuner") -> TuningProgress:
    """``progress`` as given to the Tuner: a TuningProgress, one of MODES, True ("auto") or False ("off")."""
    if isinstance(progress, TuningProgress):
        return progress
    if isinstance(progress, bool):
        return TuningProgress("auto" if progress else "off")
    if progress == "notebook":
        check_notebook(owner, "progress")
    if progress in MODES:
        return TuningProgress(progress)
    raise bad_argument(owner, "progress", f"a TuningProgress, True, False or one of {', '.join(map(repr, MODES))}",
                       progress)


# -- the displays ---------------------------------------------------------------------------------

def _open_display(mode: str, file):
    if mode == "auto":
        stream = file if file is not None else sys.stderr
        if _in_notebook():
            mode = "notebook"
        elif _is_terminal(stream) and _rich_installed():
            mode = "live"
        else:
            mode = "lines"
    if mode == "live":
        if _rich_installed():
            return _LiveDisplay(file, force_terminal=True)
        logger.warning("The live progress display needs rich: pip install 'syne-tune[progress]'. "
                       "Showing progress as log lines instead.")
        mode = "lines"
    if mode == "notebook":
        if _in_kernel():
            return _NotebookDisplay()
        # e.g. a tuner created in a notebook, loaded and run in a terminal
        logger.warning("The notebook progress display needs a Jupyter notebook; showing progress as log lines.")
        mode = "lines"
    return _LineDisplay() if mode == "lines" else _NoDisplay()


def check_notebook(owner: str, argument: str) -> None:
    """Refuses ``"notebook"`` outside a Jupyter (IPython kernel) session, where it has nowhere to draw."""
    if not _in_kernel():
        raise ValueError(f"The '{argument}' argument of {owner} can be 'notebook' only in a Jupyter notebook; this "
                         f"is not one. Got 'notebook'. Use 'auto' (picks the display that fits), 'live' (a redrawn "
                         f"block on a terminal), 'lines' (log lines) or 'off'.")


def _ipython_shell():
    """The running IPython shell, or None; only if the user's session imported IPython: never import it here."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def _in_notebook() -> bool:
    return type(_ipython_shell()).__name__ == "ZMQInteractiveShell"


def _in_kernel() -> bool:
    """True in any IPython kernel that can display output (Jupyter, VS Code, Colab), not in a terminal IPython."""
    shell = _ipython_shell()
    return shell is not None and type(shell).__name__ != "TerminalInteractiveShell"


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM", "") not in ("dumb", "unknown")


def _rich_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("rich") is not None


class _NoDisplay:
    mode = "off"

    def show(self, snapshot: ProgressSnapshot) -> None: ...

    def close(self, snapshot: ProgressSnapshot) -> None: ...


class _LineDisplay(_NoDisplay):
    """One INFO log line per redraw (the caller redraws every print_update_interval)."""

    mode = "lines"

    def show(self, snapshot: ProgressSnapshot) -> None:
        logger.info("%s", format_line(snapshot))


class _NotebookDisplay(_NoDisplay):
    """One output cell area updated in place through IPython's display ids."""

    mode = "notebook"

    def __init__(self):
        from IPython.display import HTML, display

        self._html = HTML
        self._handle = display(self._html("<pre>starting...</pre>"), display_id=True)

    def show(self, snapshot: ProgressSnapshot) -> None:
        content = self._html(f"<pre>{html.escape(format_block(snapshot))}</pre>")
        if self._handle is not None:
            self._handle.update(content)

    close = show


class _LiveDisplay(_NoDisplay):
    """The terminal block, redrawn in place by rich.live.Live (no refresh thread: the tuner loop redraws).

    While it runs, log handlers that write to the terminal are pointed at rich's proxies, so
    log lines appear above the block instead of tearing it.
    """

    mode = "live"

    def __init__(self, file, force_terminal: bool):
        from rich.console import Console
        from rich.live import Live

        stdout, stderr = sys.stdout, sys.stderr
        self.console = Console(file=file if file is not None else stderr, force_terminal=force_terminal)
        self._live = Live(console=self.console, auto_refresh=False, transient=False,
                          redirect_stdout=True, redirect_stderr=True)
        self._live.start()
        proxies = {id(stdout): sys.stdout, id(stderr): sys.stderr}
        self._moved = [(handler, handler.setStream(proxies[id(handler.stream)]))
                       for handler in _terminal_handlers(stdout, stderr)
                       if proxies[id(handler.stream)] is not handler.stream]

    def show(self, snapshot: ProgressSnapshot) -> None:
        self._live.update(_rich_block(snapshot), refresh=True)

    def close(self, snapshot: ProgressSnapshot) -> None:
        self.show(snapshot)
        for handler, stream in self._moved:
            handler.setStream(stream)
        self._live.stop()


def _terminal_handlers(*streams) -> list[logging.StreamHandler]:
    loggers = [logging.getLogger(), logging.getLogger("syne_tune")]
    return [h for lg in loggers for h in lg.handlers
            if isinstance(h, logging.StreamHandler) and any(h.stream is s for s in streams)]


def _rich_block(snapshot: ProgressSnapshot):
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    done = format_budget(snapshot)
    if snapshot.budget is not None:
        text, done = done, Table.grid(padding=(0, 1))
        done.add_row(ProgressBar(total=1.0, completed=snapshot.budget.fraction, width=30),
                     f"{100 * snapshot.budget.fraction:3.0f}%", text)
    grid.add_row("progress", done)
    grid.add_row("trials", format_counts(snapshot.counts))
    grid.add_row("best", format_best(snapshot, max_chars=200))
    grid.add_row("reports", f"{snapshot.reports} ({snapshot.reports_per_second:.1f}/s)")
    return grid


def log_to_console_if_unconfigured():
    """Shows syne_tune's INFO messages on stderr when the application configured no logging."""
    package_logger = logging.getLogger("syne_tune")
    if logging.getLogger().handlers or package_logger.handlers:
        return lambda: None
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    package_logger.addHandler(handler)
    previous_level = package_logger.level
    package_logger.setLevel(logging.INFO)

    def remove():
        package_logger.removeHandler(handler)
        package_logger.setLevel(previous_level)

    return remove
