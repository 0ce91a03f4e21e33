"""What every rung system shares: the decision record, the quantile rule and the rung bookkeeping.

A rung system sees only trial ids, integer resources and *losses* (the metric, negated in
'max' mode, so smaller is always better). It knows nothing about searchers or backends.

A loss that is not finite (NaN, +inf or -inf: a diverged training run) is the worst possible
loss: it is recorded as +inf (:func:`worst_if_not_finite`), never passes the stop/go rule and
never makes a cutoff NaN, so the rungs stay sorted and comparable for every later trial.
"""
from __future__ import annotations

import bisect
import logging
import math
from dataclasses import dataclass
from typing import Protocol, Sequence

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RungDecision:
    """Outcome of one report.

    Attributes:
        continues: the trial keeps running; otherwise it is stopped or paused.
        milestone_reached: the report is at a rung level (including max_t).
        next_milestone: the level the trial runs to next when it continues or is resumed;
            None once it is finished (stopped, or reached max_t).
    """

    continues: bool
    milestone_reached: bool
    next_milestone: int | None


@dataclass(frozen=True)
class Promotion:
    """A paused trial that may be resumed: it paused at ``level`` and runs to ``next_milestone``."""

    trial_id: int
    level: int
    next_milestone: int


class RungSystem(Protocol):
    """The interface HyperbandScheduler uses; one implementation per ``type``."""

    pauses: bool  # a trial that does not continue at a rung is paused (True) or stopped (False)
    levels: tuple[int, ...]  # rung levels, the last is max_t

    def add_trial(self, trial_id: int, first_milestone: int) -> None: ...

    def on_report(self, trial_id: int, resource: int, loss: float) -> RungDecision: ...

    def on_late_report(self, trial_id: int, resource: int, loss: float) -> None: ...

    def promotable(self) -> Promotion | None: ...

    def promote(self, trial_id: int) -> int: ...

    def discard(self, trial_id: int) -> None: ...


def worst_if_not_finite(loss: float) -> float:
    """``loss`` if it is finite, else +inf: NaN, +inf and -inf all count as the worst loss."""
    return loss if math.isfinite(loss) else math.inf


def quantile_cutoff(sorted_losses: Sequence[float], q: float) -> float:
    """The q-quantile of ``sorted_losses`` with linear interpolation (as ``numpy.quantile``).

    O(1): the caller keeps the losses sorted. The losses may contain +inf (never NaN): a
    cutoff between a finite loss and +inf is +inf, between two +inf it is +inf (not NaN).
    """
    position = (len(sorted_losses) - 1) * q
    lower = int(position)
    if lower + 1 >= len(sorted_losses):
        return sorted_losses[-1]
    fraction = position - lower
    below, above = sorted_losses[lower], sorted_losses[lower + 1]
    if fraction == 0.0 or below == above:
        return below
    if above == math.inf:
        return math.inf
    return below + fraction * (above - below)


def passes_rule(sorted_losses: Sequence[float], loss: float, reduction: float) -> bool | None:
    """The stop/go rule at a rung: is ``loss`` within the best 1/reduction of the recorded losses?

    ``sorted_losses`` includes ``loss`` itself. Returns None when fewer than ``reduction``
    values exist, so no decision can be made yet. A loss that is not finite never passes,
    not even with too few values: a diverged trial is stopped (or paused) at its next rung.
    """
    if not math.isfinite(loss):
        return False
    if len(sorted_losses) < reduction:
        return None
    return loss <= quantile_cutoff(sorted_losses, 1.0 / reduction)


