"""Progressive ASHA, PASHA (type='pasha').

ASHA whose maximum resource starts at the second rung level and grows by one rung each time
the ranking of the trials in the top two rungs disagrees, up to a tolerance epsilon ("soft
ranking"). Bohdal et al., "PASHA: Efficient HPO and NAS with Progressive Resource
Allocation", arXiv:2207.06940.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from syne_tune._validation import check_number
from syne_tune.optimizer.schedulers.rung_systems.promotion import PromotionRungSystem

RANKING_CRITERIA = ("soft_ranking_auto", "soft_ranking", "soft_ranking_std", "soft_ranking_mean_dst",
                    "soft_ranking_median_dst")
NOISE_PERCENTILE = 90


def soft_ranking_epsilon(losses: np.ndarray, criterion: str, epsilon: float, scaling: float,
                         noise_history: Sequence[float] = ()) -> float:
    """Tolerance below which two losses of the lower rung count as tied.

    'soft_ranking_auto' (default): the 90th percentile of ``noise_history``, the lower-rung
    distances of the pairs of trials seen to swap order between the top two rungs so far (0
    before any swap was seen), so the tolerance adapts to the metric's noise and scale. 'soft_ranking': ``epsilon``; '_std': std of ``losses``; '_mean_dst' / '_median_dst':
    mean or median pairwise distance. All but 'soft_ranking' are multiplied by ``scaling``.
    0 for fewer than two losses. The data-driven criteria ignore losses that are not finite
    (diverged trials: they carry no information on the noise of the others).
    """
    if len(losses) < 2:
        return 0.0
    if criterion == "soft_ranking":
        return epsilon
    if criterion == "soft_ranking_auto":
        return float(np.percentile(noise_history, NOISE_PERCENTILE)) * scaling if len(noise_history) else 0.0
    losses = losses[np.isfinite(losses)]
    if len(losses) < 2:
        return 0.0
    if criterion == "soft_ranking_std":
        return float(np.std(losses)) * scaling
    distances = np.abs(losses[:, None] - losses[None, :])[np.triu_indices(len(losses), 1)]
    center = np.mean(distances) if criterion == "soft_ranking_mean_dst" else np.median(distances)
    return float(center) * scaling


def swapped_pair_distances(lower: np.ndarray, upper: np.ndarray, index: int) -> np.ndarray:
    """Lower-rung distances between trial ``index`` and the trials it is ordered differently
    with in ``lower`` and in ``upper`` (entry i of both arrays belongs to the same trial).

    Two +inf losses (diverged trials) count as tied; infinite distances are left out.
    """
    with np.errstate(invalid="ignore"):  # inf - inf
        lower_gaps, upper_gaps = lower[index] - lower, upper[index] - upper
    swapped = _sign(lower_gaps) != _sign(upper_gaps)
    distances = np.abs(lower_gaps[swapped])
    return distances[np.isfinite(distances)]


def _sign(gaps: np.ndarray) -> np.ndarray:
    """Sign of each gap; NaN (the gap between two +inf) is a tie, 0."""
    return np.sign(np.where(np.isnan(gaps), 0.0, gaps))


def rankings_disagree(lower: np.ndarray, upper: np.ndarray, epsilon: float) -> bool:
    """True if some trial's soft rank in ``lower`` and in ``upper`` do not overlap.

    Entry i of both arrays belongs to the same trial. A trial's soft rank in a rung is the range
    of positions of the trials within ``epsilon`` of its loss there.
    """
    def soft_positions(losses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ordered = np.sort(losses)
        return (np.searchsorted(ordered, losses - epsilon, side="left"),
                np.searchsorted(ordered, losses + epsilon, side="right") - 1)

    lower_first, lower_last = soft_positions(lower)
    upper_first, upper_last = soft_positions(upper)
    return bool(np.any((upper_last < lower_first) | (upper_first > lower_last)))


class PashaRungSystem(PromotionRungSystem):
    """ASHA with a maximum rung that grows while the top-two-rung ranking is unstable.

    Args:
        ranking_criterion: how epsilon is set, one of ``RANKING_CRITERIA``. The default,
            'soft_ranking_auto', estimates it from the data, as the PASHA paper does, so it
            works for metrics of any scale.
        epsilon: fixed tolerance for 'soft_ranking', in units of the metric.
        epsilon_scaling: factor on the data-driven tolerances of the other criteria.
    """

    def __init__(self, levels: Sequence[int], always_pause: bool = False, ranking_criterion: str = "soft_ranking_auto",
                 epsilon: float = 1.0, epsilon_scaling: float = 1.0):
        super().__init__(levels, always_pause)
        if ranking_criterion not in RANKING_CRITERIA:
            raise ValueError("The 'ranking_criterion' entry of rung_system_kwargs must be one of "
                             f"{', '.join(map(repr, RANKING_CRITERIA))}. Got {ranking_criterion!r}.")
        owner = "rung_system_kwargs"
        self.ranking_criterion = ranking_criterion
        self.epsilon = check_number(owner, "epsilon", epsilon, minimum=0, finite=True)
        self.epsilon_scaling = check_number(owner, "epsilon_scaling", epsilon_scaling, minimum=0, finite=True)
        # index into levels of the current maximum resource; trials pause there
        self.current_max_index = min(1, len(self.rungs))
        self._noise_history: list[float] = []  # swap distances seen so far, for "soft_ranking_auto"

    @property
    def current_max_resource(self) -> int:
        return self.levels[self.current_max_index]

    def _promotion_top(self) -> int:
        return self.current_max_index

    def _decide(self, trial_id: int, j: int, loss: float) -> bool:
        self._grow_if_unstable(trial_id, j)
        return super()._decide(trial_id, j, loss)

    def _after_late_record(self, trial_id: int, k: int) -> None:
        self._grow_if_unstable(trial_id, k)

    def _grow_if_unstable(self, trial_id: int, j: int) -> None:
        """A loss of ``trial_id`` was recorded at rung j: at the maximum rung, check the ranking."""
        if j == self.current_max_index and self._ranking_unstable(j, trial_id):
            self.current_max_index += 1

    def _ranking_unstable(self, j: int, trial_id: int) -> bool:
        """Do rungs j-1 and j rank the trials present in both differently (up to epsilon)?"""
        upper, lower = self.rungs[j].losses, self.rungs[j - 1].losses
        both = [t for t in upper if t in lower]
        if len(both) < 2:
            return False
        lower_losses = np.fromiter((lower[t] for t in both), float, len(both))
        upper_losses = np.fromiter((upper[t] for t in both), float, len(both))
        epsilon = soft_ranking_epsilon(lower_losses, self.ranking_criterion, self.epsilon, self.epsilon_scaling,
                                       self._noise_history)
        if self.ranking_criterion == "soft_ranking_auto" and trial_id in upper and trial_id in lower:
            # each pair is counted once: when the later of its two trials reaches the upper rung
            newest = both.index(trial_id)
            self._noise_history.extend(swapped_pair_distances(lower_losses, upper_losses, newest).tolist())
        return rankings_disagree(lower_losses, upper_losses, epsilon)
