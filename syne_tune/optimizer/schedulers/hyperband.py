"""HyperbandScheduler: asynchronous successive halving (stopping, promotion), PASHA and Hyperband brackets.

This module keeps the bookkeeping only: which bracket and status each trial has, what the
searcher is told (``searcher_data``) and which pending evaluations it is told about. The
stop/pause/promote rules live in ``rung_systems/``, the rung levels in ``rung_levels.py``.
"""
from __future__ import annotations

import bisect
import itertools
import logging
import math
import numbers
from dataclasses import dataclass
from typing import Literal

import numpy as np

from syne_tune._validation import check_bool, check_choice, check_int, check_number, check_str, reject_unknown
from syne_tune.backend.trial_status import Trial
from syne_tune.optimizer.scheduler import (
    RequiredAttribute, SchedulerDecision, TrialSuggestion, public_result,
)
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler, required_max_t
from syne_tune.optimizer.schedulers.rung_levels import (
    bracket_probabilities, check_rung_levels, compute_rung_levels,
)
from syne_tune.optimizer.schedulers.rung_systems import RUNG_SYSTEMS, Promotion, RungSystemBase
from syne_tune.optimizer.schedulers.searchers.hypertune.options import level_search_options

logger = logging.getLogger(__name__)

SEARCHER_DATA = ("rungs", "all", "rungs_and_last")
RUNG_SYSTEM_KWARGS = {"ranking_criterion": "soft_ranking_auto", "epsilon": 1.0, "epsilon_scaling": 1.0}

_RUNNING, _PAUSED, _STOPPED, _DONE = "running", "paused", "stopped", "done"


@dataclass
class _TrialRecord:
    """What the scheduler remembers about one trial."""

    config: dict  # as proposed by the searcher (hyperparameters only)
    bracket: int
    status: str
    next_milestone: int
    reached: int = 0  # largest valid resource reported, late reports included: where its checkpoint is
    largest_update_resource: int = 0  # the searcher was updated up to here
    last_update: tuple[int, bool] | None = None  # (resource, at a rung?) of the latest searcher update
    warned_resource: bool = False


