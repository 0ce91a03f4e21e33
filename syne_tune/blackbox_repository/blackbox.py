"""Blackbox: a benchmark that answers ``objective_function(config, fidelity, seed)`` instantly.

A blackbox has a configuration space, optionally one fidelity (e.g. ``epoch``) with its
values, and objective names; one objective is the (cumulative) elapsed training time, which
lets a SimulatorBackend replay the benchmark in simulated time.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from syne_tune._validation import bad_argument
from syne_tune.domains import Domain


class Blackbox:
    """Base class; subclasses implement ``_objective_function``.

    Args:
        configuration_space: {name: domain or constant} of the hyperparameters.
        fidelity_space: {fidelity name: domain}, at most one entry; None for single-fidelity.
        objectives_names: names of the values returned, in order.
    """

    num_seeds = 1

    def __init__(self, configuration_space: dict, fidelity_space: dict | None = None,
                 objectives_names: list[str] | None = None):
        owner = type(self).__name__
        if not isinstance(configuration_space, dict) or not configuration_space:
            raise bad_argument(owner, "configuration_space", "a non-empty dict {name: domain}", configuration_space)
        if fidelity_space is not None and (not isinstance(fidelity_space, dict) or len(fidelity_space) != 1):
            raise bad_argument(owner, "fidelity_space", "None or a dict with one entry {name: domain}", fidelity_space)
        if not objectives_names or not all(isinstance(name, str) for name in objectives_names):
            raise bad_argument(owner, "objectives_names", "a non-empty list of names", objectives_names)
        self.configuration_space = dict(configuration_space)
        self.fidelity_space = dict(fidelity_space) if fidelity_space else {}
        self.objectives_names = list(objectives_names)

    @property
    def fidelity_values(self) -> np.ndarray | None:
        """The fidelities at which the blackbox has values (sorted), or None without a fidelity."""
        return None

    def fidelity_name(self) -> str:
        if len(self.fidelity_space) != 1:
            raise ValueError(f"{type(self).__name__} has no fidelity: fidelity_name() needs exactly one.")
        return next(iter(self.fidelity_space))

    def objective_function(self, configuration: dict, fidelity: int | float | dict | None = None,
                           seed: int | None = None):
        """All objectives of ``configuration`` at ``fidelity`` as a dict; with ``fidelity=None`` on a
        multi-fidelity blackbox, the array (num fidelities, num objectives) of the whole curve.

        ``seed`` picks one of ``num_seeds`` repetitions (default 0).
        """
        missing = [name for name in self.configuration_space if name not in configuration]
        if missing:
            raise ValueError(f"The configuration {configuration} lacks the hyperparameters {missing} of "
                             f"{type(self).__name__}.")
        if isinstance(fidelity, dict):
            fidelity = fidelity[self.fidelity_name()]
        if fidelity is not None and not self.fidelity_space:
            raise ValueError(f"{type(self).__name__} has no fidelity: pass fidelity=None. Got {fidelity!r}.")
        seed = 0 if seed is None else int(seed) % self.num_seeds
        values = self._objective_function(configuration, fidelity, seed)
        if fidelity is None and self.fidelity_space:
            return values
        return dict(zip(self.objectives_names, np.asarray(values, dtype=float).ravel().tolist()))

    __call__ = objective_function

    def _objective_function(self, configuration: dict, fidelity, seed: int) -> np.ndarray:
        """Values of all objectives: shape (num objectives,) at one fidelity (or without fidelity),
        (num fidelities, num objectives) for ``fidelity=None`` on a multi-fidelity blackbox."""
        raise NotImplementedError

    def configuration_space_with_max_resource_attr(self, max_resource_attr: str) -> dict:
        """The configuration space plus the constant ``max_resource_attr`` = the largest fidelity,
        which schedulers such as ASHA read as the maximum resource."""
        return dict(self.configuration_space, **{max_resource_attr: int(max(self.fidelity_values))})

    def __str__(self) -> str:
        fidelity = f", fidelity {self.fidelity_name()} in {self.fidelity_values.tolist()}" if self.fidelity_space else ""
        return (f"{type(self).__name__}({len(self.configuration_space)} hyperparameters{fidelity}, "
                f"objectives {self.objectives_names}, {self.num_seeds} seeds)")


class FunctionBlackbox(Blackbox):
    """A blackbox computed by a function ``curve(config, fidelities, seed) -> (len(fidelities), O) array``.

    Without a fidelity space, ``fidelities`` is None and the function returns shape (O,).
    """

    def __init__(self, configuration_space: dict, curve: Callable, objectives_names: list[str],
                 fidelity_space: dict | None = None, fidelity_values=None, num_seeds: int = 1):
        super().__init__(configuration_space, fidelity_space, objectives_names)
        if not callable(curve):
            raise bad_argument("FunctionBlackbox", "curve", "callable", curve)
        if fidelity_space and fidelity_values is None:
            domain = next(iter(fidelity_space.values()))
            if not isinstance(domain, Domain) or not hasattr(domain, "upper"):
                raise bad_argument("FunctionBlackbox", "fidelity_values", "given when the fidelity domain has no "
                                   "integer bounds", fidelity_values)
            fidelity_values = np.arange(domain.lower, domain.upper + 1)
        self._fidelity_values = None if fidelity_values is None else np.asarray(fidelity_values)
        self.curve = curve
        self.num_seeds = num_seeds

    @property
    def fidelity_values(self) -> np.ndarray | None:
        return self._fidelity_values

    def _objective_function(self, configuration: dict, fidelity, seed: int) -> np.ndarray:
        if not self.fidelity_space:
            return np.asarray(self.curve(configuration, None, seed), dtype=float)
        curve = np.asarray(self.curve(configuration, self._fidelity_values, seed), dtype=float)
        if fidelity is None:
            return curve
        # One row of the whole curve: noise drawn along the curve stays the same whichever fidelity is asked.
        matches = np.flatnonzero(self._fidelity_values == fidelity)
        if not len(matches):
            raise ValueError(f"The fidelity {fidelity!r} is not one of {self._fidelity_values.tolist()}.")
        return curve[matches[0]]


def from_function(configuration_space: dict, eval_fun: Callable, fidelity_space: dict | None = None,
                  objectives_names: list[str] | None = None, fidelity_values=None, num_seeds: int = 1) -> Blackbox:
    """A blackbox from ``eval_fun(config, fidelity, seed) -> {objective: value}`` (fidelity None
    without a fidelity space), the original library's spelling."""
    if objectives_names is None:
        raise ValueError("The 'objectives_names' argument of from_function must list the keys eval_fun returns.")

    def curve(config, fidelities, seed):
        if fidelities is None:
            values = eval_fun(config, None, seed)
            return [values[name] for name in objectives_names]
        rows = [eval_fun(config, fidelity.item(), seed) for fidelity in fidelities]
        return [[row[name] for name in objectives_names] for row in rows]

    return FunctionBlackbox(configuration_space, curve, objectives_names, fidelity_space, fidelity_values, num_seeds)
