"""Search-space primitives: a config space is a plain dict of name -> Domain or constant.

A value that is a :class:`Domain` is a hyperparameter to tune; any other value is a
constant passed to the training script unchanged. ``Domain.sample`` draws Python
scalars (a list when ``size > 1``) from a ``numpy.random.RandomState``.
"""
from __future__ import annotations

import argparse
import math
from typing import Any, Sequence

import numpy as np

__all__ = [
    "Domain", "Float", "Integer", "Categorical", "FiniteRange",
    "uniform", "loguniform", "randint", "lograndint", "choice", "finrange", "logfinrange",
    "is_log_space", "add_to_argparse", "cast_config_values", "non_constant_hyperparameter_keys",
    "config_space_size", "config_to_match_string", "to_dict", "from_dict",
]


def _random_state(random_state: np.random.RandomState | None) -> np.random.RandomState:
    return random_state if random_state is not None else np.random.RandomState()


def _check_bounds(owner: str, lower: Any, upper: Any, log: bool, integer: bool) -> None:
    for name, value in (("lower", lower), ("upper", upper)):
        is_number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
        if not is_number or not math.isfinite(value):
            raise ValueError(f"The '{name}' argument of {owner} must be a finite number. Got {value!r}.")
        if integer and int(value) != value:
            raise ValueError(f"The '{name}' argument of {owner} must be an integer. Got {value!r}.")
    if lower > upper:
        raise ValueError(
            f"The 'lower' argument of {owner} must be <= 'upper'. Got lower={lower!r}, upper={upper!r}.")
    if log and lower <= 0:
        raise ValueError(
            f"The 'lower' argument of {owner} must be > 0 on a log scale. Got {lower!r}.")


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
    """Real values in [lower, upper], uniform on a linear or log scale."""

    value_type = float

    def __init__(self, lower: float, upper: float, log_scale: bool = False):
        _check_bounds("loguniform" if log_scale else "uniform", lower, upper, log_scale, integer=False)
        self.lower, self.upper, self.log_scale = float(lower), float(upper), log_scale

    def _sample(self, random_state, size):
        if self.log_scale:
            x = np.exp(random_state.uniform(np.log(self.lower), np.log(self.upper), size))
        else:
            x = random_state.uniform(self.lower, self.upper, size)
        return [float(v) for v in np.clip(x, self.lower, self.upper)]

    def cast(self, value):
        return float(value)

    def is_valid(self, value):
        return self.lower <= value <= self.upper

    def match_string(self, value):
        return f"{float(value):.7e}"

    def __len__(self):
        return 0 if self.lower < self.upper else 1

    def __repr__(self):
        return f"{'loguniform' if self.log_scale else 'uniform'}({self.lower}, {self.upper})"


class Integer(Domain):
    """Integers lower, ..., upper (both included), uniform on a linear or log scale."""

    value_type = int

    def __init__(self, lower: int, upper: int, log_scale: bool = False):
        _check_bounds("lograndint" if log_scale else "randint", lower, upper, log_scale, integer=True)
        self.lower, self.upper, self.log_scale = int(lower), int(upper), log_scale

    def _sample(self, random_state, size):
        if self.log_scale:
            # The tutorial's rule: round(exp(x)), x ~ U[log(lower - 0.5), log(upper + 0.5)].
            x = random_state.uniform(np.log(self.lower - 0.5), np.log(self.upper + 0.5), size)
            values = np.clip(np.round(np.exp(x)), self.lower, self.upper)
        else:
            values = random_state.randint(self.lower, self.upper + 1, size)
        return [int(v) for v in values]

    def cast(self, value):
        return int(round(float(value)))

    def is_valid(self, value):
        return self.lower <= value <= self.upper

    def __len__(self):
        return self.upper - self.lower + 1

    def __repr__(self):
        return f"{'lograndint' if self.log_scale else 'randint'}({self.lower}, {self.upper})"


class Categorical(Domain):
    """One of a finite list of values, uniformly."""

    def __init__(self, categories: Sequence[Any]):
        if isinstance(categories, (str, bytes)) or not isinstance(categories, Sequence) or not categories:
            raise ValueError(
                f"The 'categories' argument of choice must be a non-empty list. Got {categories!r}.")
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