class HyperbandScheduler(FIFOScheduler):
    """Asynchronous successive halving and Hyperband; accepts all FIFOScheduler arguments.

    Rung levels are ``grace_period * reduction_factor**k`` below ``max_t``, then ``max_t``
    (or the given ``rung_levels``). At a rung, a trial is compared with the best
    ``r_j / r_{j+1}`` quantile of the metric values recorded there. Reports at or past
    ``max_t`` end the trial (STOP). See the tutorial for the types and Klein et al.,
    "Model-based Asynchronous Hyperparameter and Neural Architecture Search", arXiv:2003.10865.

    Args:
        resource_attr: result key of the resource (a positive integer, e.g. epochs done).
        grace_period: first rung level (ignored if ``rung_levels`` is given).
        reduction_factor: eta >= 2; ratio of successive rung levels (ignored if ``rung_levels``).
        rung_levels: strictly increasing positive integers; ``max_t`` is appended if missing.
        type: 'stopping' stops trials, 'promotion' (ASHA) pauses and resumes them, 'pasha'
            is ASHA with a growing maximum resource.
        brackets: number of Hyperband brackets (capped at the number of rung levels); bracket s
            starts at rung s and is drawn with probability ``bracket_probabilities``.
        rung_system_per_bracket: trials compete only within their bracket.
        searcher_data: which results update the searcher: 'rungs', 'all', 'rungs_and_last'.
        register_pending_myopic: with 'all', register only the next resource as pending.
        rung_system_kwargs: PASHA options ``ranking_criterion``, ``epsilon``, ``epsilon_scaling``.
    """

    accepts_metric_list = False

    def __init__(self, config_space: dict, resource_attr: str = "epoch", grace_period: int = 1,
                 reduction_factor: float = 3, rung_levels: list[int] | None = None,
                 type: Literal["stopping", "promotion", "pasha"] = "stopping", brackets: int = 1,
                 rung_system_per_bracket: bool = False,
                 searcher_data: Literal["rungs", "all", "rungs_and_last"] = "rungs",
                 register_pending_myopic: bool = False, rung_system_kwargs: dict | None = None, **kwargs):
        owner = "HyperbandScheduler"
        reject_unknown(owner, [k for k in kwargs if k not in self._argument_names()], self._argument_names())
        self.resource_attr = check_str(owner, "resource_attr", resource_attr)
        grace_period = check_int(owner, "grace_period", grace_period, minimum=1)
        reduction_factor = check_number(owner, "reduction_factor", reduction_factor, minimum=2, finite=True)
        self.type = check_choice(owner, "type", type, RUNG_SYSTEMS)
        brackets = check_int(owner, "brackets", brackets, minimum=1)
        self.rung_system_per_bracket = check_bool(owner, "rung_system_per_bracket", rung_system_per_bracket)
        self.searcher_data = check_choice(owner, "searcher_data", searcher_data, SEARCHER_DATA)
        self.register_pending_myopic = check_bool(owner, "register_pending_myopic", register_pending_myopic)
        self.rung_system_kwargs = _check_rung_system_kwargs(rung_system_kwargs)
        max_t = required_max_t(owner, config_space, kwargs.get("max_t"), kwargs.get("max_resource_attr"))
        self.rung_levels = (compute_rung_levels(grace_period, reduction_factor, max_t) if rung_levels is None
                            else check_rung_levels(rung_levels, max_t))
        kwargs["search_options"] = level_search_options(
            kwargs.get("searcher", "random"), kwargs.get("search_options"), self.rung_levels, max_t,
            all_levels=self.searcher_data != "rungs", default_model="gp_multitask")
        super().__init__(config_space, **kwargs)  # builds the searcher; reads _multi_fidelity_arguments()
        self.grace_period, self.reduction_factor = grace_period, reduction_factor
        self.bracket_probabilities = bracket_probabilities(self.rung_levels, brackets)
        self._bracket_cdf = list(itertools.accumulate(self.bracket_probabilities))
        self._bracket_random_state = np.random.RandomState(self._next_seed())
        kind = RUNG_SYSTEMS[self.type]
        num_systems = len(self.bracket_probabilities) if self.rung_system_per_bracket else 1
        self._rung_systems = [self._make_rung_system(kind, self.rung_levels[s:]) for s in range(num_systems)]
        self._sign = 1.0 if self.mode == "min" else -1.0
        self._trials: dict[int, _TrialRecord] = {}

    def _make_rung_system(self, kind: type[RungSystemBase], levels: list[int]) -> RungSystemBase:
        if not kind.pauses:
            return kind(levels)
        # with max_resource_attr the script ends at each milestone, so a trial cannot just continue there
        always_pause = self.max_resource_attr is not None
        return kind(levels, always_pause, **self.rung_system_kwargs) if self.type == "pasha" \
            else kind(levels, always_pause)

    def _multi_fidelity_arguments(self) -> dict:
        return {"resource_attr": self.resource_attr, "max_t": self.max_t}

    @property
    def pauses_trials(self) -> bool:
        """True for the pause-and-resume types ('promotion', 'pasha')."""
        return RUNG_SYSTEMS[self.type].pauses

    def rung_system(self, bracket: int = 0) -> RungSystemBase:
        """The rung system trials of ``bracket`` compete in."""
        return self._rung_systems[bracket if self.rung_system_per_bracket else 0]

    # --- suggestions -------------------------------------------------------------------------

    def _suggest(self, trial_id: int) -> TrialSuggestion | None:
        promotion = self._find_promotion()
        if promotion is not None:
            return self._resume(promotion)
        config = self.searcher.get_config(trial_id=str(trial_id))
        if config is None:
            return None
        bracket = self._draw_bracket()
        first_milestone = self.rung_levels[bracket]
        record = _TrialRecord(config=config, bracket=bracket, status=_RUNNING, next_milestone=first_milestone)
        self._trials[trial_id] = record
        self.rung_system(bracket).add_trial(trial_id, first_milestone)
        self._register_pending(trial_id, record, 0)
        return TrialSuggestion.start_suggestion(self._with_max_resource(config, first_milestone))

    def _draw_bracket(self) -> int:
        """The bracket of a new trial, drawn from ``bracket_probabilities``, or from the searcher's
        ``bracket_distribution(bracket_probabilities)`` if it has one (Hyper-Tune's weighting)."""
        distribution = getattr(self.searcher, "bracket_distribution", None)
        if distribution is not None:
            p = np.asarray(distribution(list(self.bracket_probabilities)), dtype=float)
            return int(self._bracket_random_state.choice(p.size, p=p / p.sum()))
        bracket = bisect.bisect_right(self._bracket_cdf, self._bracket_random_state.uniform())
        return min(bracket, len(self._bracket_cdf) - 1)

    def _find_promotion(self) -> Promotion | None:
        """The paused trial to resume, from the highest rung over all rung systems."""
        if not self.pauses_trials:
            return None
        candidates = [p for p in (system.promotable() for system in self._rung_systems) if p is not None]
        return max(candidates, key=lambda p: p.level, default=None)

    def _resume(self, promotion: Promotion) -> TrialSuggestion:
        trial_id = promotion.trial_id
        record = self._trials[trial_id]
        record.next_milestone = self.rung_system(record.bracket).promote(trial_id)
        record.status = _RUNNING
        self._register_pending(trial_id, record, max(record.reached, promotion.level))
        config = self._with_max_resource(record.config, record.next_milestone) if self.max_resource_attr else None
        return TrialSuggestion.resume_suggestion(trial_id, config)

    def _with_max_resource(self, config: dict, milestone: int) -> dict:
        """``config`` with ``max_resource_attr`` set to the next milestone (max_t for 'stopping')."""
        if not self.max_resource_attr:
            return config
        return {**config, self.max_resource_attr: milestone if self.pauses_trials else self.max_t}

    def _postprocess_config(self, config: dict) -> dict:
        full = super()._postprocess_config(config)
        if self.max_resource_attr in config:  # keep it even if config_space does not list it
            full[self.max_resource_attr] = config[self.max_resource_attr]
        return full

    # --- results -----------------------------------------------------------------------------

    def on_trial_result(self, trial: Trial, result: dict) -> str:
        """Decides at rung levels; NaN and +-inf metric values count as the worst value."""
        trial_id = trial.trial_id
        record = self._trials.get(trial_id)
        if record is None:
            logger.warning("Trial %s reported a result, but HyperbandScheduler never suggested it; stopping it.",
                           trial_id)
            return SchedulerDecision.STOP
        if record.status != _RUNNING:  # not ours to run (late reports go to on_trial_late_result)
            return SchedulerDecision.PAUSE if record.status == _PAUSED else SchedulerDecision.STOP
        resource = self._checked_resource(trial_id, record, result)
        if resource is None:
            return SchedulerDecision.CONTINUE
        record.reached = max(record.reached, resource)
        system = self.rung_system(record.bracket)
        decision = system.on_report(trial_id, resource, self._loss(result))
        self._update_searcher(trial_id, record, result, resource, decision.milestone_reached)
        if decision.continues:
            if decision.next_milestone != record.next_milestone or self._myopic():
                record.next_milestone = decision.next_milestone
                self._register_pending(trial_id, record, resource)
            return SchedulerDecision.CONTINUE
        self.searcher.cleanup_pending(str(trial_id))
        if system.pauses and decision.next_milestone is not None:
            record.status = _PAUSED
            return SchedulerDecision.PAUSE
        record.status = _STOPPED
        return SchedulerDecision.STOP

    def _loss(self, result: dict) -> float:
        """The metric as a loss (smaller is better); the rung systems treat a non-finite loss as the worst."""
        return self._sign * float(result[self.metric])

    def on_trial_late_result(self, trial: Trial, result: dict, paused: bool) -> bool:
        """A report printed after a STOP/PAUSE decision, before the trial's process ended.

        The searcher learns from it per ``searcher_data``, as from any report. For a stopped
        trial that is all. A paused trial kept training and checkpointing: the largest late
        resource is where it resumes, its values at the rung levels it reached are recorded
        there, and it waits for promotion at the highest such rung (no longer at the lower one),
        so that after resuming its next milestone is the first rung level above its checkpoint.
        A trial whose late reports reach max_t did all the work: it is finished (True; a paused
        one is never resumed).
        """
        record = self._trials.get(trial.trial_id)
        resource = self._checked_resource(trial.trial_id, record, result) if record is not None else None
        if resource is None or resource > self.max_t or record.status == _DONE:
            return False
        at_rung = resource in self.rung_levels[record.bracket:]
        self._update_searcher(trial.trial_id, record, result, resource, at_rung)
        if resource <= record.reached:
            return False
        record.reached = resource
        if paused:
            self.rung_system(record.bracket).on_late_report(trial.trial_id, resource, self._loss(result))
        if resource >= self.max_t:
            record.status = _DONE
            return True
        return False

    def _checked_resource(self, trial_id: int, record: _TrialRecord, result: dict) -> int | None:
        """The resource of ``result`` as an int, or None (with a warning, once per trial) if invalid."""
        value = result.get(self.resource_attr)
        valid = (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
                 and value >= 1 and value == int(value))
        if valid:
            return int(value)
        if not record.warned_resource:
            record.warned_resource = True
            got = (f"without '{self.resource_attr}'" if self.resource_attr not in result
                   else f"with {self.resource_attr}={value!r}")
            logger.warning(
                "Trial %s reported %s %s. HyperbandScheduler(resource_attr=%r) needs it to be a positive integer "
                "(1, 2, ...: the resource used so far, e.g. epochs done) in every report. This report is ignored "
                "for scheduling; fix the training script.", trial_id, public_result(result), got, self.resource_attr)
        return None

    def required_attributes(self) -> list[RequiredAttribute]:
        return super().required_attributes() + [RequiredAttribute(self.resource_attr, type(self).__name__,
                                                                  "resource_attr")]

    def is_trial_done(self, trial: Trial) -> bool:
        """True once the trial reported max_t: the STOP there means it is done, not stopped early."""
        record = self._trials.get(trial.trial_id)
        return record is not None and record.reached >= self.max_t

    def _myopic(self) -> bool:
        return self.register_pending_myopic and self.searcher_data != "rungs"

    # --- what the searcher is told -----------------------------------------------------------

    def _update_searcher(self, trial_id: int, record: _TrialRecord, result: dict, resource: int,
                         at_rung: bool) -> None:
        """Relays ``result``; ``update=True`` only where ``searcher_data`` says so, once per resource."""
        update = resource > record.largest_update_resource and (self.searcher_data != "rungs" or at_rung)
        if update:
            self._send_update(trial_id, record, result, resource, at_rung)
        else:
            self.searcher.on_trial_result(str(trial_id), record.config, result, update=False)

    def _send_update(self, trial_id: int, record: _TrialRecord, result: dict, resource: int, at_rung: bool) -> None:
        """Updates the searcher with ``result``; with 'rungs_and_last' the previous non-rung update goes."""
        if self.searcher_data == "rungs_and_last" and record.last_update and not record.last_update[1]:
            self.searcher.remove_case(str(trial_id), **{self.resource_attr: record.last_update[0]})
        self.searcher.on_trial_result(str(trial_id), record.config, result, update=True)
        record.largest_update_resource = resource
        record.last_update = (resource, at_rung)

    def _register_pending(self, trial_id: int, record: _TrialRecord, resource: int) -> None:
        """Pending evaluations of a trial running from ``resource`` to its next milestone.

        'rungs': the next milestone only; otherwise every level resource+1..next milestone
        (only resource+1 with ``register_pending_myopic``).
        """
        self.searcher.cleanup_pending(str(trial_id))
        if self.searcher_data == "rungs":
            levels = [record.next_milestone]
        elif self.register_pending_myopic:
            levels = [resource + 1]
        else:
            levels = range(resource + 1, record.next_milestone + 1)
        for level in levels:
            self.searcher.register_pending(str(trial_id), record.config, milestone=level)

    # --- trial ends --------------------------------------------------------------------------

    def on_trial_complete(self, trial: Trial, result: dict) -> None:
        record = self._trials.get(trial.trial_id)
        if record is None:
            return
        resource = self._checked_resource(trial.trial_id, record, result)
        if resource is not None and resource > record.largest_update_resource:
            self._send_update(trial.trial_id, record, result, resource, resource in self.rung_levels)
        self._end(trial.trial_id, record)

    def on_trial_error(self, trial: Trial) -> None:
        super().on_trial_error(trial)
        record = self._trials.get(trial.trial_id)
        if record is not None:
            self._end(trial.trial_id, record)

    def on_trial_remove(self, trial: Trial) -> None:
        """After STOP or PAUSE; a paused trial stays promotable. A running trial counts as stopped."""
        record = self._trials.get(trial.trial_id)
        if record is None:
            return
        self.searcher.cleanup_pending(str(trial.trial_id))
        if record.status == _RUNNING:
            record.status = _STOPPED
            self.rung_system(record.bracket).discard(trial.trial_id)

    def _end(self, trial_id: int, record: _TrialRecord) -> None:
        self.searcher.cleanup_pending(str(trial_id))
        record.status = _DONE
        self.rung_system(record.bracket).discard(trial_id)

    def trial_status(self, trial_id: int) -> str | None:
        """'running', 'paused', 'stopped' or 'done' (None if unknown); for tests and debugging."""
        record = self._trials.get(trial_id)
        return None if record is None else record.status


def _check_rung_system_kwargs(rung_system_kwargs: dict | None) -> dict:
    if rung_system_kwargs is None:
        return dict(RUNG_SYSTEM_KWARGS)
    if not isinstance(rung_system_kwargs, dict):
        raise ValueError(f"The 'rung_system_kwargs' argument of HyperbandScheduler must be a dict. "
                         f"Got {rung_system_kwargs!r}.")
    reject_unknown("HyperbandScheduler's rung_system_kwargs", [k for k in rung_system_kwargs if k not in RUNG_SYSTEM_KWARGS],
                   RUNG_SYSTEM_KWARGS, what="key")
    return {**RUNG_SYSTEM_KWARGS, **rung_system_kwargs}
