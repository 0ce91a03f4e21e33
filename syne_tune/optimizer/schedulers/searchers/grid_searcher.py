"""GridSearcher: every combination of grid values, each once, then None (``searcher='grid'``).

Grid values per hyperparameter (the original library's rules, docs/schedulers.md):
- finite domains (choice, ordinal, finrange): all their values;
- Float, Integer and Normal domains: ``n = num_samples.get(name)`` points at the encoded
  positions ``(i + 0.5) / n`` (uniform in the domain's own scale, log or linear), default 5;
  an Integer domain with at most ``n`` values gives all of them.
Key order: finite domains in reversed ``config_space`` order, then numeric ones by name; the
product varies the last key fastest, and ``shuffle_config`` shuffles the whole list once.
"""
from __future__ import annotations

import itertools
import logging

import numpy as np

from syne_tune.config_space import Categorical, Domain, FiniteRange, Float, Function, Integer, Normal
from syne_tune._validation import reject_unknown
from syne_tune.optimizer.schedulers.searchers.search_options import GridSearchOptions, parse_search_options
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher, impute_points_to_evaluate

logger = logging.getLogger(__name__)

DEFAULT_NUM_SAMPLES = 5
MAX_GRID_SIZE = 2 ** 22  # configs held in memory; beyond this, lower num_samples


def _is_finite_domain(domain: Domain) -> bool:
    """Domains listed value by value: categorical (ordinals included) and finite ranges."""
    return isinstance(domain, (Categorical, FiniteRange)) or hasattr(domain, "categories")


def _unique(values: list, domain: Domain) -> list:
    """``values`` without repeats (as configs compare them), first occurrence kept."""
    seen, result = set(), []
    for value in values:
        key = domain.match_string(value)
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


def _numeric_values(domain: Domain, count: int) -> list:
    """``count`` values at encoded positions (i + 0.5) / count, decoded in the domain's scale."""
    if isinstance(domain, Integer) and count >= len(domain):
        lowest, highest = domain._grid()
        return list(range(lowest, highest + 1, domain.q or 1))
    from syne_tune.gp.encoding import ConfigEncoding  # the unit-cube encoding the GP searchers use

    unit = (np.arange(count) + 0.5) / count
    return ConfigEncoding({"x": domain}).decode_columns(unit[:, None])["x"]


def grid_values(name: str, domain: Domain, num_samples: dict) -> list:
    """The values hyperparameter ``name`` takes on the grid."""
    if isinstance(domain, Function):
        raise ValueError(f"searcher='grid' cannot list the values of '{name}' = {domain!r}: a sample_from domain "
                         "has no grid. Use a choice(...) or numeric domain, or searcher='random'.")
    if isinstance(domain, FiniteRange):
        return _unique(list(domain.values), domain)
    if _is_finite_domain(domain):
        return _unique(list(domain.categories), domain)
    if not isinstance(domain, (Float, Integer, Normal)):
        raise ValueError(f"searcher='grid' does not know how to list the values of '{name}' = {domain!r}.")
    count = num_samples.get(name, DEFAULT_NUM_SAMPLES)
    if len(domain) > 0:
        count = min(count, len(domain))
    return _unique(_numeric_values(domain, count), domain)


def _warn_missing_counts(config_space: dict, num_samples: dict) -> None:
    """One warning naming the continuous hyperparameters that get DEFAULT_NUM_SAMPLES values."""
    missing = [k for k, d in config_space.items() if isinstance(d, Domain) and not _is_finite_domain(d)
               and not isinstance(d, Function) and len(d) == 0 and k not in num_samples]
    if missing:
        logger.warning("searcher='grid' takes %d values of %s (no num_samples given). Set search_options="
                       "{'num_samples': {'%s': n, ...}} to choose.", DEFAULT_NUM_SAMPLES,
                       ", ".join(repr(k) for k in missing), missing[0])


def grid_key_order(config_space: dict) -> list[str]:
    """Finite domains in reversed config_space order, then numeric domains sorted by name (the original's order)."""
    keys = [k for k, v in config_space.items() if isinstance(v, Domain)]
    finite = [k for k in reversed(keys) if _is_finite_domain(config_space[k]) or isinstance(config_space[k], Function)]
    return finite + sorted(k for k in keys if k not in finite)


def build_grid(config_space: dict, num_samples: dict) -> list[dict]:
    """Every combination of grid values, the last key varying fastest."""
    _warn_missing_counts(config_space, num_samples)
    keys = grid_key_order(config_space)
    values = [grid_values(k, config_space[k], num_samples) for k in keys]
    size = int(np.prod([len(v) for v in values], dtype=float))
    if size > MAX_GRID_SIZE:
        sizes = ", ".join(f"{k}: {len(v)}" for k, v in zip(keys, values))
        raise ValueError(f"searcher='grid' would list {size} configs ({sizes}), more than {MAX_GRID_SIZE}. "
                         "Lower search_options['num_samples'] or use fewer finite values.")
    return [dict(zip(keys, combination)) for combination in itertools.product(*values)]


class GridSearcher(BaseSearcher):
    """Grid search: serves ``points_to_evaluate``, then each grid config once; None when done.

    ``search_options``: ``num_samples`` (dict name -> count, for Float/Integer domains),
    ``shuffle_config`` (True), ``allow_duplicates`` (False; True: the grid is served again and
    again, skipping configs of failed trials), ``debug_log``.
    With ``points_to_evaluate=None`` the midpoint config is served first if it lies on the grid
    (the original added it even off the grid, one trial more than the grid).
    """

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, **search_options):
        options = parse_search_options(GridSearchOptions, search_options, "grid")
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, debug_log=options.debug_log,
                         allow_duplicates=options.allow_duplicates)
        self.options = options
        num_samples = dict(options.num_samples or {})
        reject_unknown("search_options['num_samples'] of searcher 'grid'",
                       [k for k in num_samples if k not in self.hyperparameter_keys], self.hyperparameter_keys,
                       what="hyperparameter")
        self.grid = build_grid(config_space, num_samples)
        if options.shuffle_config:
            self.random_state.shuffle(self.grid)
        if points_to_evaluate is None:  # the midpoint config goes first if it is a grid point
            self._initial_configs = []
            midpoint = self.match_string(impute_points_to_evaluate(None, config_space)[0])
            first = [c for c in self.grid if self.match_string(c) == midpoint]
            self.grid = first + [c for c in self.grid if self.match_string(c) != midpoint]
        self._next_index = 0

    def _next_config(self, **kwargs) -> dict | None:
        """The next grid config not excluded; with allow_duplicates the grid starts over."""
        for _ in range(len(self.grid)):
            if self._next_index >= len(self.grid):
                if not self.allow_duplicates:
                    return None
                self._next_index = 0
            config = self.grid[self._next_index]
            self._next_index += 1
            if not self.is_excluded(config):
                return dict(config)
        return None

