"""Synchronous brackets: geometric sizes, who is promoted, and which bracket a free worker serves."""
import math

import pytest

from syne_tune.optimizer.schedulers.synchronous.bracket import (
    BracketManager, SynchronousBracket, geometric_bracket_rungs,
)


@pytest.mark.parametrize("args, expected", [
    ((1, 3, 27, None), [[(27, 1), (9, 3), (3, 9), (1, 27)], [(12, 3), (4, 9), (2, 27)], [(6, 9), (2, 27)],
                        [(4, 27)]]),
    ((1, 3, 27, 1), [[(27, 1), (9, 3), (3, 9), (1, 27)]]),
    ((1, 2, 10, 1), [[(16, 1), (8, 2), (4, 4), (2, 8), (1, 10)]]),
    ((5, 3, 5, None), [[(1, 5)]]),
])
def test_geometric_bracket_rungs(args, expected):
    assert geometric_bracket_rungs(*args) == expected


def _fill_rung0(bracket, losses):
    for trial_id, loss in enumerate(losses):
        slot = bracket.next_free_slot()
        assert (slot.rung_index, slot.slot_index, slot.trial_id) == (0, trial_id, None)
        bracket.assign(slot.slot_index, trial_id)
    dropped = []
    for slot_index, loss in enumerate(losses):
        dropped += bracket.record(slot_index, loss)
    return dropped


def test_best_are_promoted_ties_by_slot_and_non_finite_last():
    bracket = SynchronousBracket([(6, 1), (3, 3), (1, 9)])
    dropped = _fill_rung0(bracket, [0.5, math.nan, 0.2, 0.5, math.inf, 0.9])
    assert sorted(dropped) == [1, 4, 5]
    slots = [bracket.next_free_slot() for _ in range(3)]
    assert [(s.rung_index, s.level, s.trial_id) for s in slots] == [(1, 3, 2), (1, 3, 0), (1, 3, 3)]
    assert bracket.next_free_slot() is None  # rung 1 is handed out; rung 2 waits for it
    assert bracket.record(1, -math.inf) == []  # -inf counts as the worst too
    assert bracket.record(0, 0.4) == []
    assert bracket.record(2, 0.3) == [2, 0]  # worst last
    slot = bracket.next_free_slot()
    assert (slot.level, slot.trial_id) == (9, 3)
    bracket.record(0, 0.1)
    assert bracket.finished


def test_failed_trials_fill_places_when_too_few_finite():
    bracket = SynchronousBracket([(3, 1), (2, 3)])
    _fill_rung0(bracket, [math.nan, 0.3, math.nan])
    assert [bracket.next_free_slot().trial_id for _ in range(2)] == [1, 0]


def test_rung_completes_only_when_all_slots_report():
    bracket = SynchronousBracket([(2, 1), (1, 3)])
    bracket.next_free_slot(), bracket.next_free_slot()
    bracket.assign(0, 10), bracket.assign(1, 11)
    bracket.record(1, 0.1)
    assert bracket.next_free_slot() is None and bracket.rung_index == 0


def test_free_worker_takes_a_job_of_another_bracket():
    manager = BracketManager([[(2, 1), (1, 3)], [(1, 3)]])
    jobs = [manager.next_job() for _ in range(2)]
    assert [(b, s.slot_index) for b, s in jobs] == [(0, 0), (0, 1)]
    manager.brackets[0].assign(0, 0), manager.brackets[0].assign(1, 1)
    # bracket 0 waits for its rung: the next worker opens bracket 1 (the second rung system)
    bracket_id, slot = manager.next_job()
    assert (bracket_id, slot.level, slot.trial_id) == (1, 3, None)
    manager.brackets[1].assign(0, 2)
    bracket_id, slot = manager.next_job()  # and then bracket 2 (the first rung system again)
    assert (bracket_id, slot.level) == (2, 1)
    manager.brackets[2].assign(0, 3)
    manager.record(0, 0, 0.5)
    manager.record(0, 1, 0.2)
    bracket_id, slot = manager.next_job()  # bracket 0 has work again: it comes first
    assert (bracket_id, slot.level, slot.trial_id) == (0, 3, 1)
    manager.record(0, 0, 0.1)
    assert 0 not in manager.brackets  # finished brackets are dropped
