"""TuningStatus: counts and metric statistics of an experiment so far, and the status table."""
from __future__ import annotations

import numbers
import time
from collections import Counter, defaultdict
from collections.abc import Callable

from syne_tune.backend.trial_status import Status, Trial
from syne_tune.best import best_item, is_feasible, rankable
from syne_tune.constants import ST_WORKER_COST, ST_WORKER_TIME
from syne_tune.trial_count import TrialCount


class MetricsStatistics:
    """Count, min, max, sum and last value of every numeric key of a stream of reports.

    Only values that can be best (``syne_tune.best.rankable``: finite numbers) count as a min,
    max or sum: a diverged trial is never the best. Others appear in ``last_metrics`` only.
    ``metric_names`` lists the keys reported with a number (NaN and bools included), as in the
    original: the status table and ``TuningStatus.get_dataframe`` show those and leave out keys
    that only ever held text or other objects (e.g. ``"debug": "..."``). Unlike the original,
    a text value does not freeze a metric's statistics: later numbers still count.
    """

    def __init__(self):
        self.count = 0
        self.min_metrics: dict[str, float] = {}
        self.max_metrics: dict[str, float] = {}
        self.sum_metrics: dict[str, float] = defaultdict(float)
        self.last_metrics: dict[str, float] = {}
        self._numeric_names: dict[str, None] = {}  # ordered set

    @property
    def metric_names(self) -> list[str]:
        """Keys reported with a numeric value at least once, in the order first seen."""
        return list(self._numeric_names)

    def __setstate__(self, state):
        # saved (in tuner.dill) before metric_names existed: the keys with a number we still know
        if "_numeric_names" not in state:
            last = state.get("last_metrics", {})
            names = [*state.get("min_metrics", {}), *(k for k, v in last.items() if isinstance(v, numbers.Number))]
            state["_numeric_names"] = dict.fromkeys(names)
        self.__dict__.update(state)

    def add(self, result: dict) -> None:
        self.count += 1
        minima, maxima, sums, last = self.min_metrics, self.max_metrics, self.sum_metrics, self.last_metrics
        numeric = self._numeric_names
        for name, value in result.items():
            last[name] = value
            if name not in numeric and isinstance(value, numbers.Number):
                numeric[name] = None
            if not rankable(value):
                continue
            smallest = minima.get(name)
            if smallest is None:
                minima[name] = maxima[name] = value
            elif value < smallest:
                minima[name] = value
            elif value > maxima[name]:
                maxima[name] = value
            sums[name] += value


_FINISHED = (Status.completed, Status.stopped, Status.stopping, Status.failed)


