"""Expected hypervolume improvement (EHVI) of a candidate with independent Gaussian objectives.

Every objective is minimized. Notation: ``front: (n, m)`` the current Pareto front, ``reference:
(m,)`` the reference point, a candidate's objectives ``Y_j ~ N(mean_j, std_j²)`` independently;
``mean, std: (q, m)`` for q candidates. The hypervolume improvement of a point y is the volume of
the part of the box [y, reference] that no front point dominates (Emmerich et al., 2006):

    HVI(y) = Σ_cells Π_j |[lo_j, hi_j] ∩ [y_j, ∞)|,

summed over the cells of the non-dominated region below ``reference`` (a grid on the front's
coordinates). With ψ_j(a) = E[(a − Y_j)_+] = std_j·(u Φ(u) + φ(u)), u = (a − mean_j)/std_j (the
EI formula), each cell's expected volume is Π_j (ψ_j(hi_j) − ψ_j(lo_j)) by independence:

- ``m = 2``: exact, over the n + 1 vertical strips of the front (:func:`ehvi_2d`);
- ``m > 2``: Monte-Carlo over draws of y (:func:`ehvi_monte_carlo`), each HVI exact on the grid.

:func:`hypervolume_improvement` is that HVI for given points (the brute-force reference is
``hypervolume(front ∪ {y}) − hypervolume(front)``, tests/.../test_expected_hypervolume.py).
"""
from __future__ import annotations

import itertools

import numpy as np
from scipy.special import ndtr

from syne_tune.optimizer.schedulers.multiobjective.non_dominated import pareto_mask

MIN_STD = 1e-12


def _front(front: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The non-dominated points of ``front`` strictly inside the reference box."""
    front = np.asarray(front, dtype=float).reshape(-1, len(reference))
    front = front[np.all(np.isfinite(front), axis=1) & np.all(front < reference, axis=1)]
    return front[pareto_mask(front)] if len(front) else front


def _psi(a: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """E[(a − Y)_+] for Y ~ N(mean, std²), broadcast; 0 at a = −inf."""
    s = np.maximum(std, MIN_STD)
    with np.errstate(invalid="ignore"):
        u = (a - mean) / s
        value = s * (u * ndtr(u) + np.exp(-0.5 * u * u) / np.sqrt(2.0 * np.pi))
    return np.where(np.isneginf(a), 0.0, value)


def ehvi_2d(mean: np.ndarray, std: np.ndarray, front: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Exact EHVI for two objectives: (q,).

    Front points sorted by the first objective, p_1 < ... < p_n (so the second decreases): strip i
    spans [p_i1, p_{i+1,1}] (p_0 = −inf, p_{n+1} = reference) and is non-dominated below
    u_i = p_i2 (u_0 = reference_2), so EHVI = Σ_i (ψ_1(p_{i+1,1}) − ψ_1(p_i1)) · ψ_2(u_i).
    """
    reference = np.asarray(reference, dtype=float)
    front = _front(front, reference)
    front = front[np.argsort(front[:, 0], kind="stable")]
    lower = np.concatenate([[-np.inf], front[:, 0]])                # (n + 1,)
    upper = np.concatenate([front[:, 0], [reference[0]]])
    height = np.concatenate([[reference[1]], front[:, 1]])
    mean, std = np.atleast_2d(mean), np.atleast_2d(std)
    width = _psi(upper[None, :], mean[:, :1], std[:, :1]) - _psi(lower[None, :], mean[:, :1], std[:, :1])
    return np.sum(width * _psi(height[None, :], mean[:, 1:2], std[:, 1:2]), axis=1)


def _cells(front: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper corners (c, m) of the grid cells below ``reference`` that no front point
    dominates; the grid's lines are the front's coordinates (lowest cell edge −inf)."""
    m = len(reference)
    edges = [np.concatenate([[-np.inf], np.unique(front[:, j]), [reference[j]]]) for j in range(m)]
    index = np.array(list(itertools.product(*[range(len(e) - 1) for e in edges])))
    lower = np.column_stack([edges[j][index[:, j]] for j in range(m)])
    upper = np.column_stack([edges[j][index[:, j] + 1] for j in range(m)])
    # a cell is dominated iff a front point is <= its lower corner in every objective
    dominated = np.zeros(len(lower), dtype=bool)
    for point in front:
        dominated |= np.all(lower >= point[None, :], axis=1)
    keep = ~dominated & np.all(upper > lower, axis=1)
    return lower[keep], upper[keep]


def hypervolume_improvement(Y: np.ndarray, front: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """HVI of each point of ``Y: (q, m)`` over ``front`` (module docstring): (q,)."""
    reference = np.asarray(reference, dtype=float)
    lower, upper = _cells(_front(front, reference), reference)
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    sides = np.clip(upper[None, :, :] - np.maximum(lower[None, :, :], Y[:, None, :]), 0.0, None)
    return np.prod(sides, axis=2).sum(axis=1)


def ehvi_monte_carlo(mean: np.ndarray, std: np.ndarray, front: np.ndarray, reference: np.ndarray,
                     num_samples: int, random_state: np.random.RandomState) -> np.ndarray:
    """EHVI by the mean HVI of ``num_samples`` draws per candidate (common random numbers across
    candidates, so their order is less noisy): (q,)."""
    reference = np.asarray(reference, dtype=float)
    lower, upper = _cells(_front(front, reference), reference)
    mean, std = np.atleast_2d(mean), np.atleast_2d(std)
    noise = random_state.normal(size=(num_samples, 1, mean.shape[1]))
    total = np.zeros(mean.shape[0])
    for z in noise:                                                  # (1, m): one draw for every candidate
        Y = mean + std * z
        sides = np.clip(upper[None, :, :] - np.maximum(lower[None, :, :], Y[:, None, :]), 0.0, None)
        total += np.prod(sides, axis=2).sum(axis=1)
    return total / num_samples


def expected_hypervolume_improvement(mean: np.ndarray, std: np.ndarray, front: np.ndarray, reference: np.ndarray,
                                     num_samples: int = 128,
                                     random_state: np.random.RandomState | None = None) -> np.ndarray:
    """EHVI per candidate, (q,): exact for two objectives, Monte-Carlo with ``num_samples`` beyond."""
    if np.shape(mean)[-1] == 2:
        return ehvi_2d(mean, std, front, reference)
    return ehvi_monte_carlo(mean, std, front, reference, num_samples,
                            random_state if random_state is not None else np.random.RandomState(0))
