"""Stopping-based asynchronous successive halving (type='stopping').

A trial reaching a rung continues if its loss is within the best 1/reduction_factor of all
losses recorded there (its own included), or if fewer than reduction_factor losses exist;
otherwise it is stopped. Klein et al., "Model-based Asynchronous Hyperparameter and Neural
Architecture Search", arXiv:2003.10865.
"""
from __future__ import annotations

from syne_tune.optimizer.schedulers.rung_systems.base import RungSystemBase


class StoppingRungSystem(RungSystemBase):
    """Stops trials that fall outside the top quantile at a rung; never pauses."""

    pauses = False

    def _decide(self, trial_id: int, j: int, loss: float) -> bool:
        return self.rungs[j].passes(loss) is not False
