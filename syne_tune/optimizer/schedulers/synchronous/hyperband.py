"""SynchronousHyperbandScheduler: Hyperband with brackets filled and promoted in synchronized rounds.

Li et al. (2018), "Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization".
Every trial runs to the level of its slot and is paused there; once all slots of a rung hold a
result, the best are resumed (from their checkpoints) to the next level. A worker that would
wait for a rung to complete takes a job of another bracket instead (``BracketManager``).
"""
from __future__ import annotations

import logging
import math

from syne_tune._validation import check_choice, check_int, check_number, check_str, reject_unknown
from syne_tune.backend.trial_status import Trial
from syne_tune.optimizer.scheduler import RequiredAttribute, SchedulerDecision, TrialSuggestion
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler, required_max_t
from syne_tune.optimizer.schedulers.rung_levels import reported_resource
from syne_tune.optimizer.schedulers.searchers.hypertune.options import level_search_options
from syne_tune.optimizer.schedulers.synchronous.bracket import BracketManager, SlotInRung, geometric_bracket_rungs

logger = logging.getLogger(__name__)

_OWNER = "SynchronousHyperbandScheduler"


class SynchronousHyperbandScheduler(FIFOScheduler):
    """Synchronous Hyperband; ``brackets=1`` is synchronous successive halving.

    Accepts all FIFOScheduler arguments (``searcher='random'``, ``'kde'`` for BOHB, ``'bayesopt'`` for
    SyncMOBSTER: search option ``model`` 'gp_independent' (default) or 'gp_multitask'), and:

    Args:
        resource_attr: the resource in each report (a positive integer, e.g. epochs done).
        grace_period, reduction_factor, brackets: as for HyperbandScheduler; the bracket sizes
            follow :func:`geometric_bracket_rungs`.
        searcher_data: 'rungs' (the searcher learns from results at rung levels) or 'all'.
        max_resource_level: the original library's name of ``max_t`` for these schedulers.

    ``max_t`` (or a constant in ``config_space``) is required. With ``max_resource_attr`` each
    trial is told the level it must reach, so its script ends there; otherwise it is paused.
    """

    accepts_metric_list = False

    def __init__(self, config_space: dict, resource_attr: str = "epoch", grace_period: int = 1,
                 reduction_factor: float = 3, brackets: int | None = None, searcher_data: str = "rungs",
                 max_resource_level: int | None = None, **kwargs):
        reject_unknown(_OWNER, [k for k in kwargs if k not in self._argument_names()], self._argument_names())
        if max_resource_level is not None:  # the original library's name of max_t here
            if kwargs.get("max_t") not in (None, max_resource_level):
                raise ValueError(f"{_OWNER} got max_t={kwargs['max_t']!r} and max_resource_level="
                                 f"{max_resource_level!r}, two names of the largest resource level. Pass one.")
            kwargs["max_t"] = max_resource_level
        self.resource_attr = check_str(_OWNER, "resource_attr", resource_attr)
        grace_period = check_int(_OWNER, "grace_period", grace_period, minimum=1)
        reduction_factor = check_number(_OWNER, "reduction_factor", reduction_factor, minimum=2, finite=True)
        brackets = check_int(_OWNER, "brackets", brackets, minimum=1, allow_none=True)
        self.searcher_data = check_choice(_OWNER, "searcher_data", searcher_data, ("rungs", "all"))
        max_t = required_max_t(_OWNER, config_space, kwargs.get("max_t"), kwargs.get("max_resource_attr"))
        if grace_period > max_t:
            raise ValueError(f"The 'grace_period' argument of {_OWNER} must be at most max_t = {max_t}. "
                             f"Got {grace_period}. Lower grace_period or raise max_t.")
        self.bracket_rungs = geometric_bracket_rungs(grace_period, reduction_factor, max_t, brackets)
        levels = sorted({level for rungs in self.bracket_rungs for _, level in rungs})
        # searcher='bayesopt' (SyncMOBSTER): independent GPs per level by default, as the original library
        kwargs["search_options"] = level_search_options(
            kwargs.get("searcher", "random"), kwargs.get("search_options"), levels, max_t,
            all_levels=self.searcher_data != "rungs", default_model="gp_independent")
        super().__init__(config_space, **kwargs)
        self.manager = BracketManager(self.bracket_rungs)
        self._sign = 1.0 if self.mode == "min" else -1.0
        self._jobs: dict[int, tuple[int, SlotInRung]] = {}  # trial -> (bracket id, slot) it runs for
        self._configs: dict[int, dict] = {}
        self._reported: dict[int, int] = {}  # trial -> largest resource the searcher learned from
        self._finished: set[int] = set()  # trials that reached max_t
        self._ended: set[int] = set()  # trials that completed, failed or were stopped: never resumed

    def _multi_fidelity_arguments(self) -> dict:
        return {"resource_attr": self.resource_attr, "max_t": self.max_t}

    def _suggest(self, trial_id: int) -> TrialSuggestion | None:
        while True:
            bracket_id, slot = self.manager.next_job()
            if slot.rung_index == 0 or (slot.trial_id is not None and slot.trial_id not in self._ended):
                break
            # promoted an empty slot, or a trial that cannot be resumed: the worst loss
            self.manager.record(bracket_id, slot.slot_index, math.inf)
        if slot.trial_id is not None:
            self._jobs[slot.trial_id] = (bracket_id, slot)
            self.searcher.register_pending(str(slot.trial_id), self._configs[slot.trial_id], milestone=slot.level)
            config = self._with_level(self._configs[slot.trial_id], slot.level) if self.max_resource_attr else None
            return TrialSuggestion.resume_suggestion(slot.trial_id, config)
        config = self.searcher.get_config(trial_id=str(trial_id))
        if config is None:
            self.manager.record(bracket_id, slot.slot_index, math.inf)
            return None
        self.manager.brackets[bracket_id].assign(slot.slot_index, trial_id)
        self._jobs[trial_id] = (bracket_id, slot)
        self._configs[trial_id] = config
        self.searcher.register_pending(str(trial_id), config, milestone=slot.level)
        return TrialSuggestion.start_suggestion(self._with_level(config, slot.level))

    def _with_level(self, config: dict, level: int) -> dict:
        return {**config, self.max_resource_attr: level} if self.max_resource_attr else config

    def _postprocess_config(self, config: dict) -> dict:
        full = super()._postprocess_config(config)
        if self.max_resource_attr in config:
            full[self.max_resource_attr] = config[self.max_resource_attr]
        return full

    def on_trial_result(self, trial: Trial, result: dict) -> str:
        """PAUSE at the slot's level (the rung is then filled in); non-finite metrics are the worst."""
        job = self._jobs.get(trial.trial_id)
        if job is None:  # a late report after PAUSE, or a trial this scheduler does not run
            paused = trial.trial_id in self._configs and trial.trial_id not in self._finished
            return SchedulerDecision.PAUSE if paused else SchedulerDecision.STOP
        resource = self._resource(result)
        if resource is None:
            return SchedulerDecision.CONTINUE
        bracket_id, slot = job
        self._update_searcher(trial.trial_id, result, resource, at_rung=resource >= slot.level)
        if resource < slot.level:
            return SchedulerDecision.CONTINUE
        if resource > slot.level:
            logger.warning("Trial %s reported %s=%d beyond its rung level %d without reporting at it; this "
                           "result counts for the rung.", trial.trial_id, self.resource_attr, resource, slot.level)
        self._fill(trial.trial_id, self._sign * float(result[self.metric]))
        if slot.level >= self.max_t:
            self._finished.add(trial.trial_id)
            return SchedulerDecision.CONTINUE  # the script ends at max_t
        return SchedulerDecision.PAUSE

    def _resource(self, result: dict) -> int | None:
        return reported_resource(result, self.resource_attr)

    def _update_searcher(self, trial_id: int, result: dict, resource: int, at_rung: bool) -> None:
        """The searcher learns each resource level once (a restarted script may repeat levels)."""
        update = resource > self._reported.get(trial_id, 0) and (at_rung or self.searcher_data == "all")
        if update:
            self._reported[trial_id] = resource
        self.searcher.on_trial_result(str(trial_id), self._configs[trial_id], result, update=update)

    def _fill(self, trial_id: int, loss: float) -> None:
        """Records the trial's loss in its slot; the rung may complete and promote."""
        bracket_id, slot = self._jobs.pop(trial_id)
        self.searcher.cleanup_pending(str(trial_id))
        self.manager.record(bracket_id, slot.slot_index, loss)

    def required_attributes(self) -> list[RequiredAttribute]:
        return super().required_attributes() + [RequiredAttribute(self.resource_attr, _OWNER, "resource_attr")]

    def is_trial_done(self, trial: Trial) -> bool:
        """True for a trial that reached max_t (its later reports are answered with STOP)."""
        return trial.trial_id in self._finished

    def on_trial_complete(self, trial: Trial, result: dict) -> None:
        """A trial that ended below its level fills its slot with its last result (it never blocks it).

        A completed trial cannot be resumed: if it is promoted, its next slot gets the worst loss."""
        self._ended.add(trial.trial_id)
        if trial.trial_id in self._jobs:
            resource = self._resource(result)
            if resource is not None:
                self._update_searcher(trial.trial_id, result, resource, at_rung=True)
            self._fill(trial.trial_id, self._sign * float(result[self.metric]))

    def on_trial_error(self, trial: Trial) -> None:
        super().on_trial_error(trial)
        self._ended.add(trial.trial_id)
        if trial.trial_id in self._jobs:
            self._fill(trial.trial_id, math.inf)

    def on_trial_remove(self, trial: Trial) -> None:
        """Stopped from outside while running (not by this scheduler): its slot gets the worst loss."""
        if trial.trial_id in self._jobs:
            self._ended.add(trial.trial_id)
            self._fill(trial.trial_id, math.inf)
