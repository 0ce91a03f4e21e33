"""Domain classes: the sets of values a hyperparameter can take, with their sampling distributions.

Built by the factory functions of :mod:`syne_tune.config_space` (``uniform``, ``qrandint``, ...),
which re-exports these classes. ``Domain.sample`` draws Python scalars (a list when
``size > 1``) from a ``numpy.random.RandomState``.
"""
from __future__ import annotations

import inspect
import math
import warnings
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["Domain", "Float", "Integer", "Categorical", "Ordinal", "OrdinalNearestNeighbor", "FiniteRange", "Normal",
           "Function"]


def _random_state(random_state: np.random.RandomState | None) -> np.random.RandomState:
    return random_state if random_state is not None else np.random.RandomState()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _check_bounds(owner: str, lower: Any, upper: Any, log: bool) -> None:
    for name, value in (("lower", lower), ("upper", upper)):
        if not _is_number(value) or not math.isfinite(value):
            raise ValueError(f"The '{name}' argument of {owner} must be a finite number. Got {value!r}.")
    if lower > upper:
        raise ValueError(
            f"The 'lower' argument of {owner} must be <= 'upper'. Got lower={lower!r}, upper={upper!r}.")
    if log and lower <= 0:
        raise ValueError(
            f"The 'lower' argument of {owner} must be > 0 on a log scale. Got {lower!r}.")


def _check_q(owner: str, q: Any, integer: bool) -> float | int | None:
    """The quantization step: None, or a positive number (an integer for integer domains)."""
    if q is None:
        return None
    if not _is_number(q) or not math.isfinite(q) or q <= 0 or (integer and int(q) != q):
        rule = "a positive integer" if integer else "a positive number"
        raise ValueError(f"The 'q' argument of {owner} must be {rule}. Got {q!r}.")
    return int(q) if integer else float(q)


def _quantize(values: np.ndarray, q: float | int) -> np.ndarray:
    """The original library's rule: round(v / q) * q."""
    return np.round(np.divide(values, q)) * q


