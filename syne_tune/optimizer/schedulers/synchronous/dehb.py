"""DEHB: differential evolution inside synchronous Hyperband brackets (Awad, Mallik and Hutter,
2021, "DEHB: Evolutionary Hyperband for Scalable, Robust and Efficient Hyperparameter
Optimization").

Brackets, rungs and the order of jobs are synchronous Hyperband's (:class:`BracketManager`).
What DEHB changes is where a slot's configuration comes from:

- Each rung level r keeps a subpopulation of size ``N_r``, the largest rung at r of any bracket.
  Every job at level r is paired with the next member of that subpopulation (its *target*, in
  turn); once evaluated at r, the job's config replaces the target if its loss is at least as good
  (DE selection, :func:`child_replaces_target`).
- First Hyperband iteration (bracket ids 0 .. num_brackets - 1): rung 0 of bracket 0 asks the
  searcher (random by default); a higher rung promotes the best trials of the rung below, as in
  Hyperband (resumed from their checkpoints with ``support_pause_resume``).
- Every other slot gets a new trial with a DE child: rand/1 mutation with parents drawn from the
  best ``n`` members of the subpopulation one level below (``n`` = this rung's size; at a
  bracket's lowest rung, the subpopulation of its own level), topped up from the global population
  (all levels) when fewer than three; binomial crossover with the target. A child runs from scratch
  to its level.
"""
from __future__ import annotations

import logging
import math

import numpy as np

from syne_tune._validation import bad_argument, check_number
from syne_tune.backend.trial_status import Trial
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialSuggestion
from syne_tune.optimizer.schedulers.synchronous.bracket import SlotInRung
from syne_tune.optimizer.schedulers.searchers.differential_evolution import (
    MIN_PARENTS, UnitEncoding, child_replaces_target, crossover_binomial, mutate_rand1,
)
from syne_tune.optimizer.schedulers.synchronous.hyperband import SynchronousHyperbandScheduler

logger = logging.getLogger(__name__)

_OWNER = "DifferentialEvolutionHyperbandScheduler"
MAX_CHILD_TRIES = 25  # DE children equal to an excluded config before the searcher proposes one


class Subpopulation:
    """The members of one rung level: ``(u, loss)`` per place, None until a job fills it."""

    def __init__(self, size: int):
        self.members: list[tuple[np.ndarray, float] | None] = [None] * size
        self._next_target = 0

    def next_target(self) -> int:
        """Places are targets in turn (DEHB's parent counter)."""
        index = self._next_target
        self._next_target = (index + 1) % len(self.members)
        return index

    def offer(self, index: int, u: np.ndarray, loss: float) -> bool:
        """DE selection at place ``index``; True if ``u`` took the place."""
        member = self.members[index]
        if not child_replaces_target(loss, math.inf if member is None else member[1]):
            return False
        self.members[index] = (u, loss)
        return True

    def best(self, n: int | None = None) -> list[np.ndarray]:
        """The ``n`` best members (all if None), best first."""
        ranked = sorted((m for m in self.members if m is not None), key=lambda m: m[1])
        return [u for u, _ in ranked[:n]]


