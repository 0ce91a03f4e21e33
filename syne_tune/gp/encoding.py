"""Configs <-> points of the unit cube [0, 1]^d, the GP's input space.

Rules (the original library's encoding): hyperparameters in sorted key order, constants dropped.
- Float: (s(v) - s(lower)) / (s(upper) - s(lower)), s = identity, log, or -log(1 - v) for
  reverseloguniform; clipped to [0, 1].
- Integer: a Float on [lower - 0.5 + 1e-8, upper + 0.5 - 1e-8]; decoding rounds and clips.
- Quantized Float/Integer (q*): numeric as above; decoding snaps to the q grid (``Domain.cast``),
  so only grid values are proposed.
- Normal (randn): Phi((v - mean) / sd), the normal CDF, so uniform points are normal draws.
- FiniteRange: its index 0..size-1, encoded as an Integer, i.e. (i + 0.5) / size.
- Categorical: 2 categories -> one dim like the index range {0, 1} (0.25 or 0.75);
  1 or >= 3 categories -> one-hot, decoded by argmax.
- Ordinal (``ordinal(..., kind='equal')``): its index, encoded like a FiniteRange.
- OrdinalNearestNeighbor (``ordinal(..., kind='nn')``, ``logordinal``): the (log) value on the
  domain's sampling interval [s0 - d, s_last + d]; decoding snaps to the nearest category, so a
  uniform point decodes as ``Domain.sample`` draws.

Shapes: ``X: (n, d)`` encoded configs, ``bounds: (d, 2)``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scipy.special import ndtr, ndtri

from syne_tune.config_space import (
    Categorical, Domain, FiniteRange, Float, Function, Integer, Normal, Ordinal, OrdinalNearestNeighbor,
)

_EPS = 1e-8


@dataclass(frozen=True)
class _Column:
    """How one hyperparameter maps to columns ``start:start + width``."""

    name: str
    domain: Domain
    start: int
    width: int
    one_hot: bool
    lower: float = 0.0  # scaled interval [lower, upper] for numeric encodings
    upper: float = 1.0
    log: bool = False


def _numeric_interval(domain: Domain) -> tuple[float, float, bool]:
    """Scaled interval of a numeric or index-coded domain, and whether the scale is log."""
    if isinstance(domain, Normal):
        return 0.0, 1.0, False
    if isinstance(domain, OrdinalNearestNeighbor):  # already on the log scale when log_scale
        lower, upper = domain.scaled_interval
        return lower, upper, domain.log_scale
    if isinstance(domain, Float) and domain.reverse_log:
        return float(-np.log1p(-domain.lower)), float(-np.log1p(-domain.upper)), False
    if isinstance(domain, Float):
        lower, upper, log = domain.lower, domain.upper, domain.log_scale
    elif isinstance(domain, Integer):
        lower, upper, log = domain.lower - 0.5 + _EPS, domain.upper + 0.5 - _EPS, domain.log_scale
    elif isinstance(domain, FiniteRange):
        lower, upper, log = -0.5 + _EPS, domain.size - 0.5 - _EPS, False
    else:  # an ordinal or two categories: index range {0, ..., n - 1}
        lower, upper, log = -0.5 + _EPS, len(domain.categories) - 0.5 - _EPS, False
    if log:
        lower, upper = np.log(max(lower, 1e-300)), np.log(upper)
    return float(lower), float(upper), log


class ConfigEncoding:
    """Encodes configs of ``config_space`` into ``(n, d)`` arrays and back."""

    def __init__(self, config_space: dict):
        self.config_space = config_space
        columns, start = [], 0
        for name in sorted(k for k, v in config_space.items() if isinstance(v, Domain)):
            domain = config_space[name]
            if isinstance(domain, Function):
                raise ValueError(f"The GP searchers cannot model '{name}' = {domain!r}: a sample_from domain "
                                 "has no numeric encoding. Use searcher='random' or a numeric domain.")
            if isinstance(domain, Categorical) and not isinstance(domain, Ordinal) and len(domain.categories) != 2:
                columns.append(_Column(name, domain, start, len(domain.categories), one_hot=True))
                start += len(domain.categories)
            else:
                lower, upper, log = _numeric_interval(domain)
                columns.append(_Column(name, domain, start, 1, False, lower, upper, log))
                start += 1
        self.columns: tuple[_Column, ...] = tuple(columns)
        self.dim = start

    @property
    def bounds(self) -> np.ndarray:
        """(d, 2) box for the acquisition optimizer; a 1-category one-hot dim is pinned to 1."""
        bounds = np.tile([0.0, 1.0], (self.dim, 1))
        for col in self.columns:
            if col.one_hot and col.width == 1:
                bounds[col.start] = (1.0, 1.0)
        return bounds

    @property
    def length_scale_groups(self) -> np.ndarray:
        """(d,) group index of each column, one group per hyperparameter: the one-hot columns of a
        categorical share one length scale (:class:`~syne_tune.gp.model.Matern52Model`)."""
        return np.concatenate([np.full(col.width, i) for i, col in enumerate(self.columns)]).astype(int) \
            if self.columns else np.zeros(0, dtype=int)

    # --- column-wise, vectorized ---------------------------------------------------------------

    def _to_unit(self, col: _Column, values) -> np.ndarray:
        domain = col.domain
        if isinstance(domain, FiniteRange):
            values = [domain.index(v) for v in values]
        elif isinstance(domain, OrdinalNearestNeighbor):
            values = [float(domain.cast(v)) for v in values]
        elif isinstance(domain, Categorical):
            values = [domain.index(domain.cast(v)) for v in values]
        v = np.asarray(values, dtype=float)
        if col.log:
            v = np.log(v)
        elif isinstance(domain, Normal):
            v = ndtr((v - domain.mean) / domain.sd)
        elif getattr(domain, "reverse_log", False):
            v = -np.log1p(-v)
        if col.upper <= col.lower:
            return np.zeros_like(v)
        return np.clip((v - col.lower) / (col.upper - col.lower), 0.0, 1.0)

    def _from_unit(self, col: _Column, u: np.ndarray) -> list:
        domain = col.domain
        v = col.lower + np.clip(u, 0.0, 1.0) * (col.upper - col.lower)
        if col.log:
            v = np.exp(v)
        if isinstance(domain, Normal):   # u in [1e-9, 1 - 1e-9]: within 6 sd of the mean
            return [domain.cast(x) for x in domain.mean + domain.sd * ndtri(np.clip(v, 1e-9, 1 - 1e-9))]
        if isinstance(domain, Float):
            if domain.reverse_log:
                v = -np.expm1(-v)
            return [domain.cast(x) for x in np.clip(v, domain.lower, domain.upper)]
        if isinstance(domain, Integer):
            return [domain.cast(x) for x in np.clip(np.round(v), domain.lower, domain.upper)]
        if isinstance(domain, OrdinalNearestNeighbor):
            return [domain.cast(x) for x in v]
        n = domain.size if isinstance(domain, FiniteRange) else len(domain.categories)
        index = np.clip(np.round(v), 0, n - 1).astype(int)
        items = domain.values if isinstance(domain, FiniteRange) else domain.categories
        return [items[i] for i in index]

    def finite_values(self, col: _Column, max_values: int = 64) -> tuple[list, np.ndarray] | None:
        """All values of ``col``'s domain and their encodings (k, width), or None if it is a
        continuous domain or has more than ``max_values`` values (the discrete acquisition search)."""
        domain = col.domain
        if isinstance(domain, Categorical):
            values = list(domain.categories)
        elif isinstance(domain, FiniteRange):
            values = list(domain.values)
        elif isinstance(domain, Integer) and len(domain) <= max_values:
            values = list(range(domain.cast(domain.lower), domain.cast(domain.upper) + 1, domain.q or 1))
        else:
            return None
        if len(values) > max_values:
            return None
        if col.one_hot:
            return values, np.eye(col.width)
        return values, self._to_unit(col, values)[:, None]

    def encode_columns(self, values: dict[str, list]) -> np.ndarray:
        """``values[name]`` lists n values per hyperparameter -> X: (n, d)."""
        n = len(next(iter(values.values()))) if values else 0
        X = np.zeros((n, self.dim))
        for col in self.columns:
            if col.one_hot:
                index = [col.domain.index(col.domain.cast(v)) for v in values[col.name]]
                X[np.arange(n), col.start + np.asarray(index, dtype=int)] = 1.0
            else:
                X[:, col.start] = self._to_unit(col, values[col.name])
        return X

    def decode_columns(self, X: np.ndarray) -> dict[str, list]:
        """X: (n, d) -> n values per hyperparameter (rounded, clipped, argmax for one-hot)."""
        X = np.atleast_2d(X)
        values = {}
        for col in self.columns:
            if col.one_hot:
                index = np.argmax(X[:, col.start:col.start + col.width], axis=1)
                values[col.name] = [col.domain.categories[i] for i in index]
            else:
                values[col.name] = self._from_unit(col, X[:, col.start])
        return values

    # --- configs --------------------------------------------------------------------------------

    def encode(self, configs: list[dict]) -> np.ndarray:
        """List of n configs -> X: (n, d)."""
        if not configs:
            return np.zeros((0, self.dim))
        return self.encode_columns({col.name: [c[col.name] for c in configs] for col in self.columns})

    def decode(self, x: np.ndarray) -> dict:
        """One encoded point x: (d,) -> config (non-constant hyperparameters only)."""
        values = self.decode_columns(np.asarray(x, dtype=float).reshape(1, -1))
        return {name: v[0] for name, v in values.items()}

    def snap(self, X: np.ndarray) -> np.ndarray:
        """Encoding of the configs ``X`` decodes to: (n, d) -> (n, d)."""
        return self.encode_columns(self.decode_columns(X))

    def sample(self, num: int, random_state: np.random.RandomState) -> np.ndarray:
        """``num`` encoded random configs, distributed as ``Domain.sample``: (num, d).

        Uniform in the unit interval is uniform/log-uniform for floats and gives the
        ±0.5 integer rule of the tutorial for (log) integers; one-hot columns get a uniform category.
        """
        X = random_state.uniform(size=(num, self.dim))
        for col in self.columns:
            if col.one_hot:
                index = random_state.randint(0, col.width, size=num)
                X[:, col.start:col.start + col.width] = 0.0
                X[np.arange(num), col.start + index] = 1.0
        return self.snap(X)
