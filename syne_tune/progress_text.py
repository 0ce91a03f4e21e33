"""What the progress display shows, as plain data and text: snapshot, line, block, summary.

``take_snapshot`` reads a running Tuner (its TuningStatus, stop criterion and scheduler) into
a small frozen ``ProgressSnapshot``; the ``format_*`` functions turn it into the single log
line, the notebook block and the end-of-run summary. Standard library only.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from syne_tune.backend.trial_status import Status
from syne_tune.best import ranked_items
from syne_tune.config_space import Domain
from syne_tune.tuning_status import TuningStatus

_COUNTED = (("running", Status.in_progress), ("completed", Status.completed), ("stopped", Status.stopped),
            ("paused", Status.paused), ("failed", Status.failed))
# Budgets a StoppingCriterion can set, with what they count.
_BUDGETS = (
    ("max_wallclock_time", lambda s: s.wallclock_time, "s"),
    ("max_num_trials_started", lambda s: s.num_trials_started, "trials started"),
    ("max_num_trials_completed", lambda s: s.num_trials_completed, "trials completed"),
    ("max_num_trials_finished", lambda s: s.num_trials_finished, "trials finished"),
    ("max_num_evaluations", lambda s: s.overall_metric_statistics.count, "reports"),
    ("max_cost", lambda s: s.cost, "cost"),
)


@dataclass(frozen=True)
class Budget:
    """How much of the stopping criterion's nearest limit is used up."""

    fraction: float
    used: float
    limit: float
    unit: str

    def __str__(self) -> str:
        if self.unit == "s":
            return f"{_duration(self.used)} / {_duration(self.limit)}"
        return f"{_number(self.used)} / {_number(self.limit)} {self.unit}"


@dataclass(frozen=True)
class ProgressSnapshot:
    """What one redraw shows; built from the tuner's TuningStatus."""

    elapsed: float
    budget: Budget | None
    counts: dict[str, int]
    reports: int
    reports_per_second: float
    metric: str
    mode: str
    best: tuple[int, float, dict] | None  # (trial id, value, tuned hyperparameters)


def budget_used(stop_criterion, status: TuningStatus) -> Budget | None:
    """The limit of a StoppingCriterion-like object that is closest to ending the run, or None."""
    budgets = []
    for name, measure, unit in _BUDGETS:
        limit = getattr(stop_criterion, name, None)
        if isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit > 0:
            used = measure(status)
            budgets.append(Budget(min(used / limit, 1.0), used, limit, unit))
    return max(budgets, key=lambda b: b.fraction) if budgets else None


def tuned_values(config: dict, config_space: dict) -> dict:
    """The entries of ``config`` that are tuned (a Domain in the config space), not constants."""
    return {k: v for k, v in config.items() if isinstance(config_space.get(k), Domain)}


def best_trials(status: TuningStatus, metric: str, mode: str) -> list[tuple[int, float]]:
    """(trial id, best value of ``metric``) of every trial with a value that can be best, best first."""
    return ranked_items(status.best_per_trial(metric, mode), mode)


def take_snapshot(tuner, reports_per_second: float = 0.0) -> ProgressSnapshot:
    """Reads the running ``tuner`` (its tuning_status, stop_criterion and scheduler)."""
    status = tuner.tuning_status
    metric, mode = tuner.scheduler.metric_names()[0], tuner.scheduler.metric_mode()
    seen = Counter(status.last_trial_status_seen.values())
    best = None
    ranked = best_trials(status, metric, mode)
    if ranked:
        trial_id, value = ranked[0]
        best = (trial_id, value, tuned_values(status.trial_configs.get(trial_id, {}), tuner.scheduler.config_space))
    return ProgressSnapshot(
        elapsed=status.wallclock_time, budget=budget_used(tuner.stop_criterion, status),
        counts={label: seen.get(value, 0) for label, value in _COUNTED},
        reports=status.overall_metric_statistics.count, reports_per_second=reports_per_second,
        metric=metric, mode=mode, best=best)


# -- text forms ----------------------------------------------------------------------------------

def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4g}"
    return str(int(value)) if isinstance(value, float) else str(value)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_config(config: dict, max_chars: int = 80) -> str:
    text = ", ".join(f"{k}={_number(v) if isinstance(v, (int, float)) else v}" for k, v in config.items())
    return text if len(text) <= max_chars else text[:max_chars - 3] + "..."