class Domain:
    """A set of values a hyperparameter can take, with a sampling distribution."""

    value_type: type = object

    def sample(self, spec: Any = None, size: int = 1, random_state: np.random.RandomState | None = None):
        """Draws ``size`` values: one Python scalar if ``size == 1``, else a list."""
        values = self._sample(_random_state(random_state), size)
        return values[0] if size == 1 else values

    def _sample(self, random_state: np.random.RandomState, size: int) -> list:
        raise NotImplementedError

    def cast(self, value: Any) -> Any:
        return self.value_type(value)

    def is_valid(self, value: Any) -> bool:
        raise NotImplementedError

    def match_string(self, value: Any) -> str:
        """Key used to decide whether two configs are the same."""
        return str(self.cast(value))

    def __len__(self) -> int:
        """Number of distinct values, or 0 if infinite."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(repr(self))


class Float(Domain):
    """Real values in [lower, upper]: uniform on a linear, log or reverse-log scale, optionally
    rounded to multiples of ``q`` (then ``lower`` and ``upper`` must be multiples of ``q``)."""

    value_type = float

    def __init__(self, lower: float, upper: float, log_scale: bool = False, q: float | None = None,
                 reverse_log: bool = False):
        owner = _float_name(log_scale, q, reverse_log)
        _check_bounds(owner, lower, upper, log_scale)
        if reverse_log and not 0 <= lower <= upper < 1:
            raise ValueError(f"The 'lower' and 'upper' arguments of {owner} must satisfy 0 <= lower <= upper < 1. "
                             f"Got lower={lower!r}, upper={upper!r}.")
        self.lower, self.upper, self.log_scale = float(lower), float(upper), log_scale
        self.q, self.reverse_log = _check_q(owner, q, integer=False), reverse_log
        if self.q is not None:
            for name, bound in (("lower", self.lower), ("upper", self.upper)):
                if not math.isclose(bound / self.q, round(bound / self.q), abs_tol=1e-9):
                    raise ValueError(f"The '{name}' argument of {owner} must be a multiple of q={self.q}. "
                                     f"Got {bound!r}.")

    def _sample(self, random_state, size):
        if self.log_scale:
            x = np.exp(random_state.uniform(np.log(self.lower), np.log(self.upper), size))
        elif self.reverse_log:
            # 1 - x is log-uniform: y ~ U[-log(1 - lower), -log(1 - upper)], x = 1 - exp(-y).
            x = -np.expm1(-random_state.uniform(-np.log1p(-self.lower), -np.log1p(-self.upper), size))
        else:
            x = random_state.uniform(self.lower, self.upper, size)
        return [self.cast(v) for v in np.clip(x, self.lower, self.upper)]

    def cast(self, value):
        if self.q is None:
            return float(value)
        return float(np.clip(_quantize(float(value), self.q), self.lower, self.upper))

    def is_valid(self, value):
        if not _is_number(value) or not self.lower <= value <= self.upper:
            return False
        return self.q is None or math.isclose(self.cast(value), value, rel_tol=1e-9, abs_tol=1e-12)

    def match_string(self, value):
        return f"{self.cast(value):.7e}"

    def __len__(self):
        if self.lower == self.upper:
            return 1
        return 0 if self.q is None else int(round(self.upper / self.q) - round(self.lower / self.q)) + 1

    def __repr__(self):
        q = "" if self.q is None else f", {self.q}"
        return f"{_float_name(self.log_scale, self.q, self.reverse_log)}({self.lower}, {self.upper}{q})"


def _round_bounds(owner: str, lower: float, upper: float) -> tuple[int, int]:
    """An integer domain's bounds, rounded as the original library did; a warning names each
    non-integer bound and the value it became, since the domain then differs from what was written."""
    rounded = {"lower": int(round(lower)), "upper": int(round(upper))}
    moved = [f"'{name}' {value!r} to {rounded[name]}" for name, value in (("lower", lower), ("upper", upper))
             if rounded[name] != value]
    if moved:
        warnings.warn(f"{owner}({lower!r}, {upper!r}) takes integer bounds: rounded {' and '.join(moved)}, so the "
                      f"domain is {owner}({rounded['lower']}, {rounded['upper']}). Pass integers to silence this "
                      f"warning.", UserWarning, stacklevel=4)
    return rounded["lower"], rounded["upper"]


def _float_name(log_scale: bool, q: Any, reverse_log: bool) -> str:
    name = "reverseloguniform" if reverse_log else ("loguniform" if log_scale else "uniform")
    return name if q is None else "q" + name


class Integer(Domain):
    """Integers lower, ..., upper (both included), uniform on a linear or log scale, optionally
    rounded to multiples of ``q``. Float bounds are rounded, as the original library did, with a
    warning (the original rounded silently)."""

    value_type = int

    def __init__(self, lower: int, upper: int, log_scale: bool = False, q: int | None = None):
        owner = ("q" if q is not None else "") + ("lograndint" if log_scale else "randint")
        _check_bounds(owner, lower, upper, log=False)
        self.lower, self.upper = _round_bounds(owner, lower, upper)
        self.log_scale = log_scale
        if log_scale and self.lower <= 0:
            rounded = "" if self.lower == lower else f", which rounds to {self.lower}"
            raise ValueError(f"The 'lower' argument of {owner} must be >= 1 on a log scale. Got {lower!r}{rounded}.")
        self.q = _check_q(owner, q, integer=True)
        if self.q is not None and self._grid()[0] > self._grid()[1]:
            raise ValueError(f"The 'q' argument of {owner} must have a multiple between lower={self.lower} and "
                             f"upper={self.upper}. Got {q!r}.")

    def _grid(self) -> tuple[int, int]:
        """Smallest and largest value: multiples of q inside [lower, upper] when quantized."""
        if self.q is None:
            return self.lower, self.upper
        return -(-self.lower // self.q) * self.q, (self.upper // self.q) * self.q

    def _sample(self, random_state, size):
        if self.log_scale:
            # The tutorial's rule: round(exp(x)), x ~ U[log(lower - 0.5), log(upper + 0.5)].
            x = random_state.uniform(np.log(self.lower - 0.5), np.log(self.upper + 0.5), size)
            values = np.clip(np.round(np.exp(x)), self.lower, self.upper)
        else:
            values = random_state.randint(self.lower, self.upper + 1, size)
        return [self.cast(v) for v in values]

    def cast(self, value):
        value = int(round(float(value)))
        if self.q is None:
            return value
        return int(np.clip(_quantize(value, self.q), *self._grid()))

    def is_valid(self, value):
        return _is_number(value) and self.lower <= value <= self.upper and (self.q is None or value % self.q == 0)

    def __len__(self):
        lowest, highest = self._grid()
        return (highest - lowest) // (self.q or 1) + 1

    def __repr__(self):
        name = ("q" if self.q is not None else "") + ("lograndint" if self.log_scale else "randint")
        return f"{name}({self.lower}, {self.upper}" + ("" if self.q is None else f", {self.q}") + ")"


class Categorical(Domain):
    """One of a finite list of values, uniformly."""

    _owner = "choice"

    def __init__(self, categories: Sequence[Any]):
        if isinstance(categories, (str, bytes)) or not isinstance(categories, Sequence) or not categories:
            raise ValueError(
                f"The 'categories' argument of {self._owner} must be a non-empty list. Got {categories!r}.")
        self.categories = list(categories)
        self.value_type = type(self.categories[0])

    def _sample(self, random_state, size):
        return [self.categories[i] for i in random_state.randint(0, len(self.categories), size)]

    def index(self, value: Any) -> int:
        """Position of ``value``; numbers match within 1% relative distance."""
        try:
            return self.categories.index(value)
        except ValueError:
            for i, category in enumerate(self.categories):
                if isinstance(category, (int, float)) and isinstance(value, (int, float)) and \
                        abs(category - value) <= 0.01 * max(abs(category), 1e-12):
                    return i
            raise

    def cast(self, value):
        if value in self.categories:
            return value
        if isinstance(value, str) and self.value_type is not str:
            for category in self.categories:
                if str(category) == value:
                    return category
        return self.categories[self.index(value)]

    def is_valid(self, value):
        try:
            self.index(value)
            return True
        except ValueError:
            return False

    def match_string(self, value):
        return str(self.index(self.cast(value)))

    def __len__(self):
        return len(self.categories)

    def __repr__(self):
        return f"choice({self.categories!r})"


class Ordinal(Categorical):
    """Ordered categories (``ordinal(..., kind='equal')``): sampled like ``choice``, but the GP
    searchers encode the category's index on one axis, so neighbours count as similar."""

    _owner = "ordinal"

    def __repr__(self):
        return f"ordinal({self.categories!r}, kind='equal')"


