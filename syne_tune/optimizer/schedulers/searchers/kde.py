"""Product kernel densities over mixed numeric/categorical features, as BOHB's TPE-style model uses.

Notation: ``Z: (n, p)`` one row per observation, one column per hyperparameter. A continuous
column holds values in [0, 1] (Gaussian kernel); a categorical column holds the category index
0..k-1 (Aitchison-Aitken kernel: 1 - bw for the same category, bw / (k - 1) for another).
``sizes: (p,)`` is 0 for continuous columns and k for categorical ones; ``bw: (p,)`` bandwidths.
"""
from __future__ import annotations

import numpy as np

_TINY = 1e-32


def normal_reference_bandwidths(Z: np.ndarray, sizes: np.ndarray, min_bandwidth: float) -> np.ndarray:
    """Scott's normal reference rule ``1.06 * std * n**(-1/(4+p))`` per column, at least ``min_bandwidth``.

    A categorical bandwidth is at most (k-1)/k, where its kernel is uniform over the categories.
    """
    n, p = Z.shape
    bw = 1.06 * Z.std(axis=0) * n ** (-1.0 / (4 + p))
    bw = np.maximum(bw, min_bandwidth)
    categorical = sizes > 0
    bw[categorical] = np.minimum(bw[categorical], (sizes[categorical] - 1) / np.maximum(sizes[categorical], 1))
    return bw


def density(points: np.ndarray, Z: np.ndarray, sizes: np.ndarray, bw: np.ndarray) -> np.ndarray:
    """Kernel density of ``points: (m, p)`` given data ``Z: (n, p)``: ``(m,)``, mean over the n kernels."""
    factors = np.ones((points.shape[0], Z.shape[0]))
    for j in range(Z.shape[1]):
        diff = points[:, j:j + 1] - Z[None, :, j]
        if sizes[j] > 0:
            k = sizes[j]
            same = np.abs(diff) < 0.5
            factors *= np.where(same, 1.0 - bw[j], bw[j] / max(k - 1, 1))
        else:
            factors *= np.exp(-0.5 * (diff / bw[j]) ** 2) / (np.sqrt(2.0 * np.pi) * bw[j])
    return factors.mean(axis=1)


def sample_around(Z_good: np.ndarray, sizes: np.ndarray, bw: np.ndarray, num: int, bandwidth_factor: float,
                  random_state: np.random.RandomState) -> np.ndarray:
    """``num`` candidates, each drawn around a uniformly chosen good point: ``(num, p)``.

    Continuous: a normal of scale ``bandwidth_factor * bw`` truncated to [0, 1] (by resampling);
    categorical: the good point's category with probability 1 - bw, else a uniform category.
    """
    base = Z_good[random_state.randint(0, Z_good.shape[0], size=num)]
    out = base.copy()
    for j in range(base.shape[1]):
        if sizes[j] > 0:
            redraw = random_state.uniform(size=num) < bw[j]
            out[redraw, j] = random_state.randint(0, sizes[j], size=int(redraw.sum()))
            continue
        scale = bandwidth_factor * bw[j]
        values = base[:, j] + scale * random_state.normal(size=num)
        for _ in range(20):
            outside = (values < 0.0) | (values > 1.0)
            if not outside.any():
                break
            values[outside] = base[outside, j] + scale * random_state.normal(size=int(outside.sum()))
        out[:, j] = np.clip(values, 0.0, 1.0)
    return out


def density_ratio_scores(candidates: np.ndarray, Z_good: np.ndarray, Z_bad: np.ndarray, sizes: np.ndarray,
                         bw_good: np.ndarray, bw_bad: np.ndarray) -> np.ndarray:
    """``l_bad(x) / l_good(x)`` per candidate: ``(m,)``; the lowest is the most promising (TPE)."""
    good = np.maximum(density(candidates, Z_good, sizes, bw_good), _TINY)
    bad = np.maximum(density(candidates, Z_bad, sizes, bw_bad), _TINY)
    return bad / good
