"""SimulatorBackend: trials whose reports arrive on a simulated clock instead of from processes.

A subclass says what one run of a trial reports (``_evaluate``: the reports in order, each
with ``elapsed_time_attr`` = simulated seconds since the run started). The backend turns them
into events on one simulated clock shared by all workers: a report is delivered at
``run start + elapsed + delay_on_trial_result`` and the run completes ``delay_complete_after_final_report``
after its last report. The Tuner reads this clock (``time()``), so ``st_tuner_time`` and
``max_wallclock_time`` are simulated seconds; its ``wait`` jumps to the next event instead of
sleeping. No process, file or real time is involved, so the same seed gives the same results.
Past the experiment's time budget (``set_time_limit``, from the stopping criterion's
``max_wallclock_time``) no event is delivered: the clock moves on, so the run ends, but no
report computed after the budget reaches the tuner, its results or its counts.

Checkpoints: the last report a trial delivered is its checkpoint. A paused trial resumes
from it, and ``start_trial(config, checkpoint_trial_id=...)`` starts from another trial's;
``_evaluate`` receives it and continues after the resource it holds.
"""
from __future__ import annotations

import heapq
import logging
import math
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field

from syne_tune._validation import bad_argument, check_str
from syne_tune.backend.trial_backend import TrialBackend
from syne_tune.backend.trial_status import Status
from syne_tune.constants import ST_WORKER_TIME, ST_WORKER_TIMESTAMP

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimulatorConfig:
    """Simulated delays in seconds (defaults as in the original library).

    Args:
        delay_on_trial_result: from the moment a result is computed until the tuner can read it.
        delay_complete_after_final_report: from the last report until the trial counts as completed
            (its worker is free).
        delay_start: from ``start_trial``/``resume_trial`` until the run starts computing.
    """

    delay_on_trial_result: float = 0.05
    delay_complete_after_final_report: float = 0.05
    delay_start: float = 0.05

    def __post_init__(self):
        for name in ("delay_on_trial_result", "delay_complete_after_final_report", "delay_start"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
                raise bad_argument("SimulatorConfig", name, "a finite number >= 0", value)
        if self.delay_on_trial_result > self.delay_complete_after_final_report:
            raise ValueError("The 'delay_on_trial_result' argument of SimulatorConfig must be <= "
                             f"delay_complete_after_final_report={self.delay_complete_after_final_report}. "
                             f"Got {self.delay_on_trial_result!r}.")


@dataclass
class _Run:
    """One run of a trial (from a start or resume until it completes or is killed)."""

    trial_id: int
    start: float
    reports: Sequence[dict]
    next_index: int = 0
    last_elapsed: float = 0.0
    unread: list[dict] = field(default_factory=list)
    status: str = Status.in_progress  # Completed or Failed once its completion event passed
    killed: bool = False
    error: str | None = None


class SimulatorBackend(TrialBackend):
    """Base class of simulated backends; subclasses implement ``_evaluate``.

    Args:
        elapsed_time_attr: key of a report holding the simulated seconds since its run started.
        simulator_config: the simulated delays; default ``SimulatorConfig()``.
    """

    def __init__(self, elapsed_time_attr: str, simulator_config: SimulatorConfig | None = None):
        super().__init__()
        self.elapsed_time_attr = check_str(type(self).__name__, "elapsed_time_attr", elapsed_time_attr)
        if simulator_config is None:
            simulator_config = SimulatorConfig()
        elif not isinstance(simulator_config, SimulatorConfig):
            raise bad_argument(type(self).__name__, "simulator_config", "a SimulatorConfig", simulator_config)
        self.simulator_config = simulator_config
        self._now = 0.0
        self._events: list[tuple[float, int, _Run, dict | None]] = []  # (time, sequence, run, report or None)
        self._sequence = 0
        self._runs: dict[int, _Run] = {}
        self._checkpoints: dict[int, dict] = {}  # trial id -> last report it delivered
        self._ended_unseen: set[int] = set()  # runs that ended; the tuner has not read their status yet
        self._held = False
        self._deadline = math.inf  # no event after this time is delivered (the budget is spent)

    # -- the simulated clock ----------------------------------------------------------------
    def time(self) -> float:
        """Simulated seconds since the backend was created."""
        return self._now

    def set_time_limit(self, deadline: float | None) -> None:
        """Events after ``deadline`` (on this clock) are never delivered; None: no limit."""
        self._deadline = math.inf if deadline is None else float(deadline)

    def wait(self, timeout: float) -> None:
        """Advances the clock to the next event (a report or a completion) and delivers it.

        With nothing scheduled, the clock moves on by ``timeout``. Past the time limit the
        clock moves on, but nothing is delivered.
        """
        # A run ended but the tuner has not read its status yet: no time passes until it has
        # (once: a trial the tuner no longer asks about cannot hold the clock).
        if self._ended_unseen and not self._held:
            self._held = True
            return
        self._held = False
        events = self._events
        while events and events[0][2].killed:
            heapq.heappop(events)
        self._advance_to(events[0][0] if events else self._now + timeout)

    def _advance_to(self, time: float) -> None:
        """Delivers every event up to ``time`` (and the time limit) in time order (ties: first
        scheduled first)."""
        events = self._events
        config = self.simulator_config
        last = min(time, self._deadline)
        while events and events[0][0] <= last:
            when, _, run, report = heapq.heappop(events)
            if run.killed:
                continue
            self._now = max(self._now, when)
            if report is None:
                run.status = Status.failed if run.error is not None else Status.completed
                run.reports = ()  # done: keeps tuner.dill small
                self._ended_unseen.add(run.trial_id)
                continue
            report[ST_WORKER_TIMESTAMP] = when
            report.setdefault(ST_WORKER_TIME, run.last_elapsed)
            run.unread.append(report)
            self._checkpoints[run.trial_id] = report
            self._push_next(run, config)
        self._now = max(self._now, time)

    def _push_next(self, run: _Run, config: SimulatorConfig) -> None:
        """Schedules the run's next report, or its completion after the last one."""
        if run.error is None and run.next_index < len(run.reports):
            try:
                report = dict(run.reports[run.next_index])
                elapsed = report[self.elapsed_time_attr]
                if not isinstance(elapsed, (int, float)) or not elapsed >= run.last_elapsed or elapsed == math.inf:
                    raise ValueError(f"The report {report} has {self.elapsed_time_attr}={elapsed!r}: expected a "
                                     f"finite number >= the previous report's ({run.last_elapsed}).")
            except Exception:  # noqa: BLE001 - a broken evaluation fails its trial only
                run.error = traceback.format_exc()
            else:
                run.next_index += 1
                run.last_elapsed = elapsed
                self._push(run.start + elapsed + config.delay_on_trial_result, run, report)
                return
        self._push(run.start + run.last_elapsed + config.delay_complete_after_final_report, run, None)

    def _push(self, when: float, run: _Run, report: dict | None) -> None:
        heapq.heappush(self._events, (when, self._sequence, run, report))
        self._sequence += 1

    # -- TrialBackend hooks -------------------------------------------------------------------
    def _schedule(self, trial_id: int, config: dict) -> None:
        run = _Run(trial_id=trial_id, start=self._now + self.simulator_config.delay_start, reports=())
        try:
            run.reports = self._evaluate(trial_id, config, self._checkpoints.get(trial_id))
        except Exception:  # noqa: BLE001 - a config the blackbox cannot answer fails its trial only
            run.error = traceback.format_exc()
        self._runs[trial_id] = run
        self._push_next(run, self.simulator_config)

    def _kill(self, trial_id: int) -> list[dict]:
        run = self._runs.get(trial_id)
        if run is None:
            return []
        run.killed = True
        run.reports = ()
        self._ended_unseen.discard(trial_id)
        late, run.unread = run.unread, []
        return late

    def _read_new_results(self, trial_id: int, limit: int | None = None) -> list[dict]:
        run = self._runs.get(trial_id)
        if run is None:  # marked running by a resume, not restarted (yet)
            return []
        if limit is None or len(run.unread) <= limit:
            reports, run.unread = run.unread, []
        else:
            reports, run.unread = run.unread[:limit], run.unread[limit:]
        return reports

    def _read_status(self, trial_id: int) -> str:
        """InProgress while the run goes on or has unread reports (``stop_all`` then collects
        them); ``wait`` does not advance the clock until the tuner has seen a run end. A trial a
        resume marked running but did not restart (yet) has no run: in progress, as on LocalBackend."""
        run = self._runs.get(trial_id)
        if run is None:
            return Status.in_progress
        if run.status == Status.in_progress or run.unread:
            return Status.in_progress
        self._ended_unseen.discard(trial_id)
        return run.status

    def copy_checkpoint(self, src_trial_id: int, tgt_trial_id: int) -> None:
        """The new trial continues from the last report of ``src_trial_id``."""
        checkpoint = self._checkpoints.get(src_trial_id)
        if checkpoint is None:
            logger.warning("Trial %d has no checkpoint to start trial %d from; it starts from scratch.",
                           src_trial_id, tgt_trial_id)
            return
        self._checkpoints[tgt_trial_id] = dict(checkpoint)

    def checkpoint(self, trial_id: int) -> dict | None:
        """The report a run of ``trial_id`` would continue from (its last one), or None."""
        return self._checkpoints.get(trial_id)

    def has_checkpoint(self, trial_id: int) -> bool:
        return trial_id in self._checkpoints

    def stderr(self, trial_id: int) -> list[str]:
        run = self._runs.get(trial_id)
        return run.error.splitlines(keepends=True) if run is not None and run.error else []

    def stdout(self, trial_id: int) -> list[str]:
        return []

    def _evaluate(self, trial_id: int, config: dict, checkpoint: dict | None) -> Sequence[dict]:
        """The reports of one run of ``trial_id`` with ``config``, in order.

        Each holds ``elapsed_time_attr``: simulated seconds since this run started (non-decreasing).
        ``checkpoint`` is the last report the trial (or the trial it was started from) delivered,
        None for a fresh start: a resumed run continues after it. The sequence may compute
        reports lazily (``__getitem__``): only those delivered before a stop are asked for.
        """
        raise NotImplementedError
