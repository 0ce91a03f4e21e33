"""Hyper-Tune's ranking losses, level weights and bracket distribution, as tables."""
import numpy as np
import pytest

from syne_tune.optimizer.schedulers.searchers.hypertune.ranking import (
    bracket_distribution, ensemble_weights, level_weights, ranking_losses, supported_levels,
)


def _discordant_share_by_loops(samples, y):
    n, S = samples.shape
    result = np.zeros(S)
    for j in range(n - 1):
        for k in range(j + 1, n):
            result += (samples[j] < samples[k]) != (y[j] < y[k])
    return result * 2 / (n * (n - 1))


@pytest.mark.parametrize("n, S", [(10, 20), (5, 5), (2, 1), (10, 1), (60, 30)])
def test_ranking_losses_count_discordant_pairs(n, S):
    rs = np.random.RandomState(n * 100 + S)
    samples, y = rs.randn(n, S), rs.randn(n)
    np.testing.assert_allclose(ranking_losses(samples, y), _discordant_share_by_loops(samples, y))


def test_perfect_and_reversed_rankings():
    y = np.arange(6.0)
    samples = np.stack([y, -y], axis=1)
    np.testing.assert_allclose(ranking_losses(samples, y), [0.0, 1.0])


def test_supported_levels_is_one_past_the_highest_level_with_six_observations():
    assert supported_levels([20, 5, 7, 2]) == 3
    assert supported_levels([20, 5, 5]) == 1
    assert supported_levels([3]) == 0


def test_level_weights_count_wins_and_ties_for_every_winner():
    losses = np.array([[0.1, 0.3, 0.2, 0.2],
                       [0.2, 0.1, 0.2, 0.5]])
    # draw 0: level 0; draw 1: level 1; draw 2: tie (both); draw 3: level 0 -> wins 3 and 2
    np.testing.assert_allclose(level_weights(losses), [0.6, 0.4])


def test_ensemble_weights_drop_tiny_levels_and_renormalize():
    assert ensemble_weights([1, 3, 9], np.array([0.005, 0.495, 0.5])) == pytest.approx({3: 0.4974874, 9: 0.5025126})


def test_bracket_distribution_weights_theta_by_level_and_keeps_the_default_tail():
    default = [0.5, 0.3, 0.2]
    # theta over all 3 levels: w ∝ theta / r
    np.testing.assert_allclose(bracket_distribution([1, 3, 9], np.array([0.2, 0.3, 0.5]), default),
                               np.array([0.2, 0.1, 0.5 / 9]) / (0.2 + 0.1 + 0.5 / 9))
    # theta over 2 levels replaces the head of the default, rescaled to its mass (0.8)
    np.testing.assert_allclose(bracket_distribution([1, 3, 9], np.array([0.0, 1.0]), default), [0.0, 0.8, 0.2])
    # more levels than brackets: cut
    np.testing.assert_allclose(bracket_distribution([1, 3, 9], np.array([0.5, 0.25, 0.25]), [0.7, 0.3]),
                               np.array([0.5, 0.25 / 3]) / (0.5 + 0.25 / 3))
    # nothing to weight: all on bracket 0
    np.testing.assert_allclose(bracket_distribution([1, 3], np.array([0.0, 0.0]), [0.6, 0.4]), [1.0, 0.0])