class Rung:
    """Losses recorded at one rung level, kept sorted so that cutoffs cost O(1)."""

    __slots__ = ("level", "reduction", "sorted_losses", "losses")

    def __init__(self, level: int, reduction: float):
        self.level = level
        self.reduction = reduction  # next level / this level: keep the best 1/reduction
        self.sorted_losses: list[float] = []
        self.losses: dict[int, float] = {}

    def record(self, trial_id: int, loss: float) -> None:
        """Records the loss of ``trial_id`` here (non-finite as +inf), replacing an earlier one."""
        loss = worst_if_not_finite(loss)
        previous = self.losses.get(trial_id)
        if previous is not None:
            del self.sorted_losses[bisect.bisect_left(self.sorted_losses, previous)]
        self.losses[trial_id] = loss
        bisect.insort(self.sorted_losses, loss)

    def passes(self, loss: float) -> bool | None:
        return passes_rule(self.sorted_losses, loss, self.reduction)


class RungSystemBase:
    """Bookkeeping shared by all types: each trial's next milestone, rungs, max_t and skipped levels.

    Subclasses implement ``_decide(trial_id, j, loss) -> bool`` (continue?) for a report
    exactly at rung ``self.rungs[j]`` below max_t; the loss is already recorded there.

    Args:
        levels: strictly increasing rung levels; the last one is max_t.
    """

    pauses = False

    def __init__(self, levels: Sequence[int]):
        self.levels = tuple(int(r) for r in levels)
        self.max_t = self.levels[-1]
        self.rungs = [Rung(r, self.levels[j + 1] / r) for j, r in enumerate(self.levels[:-1])]
        self._rung_index = {r: j for j, r in enumerate(self.levels)}
        self._milestones: dict[int, int] = {}

    def add_trial(self, trial_id: int, first_milestone: int) -> None:
        if first_milestone not in self._rung_index:
            raise ValueError(f"first_milestone {first_milestone} is not one of the rung levels {self.levels}.")
        self._milestones[trial_id] = first_milestone

    def on_report(self, trial_id: int, resource: int, loss: float) -> RungDecision:
        loss = worst_if_not_finite(loss)
        if resource >= self.max_t:
            self._milestones.pop(trial_id, None)
            return RungDecision(False, resource == self.max_t, None)
        milestone = self._milestones[trial_id]
        if resource < milestone:
            return RungDecision(True, False, milestone)
        if resource > milestone:
            milestone = self._skip_to(trial_id, resource, milestone)
            if resource < milestone:
                return RungDecision(True, False, milestone)
        j = self._rung_index[milestone]
        self.rungs[j].record(trial_id, loss)
        next_milestone = self.levels[j + 1]
        continues = self._decide(trial_id, j, loss)
        if continues or self.pauses:
            self._milestones[trial_id] = next_milestone
        else:
            del self._milestones[trial_id]
        return RungDecision(continues, True, next_milestone if continues or self.pauses else None)

    def _skip_to(self, trial_id: int, resource: int, milestone: int) -> int:
        """The trial skipped rung levels: warn and move its milestone to the first level >= resource."""
        j = bisect.bisect_left(self.levels, resource)
        skipped = [r for r in self.levels[:j] if r >= milestone]
        logger.warning(
            "Trial %s reported resource %d but never reported at rung level(s) %s, so no decision was made "
            "there; it continues towards rung level %d. Report the resource at every level (e.g. every "
            "epoch) so that each rung can compare it.", trial_id, resource, skipped, self.levels[j])
        self._milestones[trial_id] = self.levels[j]
        return self.levels[j]

    def _decide(self, trial_id: int, j: int, loss: float) -> bool:
        raise NotImplementedError

    def on_late_report(self, trial_id: int, resource: int, loss: float) -> None:
        """A report the paused ``trial_id`` printed before its process ended (see PromotionRungSystem).

        Systems that never pause have no paused trials, so nothing changes.
        """

    def promotable(self) -> Promotion | None:
        return None

    def promote(self, trial_id: int) -> int:
        raise RuntimeError(f"{type(self).__name__} never pauses trials, so trial {trial_id} cannot be promoted.")

    def discard(self, trial_id: int) -> None:
        """The trial ended (completed or failed): it can never be resumed. Its losses stay recorded."""
        self._milestones.pop(trial_id, None)