class TuningStatus:
    """What the stopping criterion and the status table look at.

    ``clock`` gives the experiment's time in seconds: real time (``time.perf_counter``) by
    default, the simulated clock of a SimulatorBackend in simulated experiments.
    """

    constraint_attrs: tuple[str, ...] = ()       # class defaults: statuses pickled before constraints existed
    feasible_trial_statistics: dict = {}

    def __init__(self, metric_names: list[str], clock: Callable[[], float] = time.perf_counter,
                 constraint_attrs: list[str] | tuple[str, ...] = ()):
        self.metric_names = metric_names
        # constrained tuning (syne_tune.best.is_feasible): only feasible reports can be best
        self.constraint_attrs = tuple(constraint_attrs)
        self.feasible_trial_statistics: dict[int, MetricsStatistics] = defaultdict(MetricsStatistics)
        self.clock = clock
        self.start_time = clock()
        self.overall_metric_statistics = MetricsStatistics()
        self.trial_metric_statistics: dict[int, MetricsStatistics] = defaultdict(MetricsStatistics)
        self.last_trial_status_seen: dict[int, str] = {}
        self._status_counts: Counter[str] = Counter()  # of last_trial_status_seen's values, kept in step
        self.trial_configs: dict[int, dict] = {}

    def update(self, trial_status_dict: dict[int, tuple[Trial, str]], new_results: list[tuple[int, dict]]) -> None:
        for trial_id, result in new_results:
            self.add_result(trial_id, result)
        seen, counts = self.last_trial_status_seen, self._status_counts
        for trial_id, (trial, status) in trial_status_dict.items():
            previous = seen.get(trial_id)
            if previous != status:
                if previous is not None:
                    counts[previous] -= 1
                counts[status] += 1
                seen[trial_id] = status
            self.trial_configs[trial_id] = trial.config

    def add_result(self, trial_id: int, result: dict) -> None:
        self.overall_metric_statistics.add(result)
        self.trial_metric_statistics[trial_id].add(result)
        if self.constraint_attrs and is_feasible(result, self.constraint_attrs):
            self.feasible_trial_statistics[trial_id].add(result)

    def best_trial(self, metric: str, mode: str) -> tuple[int, float] | None:
        """(trial id, value) of the best value of ``metric`` reported so far (``syne_tune.best``:
        finite values only; with ``constraint_attrs``, feasible reports only), or None."""
        return best_item(self.best_per_trial(metric, mode), mode)

    def best_per_trial(self, metric: str, mode: str) -> list[tuple[int, float]]:
        """(trial id, its best value of ``metric``) of every trial that reported one that can be best;
        ``syne_tune.best.ranked_items`` orders them best first. With ``constraint_attrs``: of its
        feasible reports only."""
        use_max = mode == "max"
        pairs = []
        statistics = self.feasible_trial_statistics if self.constraint_attrs else self.trial_metric_statistics
        for trial_id, stats in statistics.items():
            value = (stats.max_metrics if use_max else stats.min_metrics).get(metric)
            if value is not None:
                pairs.append((trial_id, value))
        return pairs

    def continue_from(self, elapsed: float) -> None:
        """Sets the clock so that ``wallclock_time`` counts ``elapsed`` seconds already spent."""
        self.start_time = self.clock() - elapsed

    def mark_running_job_as_stopped(self) -> None:
        for trial_id, status in self.last_trial_status_seen.items():
            if status == Status.in_progress:
                self.last_trial_status_seen[trial_id] = Status.stopped
                self._status_counts[Status.in_progress] -= 1
                self._status_counts[Status.stopped] += 1

    def _count(self, *statuses: str) -> int:
        return sum(self._status_counts[status] for status in statuses)  # constant time: checked every loop

    @property
    def num_trials_started(self) -> int:
        """Every trial that started, reported or not (``syne_tune.trial_count``)."""
        return len(self.last_trial_status_seen)

    @property
    def num_trials_with_reports(self) -> int:
        return sum(1 for stats in self.trial_metric_statistics.values() if stats.count)

    def trial_count(self) -> TrialCount:
        """Trials started and how many reported; ``str()`` says so: "41 trials (38 with reports)"."""
        return TrialCount(self.num_trials_started, self.num_trials_with_reports)

    def trial_started(self, trial: Trial) -> None:
        """Counts ``trial`` from its start, before the backend reports its status: a trial started
        just before the experiment ends is a trial too."""
        self.update({trial.trial_id: (trial, Status.in_progress)}, [])

    @property
    def num_trials_completed(self) -> int:
        return self._count(Status.completed)

    @property
    def num_trials_failed(self) -> int:
        return self._count(Status.failed)

    @property
    def num_trials_finished(self) -> int:
        return self._count(*_FINISHED)

    @property
    def num_trials_running(self) -> int:
        return self._count(Status.in_progress)

    @property
    def wallclock_time(self) -> float:
        return self.clock() - self.start_time

    @property
    def user_time(self) -> float:
        return sum(s.max_metrics.get(ST_WORKER_TIME, 0.0) for s in self.trial_metric_statistics.values())

    @property
    def cost(self) -> float:
        return sum(s.max_metrics.get(ST_WORKER_COST, 0.0) for s in self.trial_metric_statistics.values())

    def __str__(self) -> str:
        return format_status_table(self)

    def get_dataframe(self):
        """One row per trial: trial_id, status, iter (reports), its config, its last reported
        values of numeric metrics (``st_*`` keys left out) and worker-time; a ``pandas.DataFrame``."""
        import pandas as pd

        rows = []
        for trial_id in sorted(self.last_trial_status_seen):
            stats = self.trial_metric_statistics[trial_id]
            row = {"trial_id": trial_id, "status": self.last_trial_status_seen[trial_id], "iter": stats.count}
            row.update(self.trial_configs.get(trial_id, {}))
            row.update({k: stats.last_metrics[k] for k in stats.metric_names if not k.startswith("st_")})
            row["worker-time"] = stats.last_metrics.get(ST_WORKER_TIME)
            rows.append(row)
        return pd.DataFrame(rows)


def _format(value, width: int = 40) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    text = str(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def format_status_table(status: TuningStatus, max_rows: int = 20) -> str:
    """One row per trial (the latest ``max_rows``): id, status, reports, config, last metrics."""
    trial_ids = sorted(status.last_trial_status_seen)[-max_rows:]
    config_keys = sorted({k for t in trial_ids for k in status.trial_configs.get(t, {})})
    metric_keys = [m for m in status.metric_names]
    extra = sorted({k for t in trial_ids for k in status.trial_metric_statistics[t].metric_names
                    if not k.startswith("st_") and k not in metric_keys})
    header = ["trial_id", "status", "iter"] + config_keys + extra + metric_keys + ["worker-time"]
    rows = [header]
    for t in trial_ids:
        stats = status.trial_metric_statistics[t]
        config = status.trial_configs.get(t, {})
        rows.append([str(t), status.last_trial_status_seen[t], str(stats.count)]
                    + [_format(config.get(k, "-")) for k in config_keys]
                    + [_format(stats.last_metrics.get(k, "-")) for k in extra + metric_keys]
                    + [_format(stats.last_metrics.get(ST_WORKER_TIME, "-"))])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    hidden = len(status.last_trial_status_seen) - len(trial_ids)
    if hidden:
        lines.append(f"({hidden} earlier trials not shown)")
    lines.append(f"{status.num_trials_running} trials running, {status.num_trials_finished} finished "
                 f"({status.num_trials_completed} until the end), {status.wallclock_time:.2f}s wallclock-time")
    return "\n".join(lines)


def print_best_metric_found(tuning_status: TuningStatus, metric_names: list[str],
                            mode: str | None = None) -> tuple[int, float] | None:
    """Prints the status table and the best value of the first metric over all reports
    (per-trial min for ``mode='min'``, the default, else max); returns (trial id, value) or None."""
    if mode not in (None, "min", "max"):
        raise ValueError(f"The 'mode' argument of print_best_metric_found must be 'min' or 'max'. Got {mode!r}.")
    if tuning_status.overall_metric_statistics.count == 0:
        return None
    metric = metric_names[0]
    best = tuning_status.best_trial(metric, mode or "min")
    print("-" * 20)
    print(f"Resource summary (last result is reported):\n{tuning_status}")
    if best is not None:
        print(f"{metric}: best {best[1]} for trial-id {best[0]}")
    print("-" * 20)
    return best
