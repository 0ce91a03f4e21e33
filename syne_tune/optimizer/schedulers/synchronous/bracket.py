"""One bracket of synchronous Hyperband: rungs of slots filled in rounds, then promoted.

A bracket is a list of rungs ``(size, level)``. Only the lowest unfinished rung is active: its
``size`` slots are handed out one by one (rung 0: to new trials; later rungs: to the trials
promoted into them). Once every slot of the active rung holds a loss, the best ``size`` of the
next rung are promoted into it (Li et al., 2018, "Hyperband", Algorithm 1, run synchronously).

Losses are the metric as a loss (negated in 'max' mode); a non-finite loss (NaN, +-inf: a
diverged or failed trial) is recorded as +inf, the worst, so it is promoted only when there are
not enough finite ones, and then in slot order.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from syne_tune.optimizer.schedulers.rung_systems.base import worst_if_not_finite


@dataclass(frozen=True)
class SlotInRung:
    """A job: run ``trial_id`` (None: a new trial) up to ``level`` and fill slot ``slot_index``."""

    rung_index: int
    level: int
    slot_index: int
    trial_id: int | None


def geometric_bracket_rungs(grace_period: int, reduction_factor: float, max_t: int,
                            brackets: int | None = None) -> list[list[tuple[int, int]]]:
    """``(size, level)`` rungs of each bracket of geometric Hyperband (the original library's rule).

    With ``s_max`` the smallest s such that ``grace_period * rf**s >= max_t``, bracket b has the
    levels ``round(grace_period * rf**(k + b))`` (k < s_max - b) of sizes
    ``ceil((s_max + 1) / (s_max - b + 1) * rf**(s_max - b - k))``, then ``max_t`` with size
    ``ceil((s_max + 1) / (s_max - b + 1))``. ``brackets`` caps their number (1: successive halving).
    (grace_period=1, rf=3, max_t=27) gives [[(27,1),(9,3),(3,9),(1,27)], [(12,3),(4,9),(2,27)], [(6,9),(2,27)], [(4,27)]].
    """
    s_max = 0
    while grace_period * reduction_factor ** s_max < max_t:
        s_max += 1
    if s_max == 0:
        return [[(1, max_t)]]
    num_brackets = s_max + 1 if brackets is None else min(brackets, s_max + 1)
    result = []
    for b in range(num_brackets):
        ratio = (s_max + 1) / (s_max - b + 1)
        rungs = [(math.ceil(ratio * reduction_factor ** (s_max - b - k)),
                  int(round(grace_period * reduction_factor ** (k + b)))) for k in range(s_max - b)]
        result.append(rungs + [(math.ceil(ratio), max_t)])
    return result


class SynchronousBracket:
    """Slots of one bracket; see the module docstring.

    Args:
        rungs: ``(size, level)`` per rung, levels strictly increasing, sizes non-increasing.
    """

    def __init__(self, rungs: list[tuple[int, int]]):
        self.rungs = [(int(size), int(level)) for size, level in rungs]
        self.rung_index = 0
        self._trial_ids: list[int | None] = [None] * self.rungs[0][0]
        self._losses: list[float | None] = [None] * self.rungs[0][0]
        self._handed_out = 0

    @property
    def finished(self) -> bool:
        return self.rung_index >= len(self.rungs)

    def level(self) -> int:
        return self.rungs[self.rung_index][1]

    def next_free_slot(self) -> SlotInRung | None:
        """The next job of the active rung, or None if all its slots are handed out (or done)."""
        if self.finished or self._handed_out >= len(self._trial_ids):
            return None
        slot = self._handed_out
        self._handed_out += 1
        return SlotInRung(self.rung_index, self.level(), slot, self._trial_ids[slot])

    def assign(self, slot_index: int, trial_id: int) -> None:
        """The new trial ``trial_id`` fills ``slot_index`` of rung 0."""
        self._trial_ids[slot_index] = trial_id

    def record(self, slot_index: int, loss: float) -> list[int]:
        """Stores the loss of a slot; returns the trials that were not promoted if the rung completed."""
        if self._losses[slot_index] is not None:
            raise RuntimeError(f"Slot {slot_index} of rung {self.rung_index} already holds a loss.")
        self._losses[slot_index] = worst_if_not_finite(loss)
        if self._handed_out < len(self._losses) or any(v is None for v in self._losses):
            return []
        return self._promote()

    def _promote(self) -> list[int]:
        """Fills the next rung with the best trials of the completed one (stable: ties by slot)."""
        order = sorted(range(len(self._losses)), key=lambda i: self._losses[i])
        self.rung_index += 1
        if self.finished:
            return []
        size = self.rungs[self.rung_index][0]
        promoted = [self._trial_ids[i] for i in order[:size]]
        dropped = [self._trial_ids[i] for i in order[size:]]
        self._trial_ids = promoted + [None] * (size - len(promoted))
        self._losses = [None] * size
        self._handed_out = 0
        return [t for t in dropped if t is not None]

    def losses(self) -> list[float | None]:
        """Losses of the active rung's slots so far (None: not yet reported); for tests."""
        return list(self._losses)


class BracketManager:
    """Hands out jobs over brackets so that a free worker never waits (the original library's rule).

    Bracket ``k`` (counting from 0 as brackets are opened) uses ``bracket_rungs[k % n]``. Jobs
    come from the lowest-numbered active bracket with a free slot; if none has one, a new bracket
    is opened. Finished brackets are dropped.
    """

    def __init__(self, bracket_rungs: list[list[tuple[int, int]]]):
        self.bracket_rungs = bracket_rungs
        self.brackets: dict[int, SynchronousBracket] = {}
        self._next_bracket_id = 0

    def next_job(self) -> tuple[int, SlotInRung]:
        for bracket_id in sorted(self.brackets):
            slot = self.brackets[bracket_id].next_free_slot()
            if slot is not None:
                return bracket_id, slot
        bracket_id = self._next_bracket_id
        self._next_bracket_id += 1
        self.brackets[bracket_id] = SynchronousBracket(self.bracket_rungs[bracket_id % len(self.bracket_rungs)])
        return bracket_id, self.brackets[bracket_id].next_free_slot()

    def record(self, bracket_id: int, slot_index: int, loss: float) -> list[int]:
        bracket = self.brackets[bracket_id]
        dropped = bracket.record(slot_index, loss)
        if bracket.finished:
            del self.brackets[bracket_id]
        return dropped