def format_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {label}" for label, n in counts.items())


def format_best(snapshot: ProgressSnapshot, max_chars: int = 80) -> str:
    if snapshot.best is None:
        return f"{snapshot.metric}: no report yet"
    trial_id, value, config = snapshot.best
    config_text = format_config(config, max_chars)
    return f"{snapshot.metric} {_number(value)} ({snapshot.mode}) at trial {trial_id}: {config_text}"


def format_budget(snapshot: ProgressSnapshot) -> str:
    """``12s / 30s``, or ``7 / 20 trials completed, 12s elapsed``, or ``12s elapsed (no budget set)``."""
    elapsed = _duration(snapshot.elapsed)
    if snapshot.budget is None:
        return f"{elapsed} elapsed (no time or trial budget set)"
    return str(snapshot.budget) + ("" if snapshot.budget.unit == "s" else f", {elapsed} elapsed")


def format_line(snapshot: ProgressSnapshot) -> str:
    """One log line: budget, trial counts, best so far, report rate."""
    done = format_budget(snapshot)
    if snapshot.budget is not None:
        done = f"{100 * snapshot.budget.fraction:3.0f}% ({done})"
    return (f"{done} | trials: {format_counts(snapshot.counts)} | best {format_best(snapshot, 60)} | "
            f"{snapshot.reports} reports ({snapshot.reports_per_second:.1f}/s)")


def format_block(snapshot: ProgressSnapshot, bar_width: int = 30) -> str:
    """The multi-line block of the notebook display (the terminal block draws the same with rich)."""
    done = format_budget(snapshot)
    if snapshot.budget is not None:
        filled = int(round(bar_width * snapshot.budget.fraction))
        done = f"[{'#' * filled}{'-' * (bar_width - filled)}] {100 * snapshot.budget.fraction:3.0f}%  {done}"
    return "\n".join([f"progress  {done}", f"trials    {format_counts(snapshot.counts)}",
                      f"best      {format_best(snapshot)}",
                      f"reports   {snapshot.reports} ({snapshot.reports_per_second:.1f}/s)"])


def text_table(rows: list[list[str]], right: bool = True, indent: str = "") -> str:
    """Rows of cells as aligned columns (right-aligned numbers, or left-aligned with ``right=False``)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    align = str.rjust if right else str.ljust
    return "\n".join(indent + "  ".join(align(cell, w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def format_summary(tuner, top: int = 5) -> str:
    """End-of-run summary: how it ended (finished, stopped early or interrupted), counts, best value and config,
    and the ``top`` trials as a table."""
    status = tuner.tuning_status
    snapshot = take_snapshot(tuner)
    ending = "interrupted" if getattr(tuner, "interrupted", False) else \
        "stopped early" if getattr(tuner, "stopped_early", False) else "finished"
    count = status.trial_count()
    lines = [f"Tuning {ending} after {_duration(snapshot.elapsed)}: {count.started} "
             f"trial{'' if count.started == 1 else 's'} ({count.with_reports} with reports; "
             f"{format_counts({k: v for k, v in snapshot.counts.items() if k != 'running'})}), "
             f"{snapshot.reports} reports."]
    ranked = best_trials(status, snapshot.metric, snapshot.mode)[:top]
    if ranked:
        lines.append(f"Best {format_best(snapshot, 200)}")
        space = tuner.scheduler.config_space
        keys = [k for k, v in space.items() if isinstance(v, Domain)]
        header = ["trial", "status", f"best {snapshot.metric}", "reports"] + keys
        rows = [header] + [
            [str(trial_id), status.last_trial_status_seen.get(trial_id, "?"), _number(value),
             str(status.trial_metric_statistics[trial_id].count)]
            + [_number(v) if isinstance(v, (int, float)) else str(v)
               for v in (status.trial_configs.get(trial_id, {}).get(k, "-") for k in keys)]
            for trial_id, value in ranked]
        lines.append(f"Top {len(ranked)} trials:")
        lines.append(text_table(rows, indent="  "))
    else:
        lines.append(f"No trial reported {snapshot.metric}.")
    lines.append(f"Results are in {tuner.tuner_path}")
    return "\n".join(lines)