class OrdinalNearestNeighbor(Ordinal):
    """Strictly increasing numbers (``ordinal(..., kind='nn')``, ``logordinal``), modelled on their
    (log) value: a number maps to the nearest category, the first on ties.

    Sampling draws uniformly on ``[s0 - d, s_last + d]`` (``s`` the values, or their logs) and
    snaps, ``d`` half the mean gap: wide gaps get more mass, as the original library does.
    """

    def __init__(self, categories: Sequence[Any], log_scale: bool = False):
        self._owner = "logordinal" if log_scale else "ordinal"
        super().__init__(categories)
        if not all(_is_number(v) and math.isfinite(v) for v in self.categories) or \
                any(a >= b for a, b in zip(self.categories, self.categories[1:])):
            raise ValueError(f"The 'categories' argument of {self._owner} (nearest neighbour) must be strictly "
                             f"increasing finite numbers (int or float). Got {self.categories!r}; use "
                             f"ordinal(categories, kind='equal') for other values.")
        if log_scale and self.categories[0] <= 0:
            raise ValueError(f"The 'categories' argument of logordinal must be positive numbers. "
                             f"Got {self.categories!r}.")
        self.log_scale = log_scale
        self.value_type = float if any(isinstance(v, (float, np.floating)) for v in self.categories) else int
        scaled = np.log(self.categories) if log_scale else np.asarray(self.categories, dtype=float)
        self._scaled = scaled
        gap = 0.5 * (scaled[-1] - scaled[0]) / (len(scaled) - 1) if len(scaled) > 1 else 0.0
        self.scaled_interval = (float(scaled[0] - gap), float(scaled[-1] + gap))

    def nearest_index(self, value: Any) -> int:
        """Index of the category nearest to ``value`` on the domain's scale (the first on ties)."""
        value = float(value)
        scaled = np.log(max(value, 1e-300)) if self.log_scale else value
        return int(np.argmin(np.abs(self._scaled - scaled)))

    def _sample(self, random_state, size):
        scaled = random_state.uniform(*self.scaled_interval, size)
        values = np.exp(scaled) if self.log_scale else scaled
        return [self.categories[self.nearest_index(v)] for v in values]

    def cast(self, value):
        if isinstance(value, str):
            value = float(value)
        return self.categories[self.nearest_index(value)]

    def set_sampler(self, *args, **kwargs):
        raise ValueError(f"{self!r} samples by snapping to the nearest category; its sampler cannot be set.")

    def get_sampler(self):
        return None

    def __eq__(self, other):
        return type(self) is type(other) and (self.categories, self.log_scale) == (other.categories, other.log_scale)

    __hash__ = Domain.__hash__

    def __repr__(self):
        return f"logordinal({self.categories!r})" if self.log_scale else f"ordinal({self.categories!r}, kind='nn')"