class DifferentialEvolutionHyperbandScheduler(SynchronousHyperbandScheduler):
    """DEHB (see the module docstring); accepts all SynchronousHyperbandScheduler arguments, and:

    Args:
        mutation_factor: F of rand/1 mutation, in [0, 1] (default 0.5).
        crossover_probability: per-hyperparameter probability of binomial crossover, in [0, 1] (0.5).
        support_pause_resume: True: promotions of the first iteration resume the trial from its
            checkpoint; False: they start a new trial with its config. DE children always start anew.

    ``searcher`` (default 'random_encoded') proposes the configs of bracket 0's lowest rung and
    stands in when DE finds no new config. ``max_t`` (or a constant in ``config_space``) is required.
    """

    def __init__(self, config_space: dict, mutation_factor: float | None = 0.5,
                 crossover_probability: float | None = 0.5, support_pause_resume: bool = True,
                 searcher="random_encoded", **kwargs):
        # None: the default, as in the original library's signature
        mutation_factor = 0.5 if mutation_factor is None else mutation_factor
        crossover_probability = 0.5 if crossover_probability is None else crossover_probability
        for name, value in (("mutation_factor", mutation_factor), ("crossover_probability", crossover_probability)):
            if check_number(_OWNER, name, value, finite=True) < 0 or value > 1:
                raise bad_argument(_OWNER, name, "a number in [0, 1]", value)
        if not isinstance(support_pause_resume, bool):
            raise bad_argument(_OWNER, "support_pause_resume", "True or False", support_pause_resume)
        super().__init__(config_space, searcher=searcher, **kwargs)
        self.mutation_factor, self.crossover_probability = float(mutation_factor), float(crossover_probability)
        self.support_pause_resume = support_pause_resume
        self.unit = UnitEncoding({k: config_space[k] for k in self.searcher.hyperparameter_keys})
        self.random_state = np.random.RandomState(self._next_seed())
        sizes: dict[int, int] = {}
        for rungs in self.bracket_rungs:
            for size, level in rungs:
                sizes[level] = max(size, sizes.get(level, 0))
        self.populations = {level: Subpopulation(size) for level, size in sizes.items()}
        self._targets: dict[int, tuple[int, int]] = {}  # trial -> (level, place) it competes for
        self._may_resume: set[int] = set()  # trials paused at their level, for a promotion

    # --- where a slot's config comes from ------------------------------------------------------

    def _suggest(self, trial_id: int) -> TrialSuggestion | None:
        while True:
            bracket_id, slot = self.manager.next_job()
            first_iteration = bracket_id < len(self.bracket_rungs)
            if not (first_iteration and slot.rung_index > 0) or slot.trial_id is not None:
                break
            self.manager.record(bracket_id, slot.slot_index, math.inf)  # promoted an empty slot
        place = self.populations[slot.level].next_target()
        if first_iteration and slot.rung_index > 0:
            if self.support_pause_resume and slot.trial_id not in self._ended:
                return self._resume(bracket_id, slot, place)
            config = self._configs[slot.trial_id]
        elif bracket_id == 0:
            config = self.searcher.get_config(trial_id=str(trial_id))
        else:
            config = self._child(bracket_id, slot, place, trial_id)
        if config is None:
            self.manager.record(bracket_id, slot.slot_index, math.inf)
            return None
        self.manager.brackets[bracket_id].assign(slot.slot_index, trial_id)
        self._start_job(trial_id, bracket_id, slot, place, config)
        return TrialSuggestion.start_suggestion(self._with_level(config, slot.level))

    def _resume(self, bracket_id: int, slot: SlotInRung, place: int) -> TrialSuggestion:
        self._start_job(slot.trial_id, bracket_id, slot, place, self._configs[slot.trial_id])
        config = self._with_level(self._configs[slot.trial_id], slot.level) if self.max_resource_attr else None
        return TrialSuggestion.resume_suggestion(slot.trial_id, config)

    def _start_job(self, trial_id: int, bracket_id: int, slot: SlotInRung, place: int, config: dict) -> None:
        self._jobs[trial_id] = (bracket_id, slot)
        self._configs[trial_id] = config
        self._targets[trial_id] = (slot.level, place)
        rungs = self.bracket_rungs[bracket_id % len(self.bracket_rungs)]
        promotable = bracket_id < len(self.bracket_rungs) and slot.rung_index + 1 < len(rungs)
        if promotable and self.support_pause_resume:
            self._may_resume.add(trial_id)
        else:
            self._may_resume.discard(trial_id)
        self.searcher.register_pending(str(trial_id), config, milestone=slot.level)

    def _child(self, bracket_id: int, slot: SlotInRung, place: int, trial_id: int) -> dict | None:
        """A DE child for ``slot`` whose target is member ``place`` of the slot's level."""
        member = self.populations[slot.level].members[place]
        target = member[0] if member is not None else self.random_state.uniform(size=self.unit.dim)
        pool = self._parent_pool(bracket_id, slot)
        for _ in range(MAX_CHILD_TRIES):
            mutant = mutate_rand1(pool, self.mutation_factor, self.random_state)
            config = self.unit.decode(crossover_binomial(target, mutant, self.crossover_probability,
                                                         self.random_state))
            if not self.searcher.is_excluded(config):
                self.searcher.remember(config)
                return config
        logger.info("DEHB found no new child for trial %d in %d tries; the searcher proposes its config.",
                    trial_id, MAX_CHILD_TRIES)
        return self.searcher.get_config(trial_id=str(trial_id))

    def _parent_pool(self, bracket_id: int, slot: SlotInRung) -> np.ndarray:
        """Best members one level below (at a bracket's lowest rung: at its own level), topped up to
        three from all levels (highest first), then by uniform points (DEHB's random initial members)."""
        rungs = self.bracket_rungs[bracket_id % len(self.bracket_rungs)]
        size, _ = rungs[slot.rung_index]
        below = rungs[slot.rung_index - 1][1] if slot.rung_index > 0 else slot.level
        pool = self.populations[below].best(size)
        for level in sorted(self.populations, reverse=True):
            if len(pool) >= MIN_PARENTS:
                break
            if level != below:
                pool += self.populations[level].best()
        while len(pool) < MIN_PARENTS:
            pool.append(self.random_state.uniform(size=self.unit.dim))
        return np.array(pool)

    # --- results: DE selection, and STOP where no promotion follows ----------------------------

    def on_trial_result(self, trial: Trial, result: dict) -> str:
        tid = trial.trial_id
        if tid in self._ended and tid not in self._jobs:
            return SchedulerDecision.STOP
        target = self._targets.get(tid)
        decision = super().on_trial_result(trial, result)
        if target is not None and tid not in self._jobs:  # this result filled the trial's slot
            level, place = target
            self.populations[level].offer(place, self.unit.encode(self._configs[tid]),
                                          self._sign * float(result[self.metric]))
            if decision == SchedulerDecision.PAUSE and tid not in self._may_resume:
                self._ended.add(tid)
                decision = SchedulerDecision.STOP
        return decision

    def _fill(self, trial_id: int, loss: float) -> None:
        self._targets.pop(trial_id, None)
        super()._fill(trial_id, loss)


# The original library's name for the same scheduler (its brackets are the geometric ones too).
GeometricDifferentialEvolutionHyperbandScheduler = DifferentialEvolutionHyperbandScheduler
