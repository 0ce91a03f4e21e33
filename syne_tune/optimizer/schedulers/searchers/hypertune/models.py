"""GP models over (config, resource) with one process per rung level, and their ensemble.

Inputs ``X: (n, d + 1)``: encoded config columns, then the resource column ``u = (r − 0.5) / max_t``
(as GPMultiFidelitySearcher encodes it). Both models are values only (syne_tune/gp/model.py):
autograd gives the likelihood its gradients in the parameters and EI its gradients in the inputs.

- :class:`IndependentLevelsModel` (the original library's ``gp_independent``): ``f(·, r)`` for the
  levels ``r_0 < … < r_{L-1}`` are independent GPs sharing the Matérn 5/2 ARD kernel's bandwidths
  and the noise variance, each with its own constant mean ``μ_l`` and covariance scale ``c_l``::

      k((x, r), (x', r')) = [l(r) = l(r')] · c_{l(r)} · k₅⸝₂(x, x'),   m(x, r) = μ_{l(r)}

- :class:`LevelEnsembleModel` wraps any such model and adds one query point per config, the
  ensemble ``f_θ(x) = Σ_l θ_l f(x, r_l)`` (Hyper-Tune, Li et al., VLDB 2022), written as a query
  whose resource column is :data:`ENSEMBLE_RESOURCE`. A linear functional of a GP is Gaussian,
  so the posterior core predicts it like any input: for the independent model its mean is
  ``Σ θ_l μ_l(x)`` and its variance ``Σ θ_l² σ_l²(x)`` (cross-level covariances are 0), the
  original's formula; for a correlated (multi-task) model the cross terms are included.
"""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd.tracer import getval

from syne_tune.gp import kernels, priors
from syne_tune.gp.model import NOISE_VARIANCE, GPModel, Parameter

ENSEMBLE_RESOURCE = -1.0
"""Resource-column value of an ensemble query (outside the encodings of real resources, (0, 1])."""

_DIAGONAL_BLOCK = 64


def decode_resource(u: np.ndarray, max_t: int) -> np.ndarray:
    """Resource levels (int array) from encoded resource values ``u = (r − 0.5) / max_t``."""
    return np.rint(np.asarray(u) * max_t + 0.5).astype(int)


def encode_resource(r: int, max_t: int) -> float:
    return (min(float(r), max_t) - 0.5) / max_t


class IndependentLevelsModel(GPModel):
    """Independent GPs per level with shared bandwidths and noise (module docstring).

    Args:
        dim: number of input columns, the resource column included.
        levels: increasing resource levels; a resource between levels belongs to the next level
            above it (the last level beyond).
        max_t: the largest resource (for decoding the resource column).
    """

    name = "gp_independent"
    independent_levels = True

    def __init__(self, dim: int, levels: list[int] | tuple[int, ...], max_t: int):
        levels = tuple(int(r) for r in levels)
        if not levels or list(levels) != sorted(set(levels)) or levels[0] < 1:
            raise ValueError(f"The 'levels' argument of IndependentLevelsModel must be increasing positive "
                             f"integers. Got {levels!r}.")
        if dim < 2:
            raise ValueError(f"The 'dim' argument of IndependentLevelsModel must be >= 2 (config columns and the "
                             f"resource column). Got {dim!r}.")
        self.dim, self.levels, self.max_t = dim, levels, int(max_t)
        size = len(levels)
        self.parameters = (
            NOISE_VARIANCE,
            Parameter("kernel_inv_bw", 1.0, 1e-4, 100.0, None, size=dim - 1, vector=True),
            Parameter("covariance_scale", 1.0, 1e-3, 1e3, priors.log_normal(0.0, 1.0), size=size, vector=True),
            Parameter("mean_value", None, -np.inf, np.inf, priors.normal(0.0, 1.0), size=size, positive=False,
                      vector=True),
        )

    def level_index(self, X) -> np.ndarray:
        """Index into ``levels`` of each row's resource: (n,) ints (not traced)."""
        resources = decode_resource(getval(X)[:, -1], self.max_t)
        return np.minimum(np.searchsorted(self.levels, resources), len(self.levels) - 1)

    def covariance(self, params, X1, X2):
        index1, index2 = self.level_index(X1), self.level_index(X2)
        C1 = X1[:, :-1]
        C2 = C1 if X2 is X1 else X2[:, :-1]
        K = kernels.matern52(C1, C2, params["kernel_inv_bw"], 1.0)
        same_level = (index1[:, None] == index2[None, :]).astype(float)
        return K * same_level * params["covariance_scale"][index1][:, None]

    def diagonal(self, params, X):
        return params["covariance_scale"][self.level_index(X)] * kernels.matern52_diagonal(X, 1.0)

    def mean(self, params, X):
        return params["mean_value"][self.level_index(X)]