class FiniteRange(Domain):
    """``size`` equally spaced values in [lower, upper] (linear or geometric)."""

    def __init__(self, lower: float, upper: float, size: int, log_scale: bool = False, cast_int: bool = False):
        owner = "logfinrange" if log_scale else "finrange"
        _check_bounds(owner, lower, upper, log_scale, integer=False)
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


def uniform(lower: float, upper: float) -> Float:
    """Real-valued uniform in [lower, upper]."""
    return Float(lower, upper)


def loguniform(lower: float, upper: float) -> Float:
    """exp(x) with x uniform in [log(lower), log(upper)]."""
    return Float(lower, upper, log_scale=True)


def randint(lower: int, upper: int) -> Integer:
    """Integer uniform in lower, ..., upper; both ends included."""
    return Integer(lower, upper)


def lograndint(lower: int, upper: int) -> Integer:
    """round(exp(x)) with x uniform in [log(lower - 0.5), log(upper + 0.5)]."""
    return Integer(lower, upper, log_scale=True)


def choice(categories: Sequence[Any]) -> Categorical:
    """Uniform over the finite list ``categories``."""
    return Categorical(categories)


def finrange(lower: float, upper: float, size: int, cast_int: bool = False) -> FiniteRange:
    """``size`` equally spaced values from lower to upper, both included."""
    return FiniteRange(lower, upper, size, log_scale=False, cast_int=cast_int)


def logfinrange(lower: float, upper: float, size: int, cast_int: bool = False) -> FiniteRange:
    """``size`` values from lower to upper, equally spaced in log scale."""
    return FiniteRange(lower, upper, size, log_scale=True, cast_int=cast_int)


def is_log_space(domain: Domain) -> bool:
    return bool(getattr(domain, "log_scale", False))


def non_constant_hyperparameter_keys(config_space: dict) -> list[str]:
    return [name for name, value in config_space.items() if isinstance(value, Domain)]


def cast_config_values(config: dict, config_space: dict) -> dict:
    """Casts each value to its domain's type; drops keys not in ``config_space``."""
    return {
        name: (config_space[name].cast(value) if isinstance(config_space[name], Domain) else value)
        for name, value in config.items() if name in config_space
    }


def config_space_size(config_space: dict, upper_limit: int = 2 ** 20) -> int | None:
    """Number of distinct configs, or None if infinite or larger than ``upper_limit``."""
    size = 1
    for domain in config_space.values():
        if isinstance(domain, Domain):
            n = len(domain)
            if n == 0:
                return None
            size *= n
            if size > upper_limit:
                return None
    return size


def config_to_match_string(config: dict, config_space: dict, keys: Sequence[str]) -> str:
    """A string equal for two configs iff they agree on ``keys`` (floats to 8 digits)."""
    return ",".join(f"{k}:{config_space[k].match_string(config[k])}" for k in keys)


def add_to_argparse(parser: argparse.ArgumentParser, config_space: dict) -> None:
    """Adds a required ``--name`` option for every entry of ``config_space``."""
    for name, value in config_space.items():
        value_type = value.value_type if isinstance(value, Domain) else type(value)
        if value_type is bool:
            value_type = _parse_bool
        parser.add_argument(f"--{name}", type=value_type, required=True)


def _parse_bool(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected True or False, got {text!r}")
    return text.lower() == "true"


_DOMAIN_CLASSES = {cls.__name__: cls for cls in (Float, Integer, Categorical, FiniteRange)}


def to_dict(domain: Domain) -> dict:
    """JSON-friendly description of ``domain``; :func:`from_dict` inverts it."""
    if isinstance(domain, Categorical):
        kwargs = {"categories": domain.categories}
    elif isinstance(domain, FiniteRange):
        kwargs = dict(lower=domain.lower, upper=domain.upper, size=domain.size,
                      log_scale=domain.log_scale, cast_int=domain.cast_int)
    else:
        kwargs = dict(lower=domain.lower, upper=domain.upper, log_scale=domain.log_scale)
    return {"domain_cls": type(domain).__name__, "domain_kwargs": kwargs}


def from_dict(description: dict) -> Domain:
    return _DOMAIN_CLASSES[description["domain_cls"]](**description["domain_kwargs"])
