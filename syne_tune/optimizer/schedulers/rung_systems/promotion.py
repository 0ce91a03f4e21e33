"""Promotion-based asynchronous successive halving, ASHA (type='promotion').

At a rung, a trial continues if the stop/go rule says 'go' (its loss within the best
1/reduction_factor of the losses there, at least reduction_factor of them), and pauses
otherwise. Whenever a worker is free, paused trials are scanned from the highest rung down
and the first that now passes the rule is resumed. Li et al., "A System for Massively
Parallel Hyperparameter Tuning", arXiv:1810.05934.
"""
from __future__ import annotations

import bisect
from typing import Sequence

from syne_tune.optimizer.schedulers.rung_systems.base import Promotion, RungSystemBase


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
                return Promotion(paused[0][1], self.levels[j], self.levels[j + 1])
        return None

    def promote(self, trial_id: int) -> int:
        """Marks the paused ``trial_id`` as promoted; returns its next milestone."""
        j = self._paused_at.pop(trial_id)
        self._remove_paused(j, trial_id)
        self._milestones[trial_id] = self.levels[j + 1]
        return self.levels[j + 1]

    def discard(self, trial_id: int) -> None:
        super().discard(trial_id)
        j = self._paused_at.pop(trial_id, None)
        if j is not None:
            self._remove_paused(j, trial_id)

    def _remove_paused(self, j: int, trial_id: int) -> None:
        entry = (self.rungs[j].losses[trial_id], trial_id)
        paused = self._paused[j]
        del paused[bisect.bisect_left(paused, entry)]
