"""Search-space primitives: a config space is a plain dict of name -> Domain or constant.

A value that is a :class:`Domain` is a hyperparameter to tune; any other value is a
constant passed to the training script unchanged. The domain classes live in
:mod:`syne_tune.domains`; this module builds them and works on whole config spaces.

Semantics follow the original library (itself adapted from Ray Tune's ``sample.py``):
``q*`` domains round a draw to a multiple of ``q`` (``round(v / q) * q``), ``reverseloguniform``
draws ``x`` such that ``1 - x`` is log-uniform, ``randn`` is an unbounded normal.
"""
from __future__ import annotations

import argparse
from typing import Any, Callable, Sequence

import numpy as np

from syne_tune.domains import (
    Categorical, Domain, FiniteRange, Float, Function, Integer, Normal, Ordinal, OrdinalNearestNeighbor,
)

__all__ = [
    "Domain", "Float", "Integer", "Categorical", "Ordinal", "OrdinalNearestNeighbor", "FiniteRange", "Normal",
    "Function", "uniform", "loguniform", "randint", "lograndint", "choice", "ordinal", "logordinal", "finrange",
    "logfinrange",
    "quniform", "qloguniform", "qrandint", "qlograndint", "reverseloguniform", "randn", "qrandn",
    "sample_from", "restrict_domain", "default_value",
    "is_log_space", "is_reverse_log_space", "add_to_argparse", "cast_config_values",
    "non_constant_hyperparameter_keys", "config_space_size", "config_to_match_string", "to_dict", "from_dict",
    "config_space_to_json_dict", "config_space_from_json_dict",
]


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


_ORDINAL_KINDS = ("equal", "nn", "nn-log")


def ordinal(categories: Sequence[Any], kind: str | None = None) -> Ordinal:
    """Ordered categories. ``kind``:

    - ``"equal"``: sampled like ``choice``; the GP searchers encode the index, so neighbours
      are close and every step counts the same;
    - ``"nn"``: strictly increasing numbers, modelled on their value; a proposal snaps to the
      nearest category (:class:`OrdinalNearestNeighbor`);
    - ``"nn-log"``: the same on log scale, i.e. :func:`logordinal`;
    - ``None`` (default): ``"nn"`` for at least two strictly increasing int or float values,
      else ``"equal"``.
    """
    if kind is None:
        numbers = isinstance(categories, Sequence) and not isinstance(categories, (str, bytes)) and \
            all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in categories)
        increasing = numbers and all(a < b for a, b in zip(categories, categories[1:]))
        kind = "nn" if increasing and len(categories) >= 2 else "equal"
    if kind not in _ORDINAL_KINDS:
        raise ValueError(f"The 'kind' argument of ordinal must be one of {', '.join(map(repr, _ORDINAL_KINDS))} "
                         f"or None. Got {kind!r}.")
    if kind == "equal":
        return Ordinal(categories)
    return OrdinalNearestNeighbor(categories, log_scale=kind == "nn-log")


def logordinal(categories: Sequence[Any]) -> OrdinalNearestNeighbor:
    """Strictly increasing positive numbers modelled on log scale; a proposal snaps to the
    category nearest in log (e.g. batch sizes 16, 32, 64, 128)."""
    return OrdinalNearestNeighbor(categories, log_scale=True)


def finrange(lower: float, upper: float, size: int, cast_int: bool = False) -> FiniteRange:
    """``size`` equally spaced values from lower to upper, both included."""
    return FiniteRange(lower, upper, size, log_scale=False, cast_int=cast_int)


def logfinrange(lower: float, upper: float, size: int, cast_int: bool = False) -> FiniteRange:
    """``size`` values from lower to upper, equally spaced in log scale."""
    return FiniteRange(lower, upper, size, log_scale=True, cast_int=cast_int)


def quniform(lower: float, upper: float, q: float) -> Float:
    """uniform(lower, upper) rounded to a multiple of ``q``; lower and upper must be multiples of q."""
    return Float(lower, upper, q=q)