class LevelEnsembleModel(GPModel):
    """``base`` plus ensemble queries ``f_θ(x) = Σ_l θ_l f(x, r_l)`` (module docstring).

    Training inputs are passed to ``base`` unchanged, so its parameters and fit are untouched;
    ``weights`` ({level: θ}) only change what ensemble queries predict. An input array is either
    all ensemble queries or none.
    """

    def __init__(self, base: GPModel, max_t: int, weights: dict[int, float]):
        self.base, self.max_t = base, int(max_t)
        self.name = f"ensemble({base.name})"
        self.weights = dict(weights)

    @property
    def parameters(self):
        return self.base.parameters

    def initial_params(self, targets=None):
        return self.base.initial_params(targets)

    def log_prior(self, params):
        return self.base.log_prior(params)

    def _is_ensemble(self, X) -> bool:
        marked = getval(X)[:, -1] == ENSEMBLE_RESOURCE
        if marked.any() and not marked.all():
            raise ValueError("LevelEnsembleModel got inputs mixing ensemble queries and resource levels; "
                             "predict them separately.")
        return bool(marked.size and marked.all())

    def _at(self, X, level: int):
        """X with its resource column set to ``level``."""
        column = anp.full((getval(X).shape[0], 1), encode_resource(level, self.max_t))
        return anp.concatenate([X[:, :-1], column], axis=1)

    def covariance(self, params, X1, X2):
        ensemble1, ensemble2 = self._is_ensemble(X1), self._is_ensemble(X2)
        if not ensemble1 and not ensemble2:
            return self.base.covariance(params, X1, X2)
        if not ensemble1:
            return anp.transpose(self.covariance(params, X2, X1))
        same = X2 is X1
        total = 0.0
        for level, weight in self.weights.items():
            A = self._at(X1, level)
            if not ensemble2:
                total = total + weight * self.base.covariance(params, A, X2)
                continue
            for level2, weight2 in self.weights.items():
                B = A if (same and level2 == level) else self._at(X2, level2)
                total = total + weight * weight2 * self.base.covariance(params, A, B)
        return total

    def diagonal(self, params, X):
        if not self._is_ensemble(X):
            return self.base.diagonal(params, X)
        items = list(self.weights.items())
        rows = {level: self._at(X, level) for level, _ in items}
        total = sum(w * w * self.base.diagonal(params, rows[level]) for level, w in items)
        if getattr(self.base, "independent_levels", False):
            return total
        for i, (level, w) in enumerate(items):
            for level2, w2 in items[i + 1:]:
                total = total + 2.0 * w * w2 * self._cross_diagonal(params, rows[level], rows[level2])
        return total

    def _cross_diagonal(self, params, A, B):
        """k(a_i, b_i) per row, from diagonal blocks of the covariance."""
        n = getval(A).shape[0]
        blocks = [anp.diag(self.base.covariance(params, A[i:i + _DIAGONAL_BLOCK], B[i:i + _DIAGONAL_BLOCK]))
                  for i in range(0, n, _DIAGONAL_BLOCK)]
        return blocks[0] if len(blocks) == 1 else anp.concatenate(blocks)

    def mean(self, params, X):
        if not self._is_ensemble(X):
            return self.base.mean(params, X)
        return sum(w * self.base.mean(params, self._at(X, level)) for level, w in self.weights.items())
