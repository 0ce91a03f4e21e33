"""Promotion-based asynchronous successive halving, ASHA (type='promotion').

At a rung, a trial continues if the stop/go rule says 'go' (its loss within the best
1/reduction_factor of the losses there, at least reduction_factor of them), and pauses
otherwise. Whenever a worker is free, paused trials are scanned from the highest rung down
and the first that now passes the rule is resumed. Li et al., "A System for Massively
Parallel Hyperparameter Tuning", arXiv:1810.05934.

Late reports: a paused trial's script keeps training (and checkpointing) while the pause
decision travels to it. Its reports from that moment reach :meth:`on_late_report`; the trial
then waits for promotion at the highest rung it reached, and resumes towards the first rung
level above the resource its checkpoint holds.
"""
from __future__ import annotations

import bisect
import logging
from typing import Sequence

from syne_tune.optimizer.schedulers.rung_systems.base import Promotion, RungSystemBase, worst_if_not_finite

logger = logging.getLogger(__name__)


class PromotionRungSystem(RungSystemBase):
    """Pauses trials at rungs and promotes the best paused one when a worker is free.

    Args:
        always_pause: pause even a trial that passes the rule on arrival (it is then the first
            candidate for promotion). Needed when the training script ends at each milestone
            (``max_resource_attr``), so that it cannot simply continue.
    """

    pauses = True

    def __init__(self, levels: Sequence[int], always_pause: bool = False):
        super().__init__(levels)
        self.always_pause = always_pause
        # per rung: sorted (loss, trial_id) of trials paused there and not promoted yet
        self._paused: list[list[tuple[float, int]]] = [[] for _ in self.rungs]
        self._paused_at: dict[int, int] = {}  # trial_id -> rung index
        self._reached: dict[int, int] = {}  # paused trial -> resource of its latest late report

    def _promotion_top(self) -> int:
        """Trials paused at rungs with index below this may be promoted (PASHA lowers it)."""
        return len(self.rungs)

    def _decide(self, trial_id: int, j: int, loss: float) -> bool:
        if not self.always_pause and j < self._promotion_top() and self.rungs[j].passes(loss) is True:
            return True
        bisect.insort(self._paused[j], (loss, trial_id))
        self._paused_at[trial_id] = j
        return False

    def promotable(self) -> Promotion | None:
        """The best paused trial of the highest rung whose best paused trial passes the rule."""
        for j in reversed(range(min(self._promotion_top(), len(self.rungs)))):
            paused = self._paused[j]
            if paused and self.rungs[j].passes(paused[0][0]) is True:
                trial_id = paused[0][1]
                return Promotion(trial_id, self.levels[j], self._resume_milestone(trial_id, j))
        return None

    def promote(self, trial_id: int) -> int:
        """Marks the paused ``trial_id`` as promoted; returns its next milestone."""
        j = self._paused_at.pop(trial_id)
        self._remove_paused(j, trial_id)
        milestone = self._resume_milestone(trial_id, j)
        self._reached.pop(trial_id, None)
        self._milestones[trial_id] = milestone
        return milestone

    def _resume_milestone(self, trial_id: int, j: int) -> int:
        """First rung level above what the paused trial's checkpoint holds (rung j, or later)."""
        reached = self._reached.get(trial_id, self.levels[j])
        return self.levels[bisect.bisect_right(self.levels, reached)]

    def on_late_report(self, trial_id: int, resource: int, loss: float) -> None:
        """The paused ``trial_id`` reported ``resource`` before its process ended.

        At a rung level the loss is recorded there and the trial waits for promotion at that
        rung instead of the lower one. At max_t the trial is finished and is discarded.
        Reports at or below what is known already, or of trials not paused, change nothing.
        """
        j = self._paused_at.get(trial_id)
        if j is None:
            return
        previous = self._reached.get(trial_id, self.levels[j])
        if resource <= previous:
            return
        if resource >= self.max_t:
            self.discard(trial_id)
            return
        self._reached[trial_id] = resource
        skipped = [r for r in self.levels if previous < r < resource]
        if skipped:
            logger.warning(
                "Trial %s reported resource %d after it was paused but never reported at rung level(s) %s, so "
                "its value there is unknown. Report the resource at every level (e.g. every epoch) so that "
                "each rung can compare it.", trial_id, resource, skipped)
        k = self._rung_index.get(resource)
        if k is None:
            return
        loss = worst_if_not_finite(loss)
        self._remove_paused(j, trial_id)
        self.rungs[k].record(trial_id, loss)
        bisect.insort(self._paused[k], (loss, trial_id))
        self._paused_at[trial_id] = k
        self._after_late_record(trial_id, k)

    def _after_late_record(self, trial_id: int, k: int) -> None:
        """Hook: a late report recorded a loss of the paused ``trial_id`` at rung ``k``."""

    def discard(self, trial_id: int) -> None:
        super().discard(trial_id)
        self._reached.pop(trial_id, None)
        j = self._paused_at.pop(trial_id, None)
        if j is not None:
            self._remove_paused(j, trial_id)

    def _remove_paused(self, j: int, trial_id: int) -> None:
        entry = (self.rungs[j].losses[trial_id], trial_id)
        paused = self._paused[j]
        del paused[bisect.bisect_left(paused, entry)]