def qloguniform(lower: float, upper: float, q: float) -> Float:
    """loguniform(lower, upper) rounded to a multiple of ``q``; lower and upper must be multiples of q."""
    return Float(lower, upper, log_scale=True, q=q)


def reverseloguniform(lower: float, upper: float) -> Float:
    """x such that 1 - x is log-uniform, for 0 <= lower <= upper < 1: dense near ``upper``
    (e.g. a momentum or a discount factor close to 1)."""
    return Float(lower, upper, reverse_log=True)


def qrandint(lower: int, upper: int, q: int = 1) -> Integer:
    """randint(lower, upper) rounded to a multiple of ``q``, kept inside [lower, upper]."""
    return Integer(lower, upper, q=q)


def qlograndint(lower: int, upper: int, q: int) -> Integer:
    """lograndint(lower, upper) rounded to a multiple of ``q``, kept inside [lower, upper]."""
    return Integer(lower, upper, log_scale=True, q=q)


def randn(mean: float = 0.0, sd: float = 1.0) -> Normal:
    """Normal with mean ``mean`` and standard deviation ``sd``; unbounded."""
    return Normal(mean, sd)


def qrandn(mean: float, sd: float, q: float) -> Normal:
    """randn(mean, sd) rounded to a multiple of ``q``."""
    return Normal(mean, sd, q)


def sample_from(func: Callable) -> Function:
    """Values from ``func()`` (or ``func(spec)``); supported by searcher='random' only."""
    return Function(func)


def restrict_domain(numerical_domain: Domain, lower: float, upper: float) -> Domain:
    """The same kind of domain (scale, q, grid) restricted to [lower, upper].

    ``lower`` and ``upper`` are cast to the domain first; for a finite range they must be
    grid values, and the result keeps the grid points between them.
    """
    if not isinstance(numerical_domain, (Float, Integer, FiniteRange)):
        raise ValueError("The 'numerical_domain' argument of restrict_domain must be a Float, Integer or "
                         f"FiniteRange domain. Got {numerical_domain!r}.")
    lower, upper = numerical_domain.cast(lower), numerical_domain.cast(upper)
    if lower > upper:
        raise ValueError(f"The 'lower' argument of restrict_domain must be <= 'upper' once cast to the domain. "
                         f"Got lower={lower!r}, upper={upper!r}.")
    kwargs = to_dict(numerical_domain)["domain_kwargs"]
    if isinstance(numerical_domain, FiniteRange):
        i, j = numerical_domain.index(lower), numerical_domain.index(upper)
        kwargs["size"] = j - i + 1
    kwargs.update(lower=lower, upper=upper)
    return type(numerical_domain)(**kwargs)


