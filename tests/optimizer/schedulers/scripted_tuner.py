"""Test helpers: scheduler decision tables played by the real Tuner on a scripted simulated backend.

A table lists what should happen, in order: ``("new", id)`` (the Tuner starts trial ``id``),
``("new", id, parent, epoch)`` (it starts trial ``id`` from the checkpoint of trial ``parent``,
which holds that trial's report at ``epoch``; e.g. a PBT clone), ``("resume", id, milestone)``
(it resumes paused trial ``id`` towards ``milestone``, as the searcher's last pending registration
says) and ``(id, epoch, loss, decision)`` (a report and the scheduler's answer; ``loss`` is the
value of the scheduler's metric, or with several metrics the tuple of their values). ``play``
gives every report its own simulated time in table order, so the Tuner hands them to the
scheduler in exactly that order; a report of a trial the table already paused or stopped gets the
time of that decision, which is how late reports reach a Tuner (printed after the decision, in the
same round). In mode "max" a report's value is ``1 - loss`` (non-finite values and tuples are
passed as they are). The Tuner starts trials only when a worker is free, so a table's
"new"/"resume" rows follow each PAUSE/STOP (and the first ``n_workers`` start at once).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from syne_tune.backend.simulator_backend.simulator_backend import SimulatorBackend, SimulatorConfig
from syne_tune.config_space import uniform
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers import HyperbandScheduler
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher
from syne_tune.tuner_callback import TunerCallback

SPACE = {"x": uniform(0.0, 1.0), "epochs": 81}
C, P, S = SchedulerDecision.CONTINUE, SchedulerDecision.PAUSE, SchedulerDecision.STOP
NEVER = 1e6  # simulated time of a report that keeps a run going past the table's end; never delivered
ROW = "script_row"  # report key: index of the report in its trial's script (a resumed run continues after it)


class RecordingSearcher(BaseSearcher):
    """Random configs; records (call, trial_id, ...) tuples in ``calls``."""

    def __init__(self, config_space=SPACE, resource_attr="epoch", random_seed=0):
        super().__init__(config_space, metric="value", points_to_evaluate=[], random_seed=random_seed)
        self.resource_attr = resource_attr
        self.calls: list[tuple] = []

    def _next_config(self, **kwargs):
        return self.sample_random_config()

    def on_trial_result(self, trial_id, config, result, update):
        assert isinstance(trial_id, str) and "x" in config
        self.calls.append(("result", trial_id, result.get(self.resource_attr), update))

    def register_pending(self, trial_id, config=None, milestone=None):
        assert isinstance(trial_id, str) and "x" in config
        self.calls.append(("pending", trial_id, milestone))

    def remove_case(self, trial_id, **kwargs):
        self.calls.append(("remove", trial_id, kwargs))

    def cleanup_pending(self, trial_id):
        self.calls.append(("cleanup", trial_id))

    def evaluation_failed(self, trial_id):
        self.calls.append(("failed", trial_id))

    def take(self, kind=None):
        calls = [c for c in self.calls if kind is None or c[0] == kind]
        self.calls = []
        return calls


def make(type="stopping", mode="min", searcher=None, **kwargs) -> HyperbandScheduler:
    metric = kwargs.pop("metric", "value")
    return HyperbandScheduler(kwargs.pop("config_space", SPACE), type=type, metric=metric, mode=mode,
                              searcher=searcher if searcher is not None else RecordingSearcher(),
                              random_seed=kwargs.pop("random_seed", 0), **kwargs)


class ScriptedBackend(SimulatorBackend):
    """Trials report what a script says, at the simulated times it says.

    ``script[trial_id]`` is a list of ``(time, report)``; ``script`` may also be a function
    ``(trial_id, config) -> list`` asked when the trial starts, whose times count from the start
    of each run (a resumed run from its checkpoint's time). A resumed run delivers the trial's
    reports after the one its checkpoint holds; a new trial (also one started from another
    trial's checkpoint, logged with that trial and the checkpoint's epoch) starts at its script's
    first report. A run ends right after its last report, unless ``keep_running(trial_id)`` (the
    default): then it outlives the experiment.
    ``fail`` lists trials whose evaluation raises (they fail). Starts and resumes are logged in ``log``.
    """

    def __init__(self, script: dict | Callable, log: list, keep_running: Callable[[int], bool] = lambda t: True,
                 fail: Sequence[int] = (), milestone: Callable[[int, dict], object] = lambda t, c: None):
        super().__init__("elapsed", SimulatorConfig(0.0, 0.0, 0.0))
        self.script, self.log, self.keep_running, self.fail, self.milestone = script, log, keep_running, fail, milestone
        self._steps: dict[int, list] = {}
        self._parents: dict[int, int] = {}  # trial -> the trial whose checkpoint it started from

    def copy_checkpoint(self, src_trial_id: int, tgt_trial_id: int) -> None:
        self._parents[tgt_trial_id] = src_trial_id
        super().copy_checkpoint(src_trial_id, tgt_trial_id)
        if tgt_trial_id in self._checkpoints:  # the copy holds no report of the new trial's own script
            self._checkpoints[tgt_trial_id][ROW] = -1

    def _schedule(self, trial_id: int, config: dict) -> None:
        if trial_id in self._runs:
            self.log.append(("resume", trial_id, self.milestone(trial_id, config)))
        elif trial_id in self._parents:
            checkpoint = self.checkpoint(trial_id)
            self.log.append(("new", trial_id, self._parents[trial_id], checkpoint and checkpoint.get("epoch")))
        else:
            self.log.append(("new", trial_id))
        super()._schedule(trial_id, config)

    def _evaluate(self, trial_id: int, config: dict, checkpoint: dict | None) -> list[dict]:
        if trial_id in self.fail:
            raise RuntimeError(f"trial {trial_id} fails as scripted")
        relative = callable(self.script)
        if trial_id not in self._steps:  # a function script is asked once per trial, at its start
            self._steps[trial_id] = self.script(trial_id, config) if relative else self.script.get(trial_id, [])
        steps = self._steps[trial_id]
        first = 0 if checkpoint is None else checkpoint[ROW] + 1
        now = self.time()
        # A function script's times count from the start of the run, a table's are absolute.
        origin = (steps[first - 1][0] if first else 0.0) if relative else now
        reports = []
        for index, (when, report) in enumerate(steps[first:], start=first):
            if when < origin:
                raise ValueError(f"trial {trial_id}: scripted report {report} at time {when} comes before its run "
                                 f"started at {origin}; reorder the table")
            reports.append({**report, ROW: index, "elapsed": when - origin})
        if self.keep_running(trial_id):
            reports.append({"epoch": 10**6, ROW: len(steps), "elapsed": NEVER})
        return reports


class TableRecorder(TunerCallback):
    """Logs each report the Tuner hands over as a table row ``(trial, epoch, loss, decision)``;
    with several ``metrics``, ``loss`` is the tuple of their values (None for a missing one)."""

    def __init__(self, log: list, mode: str, metric: str | Sequence[str] = "value"):
        self.log, self.mode, self.metric = log, mode, metric

    def on_trial_result(self, trial, status, result, decision) -> None:
        if isinstance(self.metric, str):
            value = result.get(self.metric)
            loss = round(1.0 - value, 10) if self.mode == "max" and _finite(value) else value
        else:
            loss = tuple(result.get(name) for name in self.metric)
        self.log.append((trial.trial_id, result.get("epoch"), loss, decision))


@dataclass
class Run:
    """What ``play`` did: the Tuner's log in table form, and the tuner (scheduler, backend) afterwards."""

    log: list
    tuner: object
    probes: list = field(default_factory=list)

    @property
    def scheduler(self):
        return self.tuner.scheduler

    def trial(self, trial_id: int):
        return self.tuner.trial_backend.trial(trial_id)


def _last_pending(scheduler) -> Callable[[int, dict], object]:
    """The milestone a resumed trial runs to: the searcher's last pending registration, else its config."""
    def milestone(trial_id: int, config: dict):
        calls = getattr(scheduler.searcher, "calls", None)
        if calls is None:
            return config.get(getattr(scheduler, "max_resource_attr", None) or "epochs")
        pending = [c for c in calls if c[0] == "pending"]
        assert pending and pending[-1][1] == str(trial_id), f"resume of trial {trial_id} registered {pending[-1:]}"
        return pending[-1][2]
    return milestone


def script_of(table: Sequence[tuple], mode: str = "min",
              metric: str | Sequence[str] = "value") -> dict[int, list[tuple[float, dict]]]:
    """Each report row of ``table`` at its own simulated time (late reports share their decision's).

    With several metrics (a list), a row's ``loss`` is the tuple of their values, reported as written.
    """
    script: dict[int, list[tuple[float, dict]]] = {}
    ended: dict[int, float] = {}  # trials the table paused or stopped -> time of that decision
    now = 0.0
    for row in table:
        if row[0] == "new":
            continue
        if row[0] == "resume":
            ended.pop(row[1], None)
            continue
        trial_id, epoch, loss, decision = row
        if trial_id in ended:
            when = ended[trial_id]
        else:
            now += 1.0
            when = now
            if decision != C:
                ended[trial_id] = when
        if isinstance(metric, str):
            values = {metric: 1.0 - loss if mode == "max" and _finite(loss) else loss}
        else:
            values = dict(zip(metric, loss))
        script.setdefault(trial_id, []).append((when, {"epoch": epoch, **values}))
    return script


def play(scheduler, table: Sequence[tuple], mode: str = "min", n_workers: int = 1, script=None,
         until: Callable[[list], bool] | None = None, probe: Callable | None = None, check: bool = True,
         **backend_kwargs) -> Run:
    """Runs ``scheduler`` with the real Tuner until it did ``len(table)`` things (or ``until(log)``).

    Reports carry the scheduler's metric (a tuple of values in the table if it has several).
    The reports come from ``script`` (default: ``script_of(table, mode)``). With ``check``, asserts
    that the Tuner's log equals ``table``. ``probe(scheduler)`` is recorded for every log entry, as
    of the end of the Tuner's round that made it (``run.probes[i]`` belongs to ``run.log[i]``).
    """
    from syne_tune import Tuner

    log: list = []
    names = scheduler.metric_names()
    metric = names[0] if len(names) == 1 else names
    if until is None:
        def until(log):
            return len(log) >= len(table)
    backend = ScriptedBackend(script_of(table, mode, metric) if script is None else script, log,
                              milestone=_last_pending(scheduler), **backend_kwargs)
    recorder = TableRecorder(log, mode, metric)
    probes: list = []

    def stop(status) -> bool:
        if probe is not None:
            probes.extend(probe(scheduler) for _ in range(len(log) - len(probes)))
        return until(log) or status.wallclock_time >= NEVER / 2

    tuner = Tuner(backend, scheduler, stop, n_workers=n_workers, sleep_time=NEVER, progress="off",
                  callbacks=[recorder], tuner_name="scripted")
    tuner.run()
    run = Run(log, tuner, probes)
    if check:
        assert_log(run.log, table)
    return run


def assert_log(log: list, table: Sequence[tuple]) -> None:
    """The Tuner did what the table says; on a difference, shows both from the first one."""
    for index, (got, want) in enumerate(zip(log, table)):
        if _norm(got) != _norm(want):
            raise AssertionError(f"row {index}: expected {want}, the Tuner did {got}\n"
                                 f"expected from there: {list(table[index:index + 6])}\n"
                                 f"the Tuner's log from there: {log[index:index + 6]}")
    assert len(log) == len(table), f"the table has {len(table)} rows, the Tuner did {len(log)}: {log[len(table):]}"


def _finite(value) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def _norm(row: tuple) -> tuple:
    return tuple(_norm(v) if isinstance(v, tuple) else
                 ("nan" if math.isnan(v) else round(v, 9) if math.isfinite(v) else v) if isinstance(v, float) else v
                 for v in row)
