"""The contract every rung system satisfies; each test module subclasses it with ``make``."""
from __future__ import annotations

import dill
import pytest

from syne_tune.optimizer.schedulers.rung_systems import RUNG_SYSTEMS, RungDecision

LEVELS = [1, 3, 9, 27, 81]
NAN, INF = float("nan"), float("inf")


class RungSystemContract:
    """Subclasses set ``name`` (the key in RUNG_SYSTEMS) and may override ``make``."""

    name: str

    def make(self, levels=LEVELS):
        return RUNG_SYSTEMS[self.name](levels)

    def test_registered(self):
        assert isinstance(self.make(), RUNG_SYSTEMS[self.name])

    def test_below_milestone_continues_without_milestone(self):
        system = self.make([2, 6, 18])
        system.add_trial(0, 2)
        assert system.on_report(0, 1, 5.0) == RungDecision(True, False, 2)

    def test_first_trial_at_rung(self):
        system = self.make()
        system.add_trial(0, 1)
        decision = system.on_report(0, 1, 0.5)
        assert decision.milestone_reached
        assert decision.continues != system.pauses  # one value: stopping continues, promotion pauses
        assert decision.next_milestone == (3 if decision.continues or system.pauses else None)
        assert system.rungs[0].losses == {0: 0.5}

    @pytest.mark.parametrize("resource", [81, 90])
    def test_max_t_ends_the_trial(self, resource):
        system = self.make()
        system.add_trial(0, 81)  # the last bracket starts at max_t
        decision = system.on_report(0, resource, 0.1)
        assert decision == RungDecision(False, resource == 81, None)
        assert system.promotable() is None

    def test_skipped_rung_warns_and_moves_on(self, caplog):
        system = self.make()
        system.add_trial(0, 1)
        decision = system.on_report(0, 5, 0.3)
        assert decision == RungDecision(True, False, 9)
        assert "never reported at rung level(s) [1, 3]" in caplog.text
        assert all(not rung.losses for rung in system.rungs)
        assert system.on_report(0, 9, 0.2).milestone_reached
        assert system.rungs[2].losses == {0: 0.2}

    def test_skip_landing_on_a_rung_decides_there(self, caplog):
        system = self.make()
        system.add_trial(0, 1)
        decision = system.on_report(0, 3, 0.3)
        assert decision.milestone_reached and system.rungs[1].losses == {0: 0.3}
        assert "[1]" in caplog.text

    def test_discard_is_idempotent(self):
        system = self.make()
        system.add_trial(0, 1)
        system.on_report(0, 1, 1.0)
        system.discard(0)
        system.discard(0)
        system.discard(12345)
        assert system.promotable() is None

    def test_add_trial_checks_milestone(self):
        with pytest.raises(ValueError, match="rung levels"):
            self.make().add_trial(0, 2)

    def test_pickles_with_dill(self):
        system = self.make()
        for t, loss in enumerate([0.3, 0.1, 0.2, 0.5]):
            system.add_trial(t, 1)
            system.on_report(t, 1, loss)
        clone = dill.loads(dill.dumps(system))
        assert clone.rungs[0].sorted_losses == [0.1, 0.2, 0.3, 0.5]
        assert clone.promotable() == system.promotable()
        system.add_trial(9, 1)
        clone.add_trial(9, 1)
        assert clone.on_report(9, 1, 0.05) == system.on_report(9, 1, 0.05)


    # --- non-finite losses (NaN, +inf, -inf: a diverged trial) are the worst -----------------

    @pytest.mark.parametrize("bad", [NAN, INF, -INF])
    def test_non_finite_loss_never_continues_and_stays_sorted(self, bad):
        system = self.make()
        for t in range(3):
            system.add_trial(t, 1)
            decision = system.on_report(t, 1, bad)
            assert decision.milestone_reached and not decision.continues
        assert system.rungs[0].sorted_losses == [INF] * 3
        # later, better trials are judged as if the diverged ones were the worst
        for t, loss in zip(range(3, 6), [0.5, 0.4, 0.3]):
            system.add_trial(t, 1)
            assert system.on_report(t, 1, loss).continues, (t, loss)
        assert system.rungs[0].sorted_losses == [0.3, 0.4, 0.5, INF, INF, INF]

    @pytest.mark.parametrize("bad", [NAN, INF, -INF])
    def test_non_finite_trial_is_never_promoted_and_discards_cleanly(self, bad):
        system = self.make([1, 3, 9])
        for t, loss in enumerate([bad, 0.5, bad, 0.6, bad]):
            system.add_trial(t, 1)
            system.on_report(t, 1, loss)
        seen = set()
        while (promotion := system.promotable()) is not None:
            seen.add(promotion.trial_id)
            system.promote(promotion.trial_id)
        assert not seen & {0, 2, 4}
        for t in (4, 1, 0, 3, 2):
            system.discard(t)
        assert system.promotable() is None
        assert not any(getattr(system, "_paused", []))  # each discard removed its own entry

    @pytest.mark.parametrize("bad", [NAN, INF, -INF])
    def test_non_finite_loss_at_max_t_ends_the_trial(self, bad):
        system = self.make()
        system.add_trial(0, 81)
        assert system.on_report(0, 81, bad) == RungDecision(False, True, None)