class FiniteRange(Domain):
    """``size`` equally spaced values in [lower, upper] (linear or geometric)."""

    def __init__(self, lower: float, upper: float, size: int, log_scale: bool = False, cast_int: bool = False):
        owner = "logfinrange" if log_scale else "finrange"
        _check_bounds(owner, lower, upper, log_scale)
        if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
            raise ValueError(f"The 'size' argument of {owner} must be an integer >= 1. Got {size!r}.")
        self.lower, self.upper, self.size = lower, upper, int(size)
        self.log_scale, self.cast_int = log_scale, cast_int
        self.value_type = int if cast_int else float
        if log_scale:
            grid = np.exp(np.linspace(np.log(lower), np.log(upper), self.size))
        else:
            grid = np.linspace(lower, upper, self.size)
        grid = np.clip(grid, lower, upper)
        self.values = [int(np.rint(v)) if cast_int else float(v) for v in grid]

    def _sample(self, random_state, size):
        return [self.values[i] for i in random_state.randint(0, self.size, size)]

    def index(self, value: Any) -> int:
        """Position of the grid value nearest to ``value``."""
        return int(np.argmin([abs(v - float(value)) for v in self.values]))

    def cast(self, value):
        return self.values[self.index(value)]

    def is_valid(self, value):
        return abs(self.cast(value) - value) <= 1e-9 * max(1.0, abs(value))

    def match_string(self, value):
        return str(self.index(value))

    def __len__(self):
        return self.size

    def __eq__(self, other):
        return isinstance(other, FiniteRange) and (self.values, self.log_scale) == (other.values, other.log_scale)

    __hash__ = Domain.__hash__

    def __repr__(self):
        return f"{'logfinrange' if self.log_scale else 'finrange'}({self.lower}, {self.upper}, {self.size})"


class Normal(Domain):
    """Unbounded normal N(mean, sd²), optionally rounded to multiples of ``q``."""

    value_type = float

    def __init__(self, mean: float = 0.0, sd: float = 1.0, q: float | None = None):
        owner = "randn" if q is None else "qrandn"
        if not _is_number(mean) or not math.isfinite(mean):
            raise ValueError(f"The 'mean' argument of {owner} must be a finite number. Got {mean!r}.")
        if not _is_number(sd) or not math.isfinite(sd) or sd <= 0:
            raise ValueError(f"The 'sd' argument of {owner} must be a positive number. Got {sd!r}.")
        self.mean, self.sd, self.q = float(mean), float(sd), _check_q(owner, q, integer=False)

    def _sample(self, random_state, size):
        return [self.cast(v) for v in random_state.normal(self.mean, self.sd, size)]

    def cast(self, value):
        return float(value) if self.q is None else float(_quantize(float(value), self.q))

    def is_valid(self, value):
        return _is_number(value) and math.isfinite(value) and (
            self.q is None or math.isclose(self.cast(value), value, rel_tol=1e-9, abs_tol=1e-12))

    def match_string(self, value):
        return f"{self.cast(value):.7e}"

    def __len__(self):
        return 0

    def __repr__(self):
        return f"randn({self.mean}, {self.sd})" if self.q is None else f"qrandn({self.mean}, {self.sd}, {self.q})"


class Function(Domain):
    """Values drawn by a user function, ``func()`` or ``func(spec)`` (``sample_from``).

    The function draws its own randomness: a searcher's ``random_seed`` does not make it
    reproducible. Only ``searcher='random'`` supports it; the GP searchers cannot model it.
    """

    value_type = object

    def __init__(self, func: Callable):
        if not callable(func):
            raise TypeError(f"The 'func' argument of sample_from must be callable. Got {func!r}.")
        self.func = func
        try:
            inspect.signature(func).bind({})
            self.pass_spec = True
        except (TypeError, ValueError):
            self.pass_spec = False

    def sample(self, spec: Any = None, size: int = 1, random_state: np.random.RandomState | None = None):
        values = [self.func(spec if spec is not None else {}) if self.pass_spec else self.func()
                  for _ in range(size)]
        return values[0] if size == 1 else values

    def cast(self, value):
        return value

    def is_valid(self, value):
        return True

    def __len__(self):
        return 0

    def __repr__(self):
        return f"sample_from({getattr(self.func, '__qualname__', self.func)!r})"