def default_value(domain: Domain):
    """The value a partial ``points_to_evaluate`` entry gets: the middle of the range on the
    domain's scale (geometric for log, 1 - geometric of 1 - x for reverse-log), the first category,
    the middle category of an ordinal (``categories[len // 2]``), the category nearest the
    (log-)midpoint of a nearest-neighbour ordinal, the mean of a normal, a draw of a ``sample_from``
    function."""
    if isinstance(domain, OrdinalNearestNeighbor):
        first, last = domain.categories[0], domain.categories[-1]
        return domain.cast(np.sqrt(first * last) if domain.log_scale else 0.5 * (first + last))
    if isinstance(domain, Ordinal):
        return domain.categories[len(domain.categories) // 2]
    if isinstance(domain, Categorical):
        return domain.categories[0]
    if isinstance(domain, Normal):
        return domain.cast(domain.mean)
    if isinstance(domain, Function):
        return domain.sample()
    lower, upper = (domain.values[0], domain.values[-1]) if isinstance(domain, FiniteRange) \
        else (domain.lower, domain.upper)
    if is_log_space(domain):
        middle = np.sqrt(lower * upper)
    elif is_reverse_log_space(domain):
        middle = 1.0 - np.sqrt((1.0 - lower) * (1.0 - upper))
    else:
        middle = 0.5 * (lower + upper)
    return domain.cast(float(np.clip(middle, min(lower, upper), max(lower, upper))))


def is_log_space(domain: Domain) -> bool:
    return bool(getattr(domain, "log_scale", False))


def is_reverse_log_space(domain: Domain) -> bool:
    return bool(getattr(domain, "reverse_log", False))


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
        elif value_type is object:      # sample_from: the script gets the value's text
            value_type = str
        parser.add_argument(f"--{name}", type=value_type, required=True)


def _parse_bool(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected True or False, got {text!r}")
    return text.lower() == "true"


_DOMAIN_CLASSES = {cls.__name__: cls for cls in (
    Float, Integer, Categorical, Ordinal, OrdinalNearestNeighbor, FiniteRange, Normal)}


def to_dict(domain: Domain) -> dict:
    """JSON-friendly description of ``domain``; :func:`from_dict` inverts it.

    A ``sample_from`` domain is described by its function's name and cannot be rebuilt.
    """
    if isinstance(domain, OrdinalNearestNeighbor):
        kwargs = {"categories": domain.categories, "log_scale": domain.log_scale}
    elif isinstance(domain, Categorical):
        kwargs = {"categories": domain.categories}
    elif isinstance(domain, FiniteRange):
        kwargs = dict(lower=domain.lower, upper=domain.upper, size=domain.size,
                      log_scale=domain.log_scale, cast_int=domain.cast_int)
    elif isinstance(domain, Normal):
        kwargs = dict(mean=domain.mean, sd=domain.sd, q=domain.q)
    elif isinstance(domain, Function):
        kwargs = {"func": getattr(domain.func, "__qualname__", repr(domain.func))}
    elif isinstance(domain, Float):
        kwargs = dict(lower=domain.lower, upper=domain.upper, log_scale=domain.log_scale, q=domain.q,
                      reverse_log=domain.reverse_log)
    else:
        kwargs = dict(lower=domain.lower, upper=domain.upper, log_scale=domain.log_scale, q=domain.q)
    return {"domain_cls": type(domain).__name__, "domain_kwargs": kwargs}


def from_dict(description: dict) -> Domain:
    """The domain :func:`to_dict` described. Also reads the original library's format, where
    ``sampler_cls`` (``Uniform``, ``LogUniform``, ``Normal``) gives the scale."""
    name = description["domain_cls"]
    if name not in _DOMAIN_CLASSES:
        raise ValueError(f"from_dict cannot rebuild a '{name}' domain; known: {', '.join(_DOMAIN_CLASSES)}.")
    kwargs = dict(description["domain_kwargs"])
    sampler = description.get("sampler_cls")
    if sampler == "Normal":
        return Normal(**description.get("sampler_kwargs", {}))
    if sampler == "LogUniform":
        kwargs["log_scale"] = True
    elif sampler not in (None, "Uniform"):
        raise ValueError(f"from_dict cannot rebuild a '{name}' domain with sampler '{sampler}'; "
                         "known: Uniform, LogUniform, Normal.")
    return _DOMAIN_CLASSES[name](**kwargs)


def config_space_to_json_dict(config_space: dict) -> dict:
    """``config_space`` as a JSON-friendly dict: each domain described by :func:`to_dict`,
    constants copied. :func:`config_space_from_json_dict` inverts it."""
    return {name: to_dict(value) if isinstance(value, Domain) else value for name, value in config_space.items()}


def config_space_from_json_dict(config_space_dict: dict) -> dict:
    """The config space :func:`config_space_to_json_dict` described (also the original library's
    format, see :func:`from_dict`)."""
    return {name: from_dict(value) if isinstance(value, dict) and "domain_cls" in value else value
            for name, value in config_space_dict.items()}
