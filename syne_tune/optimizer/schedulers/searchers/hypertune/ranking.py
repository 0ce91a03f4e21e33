"""Hyper-Tune's level weights and bracket distribution, as functions on arrays.

Li et al., "Hyper-Tune: Towards Efficient Hyper-parameter Tuning at Scale", VLDB 2022, §4:
how well the GP of a lower level ranks the configs observed at the highest supported level
decides how much that level counts (θ) in the acquisition ensemble and in bracket sampling.
Notation: ``samples: (n, S)`` joint posterior draws at n configs, ``y: (n,)`` their observed
criteria, ``losses: (L, S)`` one ranking loss per level and draw.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIN_DATA_PER_LEVEL = 6
"""A level takes part once it holds this many observations (as the original library)."""

MIN_WEIGHT = 0.01
"""Levels with θ below this are dropped from the ensemble."""


def ranking_losses(samples: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Share of discordant pairs per draw: ``2 / (n(n−1)) · #{j<k: (f_j < f_k) xor (y_j < y_k)}``: (S,)."""
    n = y.shape[0]
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    y_less = (y[:, None] < y[None, :])[upper]                     # (pairs,)
    f_less = (samples[:, None, :] < samples[None, :, :])[upper]   # (pairs, S)
    return (f_less != y_less[:, None]).sum(axis=0) * (2.0 / (n * (n - 1)))


def supported_levels(counts: Sequence[int]) -> int:
    """L: one more than the highest level index holding ``MIN_DATA_PER_LEVEL`` observations
    (``counts[l]`` = observations at level l); 0 if none does."""
    for index in range(len(counts) - 1, -1, -1):
        if counts[index] >= MIN_DATA_PER_LEVEL:
            return index + 1
    return 0


def level_weights(losses: np.ndarray) -> np.ndarray:
    """θ_l: the share of draws in which level l attains the smallest loss (ties count for every
    level attaining it), normalized to sum 1: (L,)."""
    wins = (losses <= losses.min(axis=0, keepdims=True)).sum(axis=1).astype(float)
    return wins / wins.sum()


def ensemble_weights(levels: Sequence[int], theta: np.ndarray) -> dict[int, float]:
    """{r_l: θ_l} for θ_l > MIN_WEIGHT, renormalized."""
    kept = {int(r): float(t) for r, t in zip(levels, theta) if t > MIN_WEIGHT}
    total = sum(kept.values())
    return {r: t / total for r, t in kept.items()}


def bracket_distribution(levels: Sequence[int], theta: np.ndarray, default: Sequence[float]) -> list[float]:
    """Bracket probabilities ``w_s ∝ θ_s / r_s`` (bracket s starts at level ``levels[s]``), cut to
    ``len(default)`` brackets. If θ covers fewer brackets than ``default``, they replace the head of
    ``default``, rescaled to its mass there; all mass on bracket 0 if ``Σ θ_s / r_s ≈ 0``."""
    num = min(len(theta), len(default))
    w = np.array([theta[s] / levels[s] for s in range(num)], dtype=float)
    if w.sum() < 1e-12:
        w = np.zeros(num)
        w[0] = 1.0
    w /= w.sum()
    head_mass = float(sum(default[:num]))
    return [float(v) for v in w * head_mass] + [float(p) for p in default[num:]]
