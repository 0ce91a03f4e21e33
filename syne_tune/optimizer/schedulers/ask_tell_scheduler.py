"""Ask/tell: drive any scheduler from your own loop, without a Tuner or a backend.

``ask()`` gives the next trial to evaluate (a new one, a paused one to resume, or, for PBT, a
new one that starts from another trial's checkpoint); ``tell(trial, result)`` hands the
scheduler a result and returns its decision. The scheduler is called in the order a Tuner
calls it (``suggest``, ``on_trial_add``, ``on_trial_result``, then ``on_trial_complete`` or
``on_trial_remove``), so the same scheduler, seed and results make the same decisions in both.
A trial asked for but not yet told is pending: model-based searchers account for it, as they
do for a running trial in a Tuner.

Differences from the original library's ``AskTellScheduler`` (v0.14), which called only
``suggest`` and ``on_trial_complete``: a trial may be told several results (multi-fidelity
schedulers decide on each); ``ask()`` returns None when the search space is exhausted;
``best_trial`` takes the mode from the scheduler and returns None when nothing was reported.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from syne_tune.backend.trial_status import Status, Trial, TrialResult
from syne_tune.best import best_item
from syne_tune.constants import ST_STATUS
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialScheduler, check_metric_reported
from syne_tune.results_journal import config_columns, results_row

_OWNER = "AskTellScheduler"


@dataclass
class AskTellTrial(Trial):
    """A trial handed out by :meth:`AskTellScheduler.ask`.

    ``checkpoint_trial_id`` says where its training starts: None from scratch; its own id when
    a paused trial is resumed (continue from its checkpoint); another trial's id when a new
    trial starts from that trial's checkpoint (a PBT clone with an explored config).
    """

    checkpoint_trial_id: int | None = None

    @property
    def resumed(self) -> bool:
        return self.checkpoint_trial_id == self.trial_id


class AskTellScheduler:
    """Asks ``base_scheduler`` for trials and tells it their results.

    Args:
        base_scheduler: any scheduler, e.g. ``RandomSearch``, ``BayesianOptimization``, ``ASHA``,
            ``PBT``, ``MOASHA``.

    Attributes:
        trials: every trial asked for so far, by id, with its results and status.
        trial_counter: the id the next new trial gets.
    """

    def __init__(self, base_scheduler: TrialScheduler):
        if not isinstance(base_scheduler, TrialScheduler):
            raise TypeError(f"The 'base_scheduler' argument of {_OWNER} must be a TrialScheduler, e.g. "
                            f"RandomSearch(config_space, metric=...). Got {type(base_scheduler).__name__}.")
        self.base_scheduler = base_scheduler
        self.trial_counter = 0
        self.trials: dict[int, TrialResult] = {}
        self._rows: list[dict] = []
        self._start = time.perf_counter()
        metrics = set(base_scheduler.metric_names())
        self._required = base_scheduler.required_attributes()
        # A scheduler that reads a resource (Hyperband, PBT, ...) decides on each of several results per trial.
        self._multi_fidelity = any(attribute.name not in metrics for attribute in self._required)

    # -- ask --------------------------------------------------------------------------------------
    def ask(self) -> AskTellTrial | None:
        """The next trial to evaluate, or None when the scheduler has no more configs.

        A trial with ``resumed`` True is a paused trial the scheduler promotes: continue its
        training from its checkpoint (its config may carry a new maximum resource).
        """
        suggestion = self.base_scheduler.suggest(self.trial_counter)
        if suggestion is None:
            return None
        if not suggestion.spawn_new_trial_id:
            return self._resume(suggestion.checkpoint_trial_id, suggestion.config)
        trial = AskTellTrial(trial_id=self.trial_counter, config=dict(suggestion.config),
                             checkpoint_trial_id=suggestion.checkpoint_trial_id)
        self.trial_counter += 1
        self.trials[trial.trial_id] = TrialResult(trial_id=trial.trial_id, config=trial.config,
                                                  creation_time=trial.creation_time)
        self.base_scheduler.on_trial_add(trial)
        return trial

    def _resume(self, trial_id: int, config: dict | None) -> AskTellTrial:
        record = self.trials[trial_id]
        if config is not None:
            record.config = dict(config)
        record.status = Status.in_progress
        record.training_end_time = None
        return AskTellTrial(trial_id=trial_id, config=record.config, creation_time=record.creation_time,
                            checkpoint_trial_id=trial_id)

    # -- tell -------------------------------------------------------------------------------------
    def tell(self, trial: Trial | int, experiment_result: dict | list[dict], done: bool | None = None) -> str:
        """Reports one result (or a list of them, in order) of a running trial; returns the decision.

        The decision is ``SchedulerDecision.CONTINUE``, ``PAUSE`` (stop training and keep the
        checkpoint: a later ``ask()`` may resume it) or ``STOP``. A result must hold the
        scheduler's metrics, and its resource (e.g. ``epoch``) for a multi-fidelity scheduler.

        ``done`` says whether the trial's training ended with this result. By default (None) it
        did if the scheduler reads no resource (one result per trial: random search, Bayesian
        optimization, KDE) or if the scheduler says the trial has done all its work (e.g. it
        reached ``max_t``); otherwise more results are expected.
        """
        record = self._running_record(trial)
        results = [experiment_result] if isinstance(experiment_result, dict) else list(experiment_result)
        if not results or not all(isinstance(result, dict) for result in results):
            raise TypeError(f"The 'experiment_result' argument of {_OWNER}.tell must be a dict of reported values "
                            f"(or a non-empty list of them). Got {experiment_result!r}.")
        for result in results:
            self._check_result(record, result)
        trial = Trial(trial_id=record.trial_id, config=record.config, creation_time=record.creation_time)
        decision = SchedulerDecision.CONTINUE
        for result in results:
            if record.status == Status.in_progress:
                decision = self._on_result(trial, record, result)
            else:  # after the scheduler ended the trial, like reports a Tuner receives late
                self._on_late_result(trial, record, result)
        if record.status == Status.in_progress and self._is_done(trial, done):
            self.base_scheduler.on_trial_complete(trial, results[-1])
            self._end(record, Status.completed)
            self._rows[-1][ST_STATUS] = Status.completed
        return decision

    def _on_result(self, trial: Trial, record: TrialResult, result: dict) -> str:
        decision = self.base_scheduler.on_trial_result(trial, result)
        if decision == SchedulerDecision.STOP:
            status = Status.completed if self.base_scheduler.is_trial_done(trial) else Status.stopped
        elif decision == SchedulerDecision.PAUSE:
            status = Status.paused
        else:
            status = Status.in_progress
        self._record(record, result, decision, status)
        if status != Status.in_progress:
            self.base_scheduler.on_trial_remove(trial)
            self._end(record, status)
        return decision

    def _on_late_result(self, trial: Trial, record: TrialResult, result: dict) -> None:
        """The Tuner's rule for late reports (see :mod:`syne_tune.tuner_rules`): the scheduler learns
        from it; one that finishes the trial (e.g. at max_t) makes it Completed."""
        paused = record.status == Status.paused
        if self.base_scheduler.on_trial_late_result(trial, result, paused) and record.status != Status.completed:
            self._end(record, Status.completed)
        decision = SchedulerDecision.PAUSE if record.status == Status.paused else SchedulerDecision.STOP
        self._record(record, result, decision, record.status)

    def _is_done(self, trial: Trial, done: bool | None) -> bool:
        if done is not None:
            return bool(done)
        return not self._multi_fidelity or self.base_scheduler.is_trial_done(trial)

    def tell_failure(self, trial: Trial | int) -> None:
        """The evaluation of a running trial failed: the scheduler drops it (it will not be resumed)."""
        record = self._running_record(trial)
        self.base_scheduler.on_trial_error(Trial(trial_id=record.trial_id, config=record.config,
                                                 creation_time=record.creation_time))
        self._end(record, Status.failed)

    def _running_record(self, trial: Trial | int) -> TrialResult:
        trial_id = trial if isinstance(trial, int) and not isinstance(trial, bool) else getattr(trial, "trial_id", None)
        record = self.trials.get(trial_id)
        if record is None:
            raise ValueError(f"{_OWNER} got trial {trial!r}, which ask() never returned. Pass a trial from ask() "
                             f"(or its trial_id); trials so far: {sorted(self.trials)}.")
        if record.status != Status.in_progress:
            hint = " ask() returns it again if the scheduler resumes it." if record.status == Status.paused else ""
            raise ValueError(f"Trial {trial_id} is {record.status}, so it takes no more results.{hint}")
        return record

    def _check_result(self, record: TrialResult, result: dict) -> None:
        trial = Trial(trial_id=record.trial_id, config=record.config)
        for attribute in self._required:
            if attribute.name in self.base_scheduler.metric_names():
                check_metric_reported(trial, result, attribute.name)
            elif attribute.name not in result:
                raise ValueError(f"Trial {record.trial_id} was told {result!r} without '{attribute.name}', which "
                                 f"{attribute} needs. Include it in every result, e.g. "
                                 f"tell(trial, {{..., {attribute.name!r}: 1}}).")

    def _record(self, record: TrialResult, result: dict, decision: str, status: str) -> None:
        record.metrics.append(dict(result))
        elapsed = time.perf_counter() - self._start
        self._rows.append(results_row(record.trial_id, config_columns(record.config), status, dict(result),
                                      decision, elapsed))

    @staticmethod
    def _end(record: TrialResult, status: str) -> None:
        record.status = status
        record.training_end_time = datetime.now()

    # -- results ----------------------------------------------------------------------------------
    @property
    def completed_experiments(self) -> dict[int, TrialResult]:
        """Trials whose training ended with a result (as in the original library)."""
        return {trial_id: record for trial_id, record in self.trials.items() if record.status == Status.completed}

    def best_trial(self, metric: str | None = None, mode: str | None = None) -> TrialResult | None:
        """The trial with the best reported value of ``metric`` (default: the scheduler's first
        metric; ``mode`` defaults to the scheduler's for it), or None if none was reported.
        NaN and infinite values never count as best."""
        names = self.base_scheduler.metric_names()
        metric = names[0] if metric is None else metric
        if mode is None:
            modes = getattr(self.base_scheduler, "metric_modes", None)
            modes = modes() if callable(modes) else [self.base_scheduler.metric_mode()] * len(names)
            mode = modes[names.index(metric)] if metric in names else "min"
        per_trial = []
        for trial_id, record in self.trials.items():
            item = best_item(((trial_id, result.get(metric)) for result in record.metrics), mode)
            if item is not None:
                per_trial.append(item)
        best = best_item(per_trial, mode)
        return None if best is None else self.trials[best[0]]

    def dataframe(self):
        """One row per result told: the result, ``st_decision``, ``st_status`` (the trial's status
        after it), ``trial_id``, ``config_*`` and ``st_tuner_time`` (seconds since this object
        was created), as in a Tuner's results."""
        import pandas as pd

        return pd.DataFrame(self._rows)

    # -- saving -----------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Pickles this object (scheduler included) to ``path`` with dill; :meth:`from_file` loads it."""
        import dill

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            dill.dump(self, f)
        return path

    @staticmethod
    def from_file(path: str | Path) -> "AskTellScheduler":
        import dill

        with open(path, "rb") as f:
            return dill.load(f)
