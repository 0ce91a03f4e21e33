"""GPMultiFidelitySearcher: MOBSTER's searcher (HyperbandScheduler with searcher='bayesopt').

Glue only (MOBSTER's data model, Klein et al., 2020): observations ``(trial, r) -> criterion`` at every resource level the
scheduler lets through (``searcher_data``), pending ``(trial, r)`` entries fantasized, a GP over
``[encoded config, (r − 0.5) / max_t]`` from :mod:`syne_tune.gp.resource_kernels`, and expected
improvement over configs with the resource pinned to ``r_acq`` (:func:`resource_for_acquisition`).
Usable standalone::

    searcher = GPMultiFidelitySearcher(config_space, metric="loss", resource_attr="epoch", max_t=27)
    config = searcher.get_config(trial_id="0"); searcher.register_pending("0", config, milestone=1)
    searcher.on_trial_result("0", config, {"loss": 0.3, "epoch": 1}, update=True)
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from syne_tune.gp.model import GPModel, checked_model
from syne_tune.gp.resource_kernels import resource_kernel_model
from syne_tune.optimizer.schedulers.searchers.gp_searcher import GPFIFOSearcher
from syne_tune.optimizer.schedulers.searchers.search_options import MultiFidelityGPSearchOptions


def resource_for_acquisition(resources: list[int], threshold: int, rule: str = "bohb",
                             max_t: int | None = None) -> int:
    """r_acq (search option ``resource_acq``). 'bohb' (the original library's rule for BOHB): the
    largest level observed at least ``threshold`` times; else the smallest observed level; 1 before
    any data. 'first': the smallest observed level (the first rung level), 1 before any data.
    'final': ``max_t``."""
    if rule == "final":
        return max_t
    if not resources:
        return 1
    if rule == "first":
        return min(resources)
    histogram = Counter(resources)
    eligible = [r for r, count in histogram.items() if count >= threshold]
    return max(eligible) if eligible else min(histogram)


class GPMultiFidelitySearcher(GPFIFOSearcher):
    """Multi-task GP Bayesian optimization over (config, resource) (Klein et al., 2020).

    Args:
        config_space, metric, points_to_evaluate, mode, random_seed: as for GPFIFOSearcher.
        resource_attr: the result key holding the resource (e.g. 'epoch'), an integer >= 1.
        max_t: the largest resource; the resource is encoded as ``(r − 0.5) / max_t``.
        **search_options: see :class:`MultiFidelityGPSearchOptions` (unknown names raise ValueError).

    Observations and pending entries are keyed by ``(trial_id, r)``; the exclusion set (configs
    never suggested twice) ignores the resource.
    """

    _OPTIONS_CLASS = MultiFidelityGPSearchOptions

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, resource_attr: str = "epoch",
                 max_t: int | None = None, **search_options):
        owner = type(self).__name__
        if not isinstance(resource_attr, str) or not resource_attr:
            raise ValueError(f"The 'resource_attr' argument of {owner} must be a non-empty string. "
                             f"Got {resource_attr!r}.")
        if not isinstance(max_t, (int, np.integer)) or isinstance(max_t, bool) or max_t < 1:
            raise ValueError(f"The 'max_t' argument of {owner} must be an integer >= 1 (the largest resource). "
                             f"Got {max_t!r}.")
        self.resource_attr = resource_attr
        self.max_t = int(max_t)
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, **search_options)
        self._max_t_count_at_fit = -1
        self._r_acq = 1

    def _make_model(self) -> GPModel:
        """Search option ``gp_model`` called with the input dimension (config columns + 1 resource column)
        if given, else the resource kernel named by ``gp_resource_kernel``."""
        if self.options.gp_model is not None:
            return checked_model(self.options.gp_model, self.encoding.dim + 1)
        return resource_kernel_model(self.options.gp_resource_kernel, self.encoding.dim + 1)

    # --- hooks of GPFIFOSearcher: key (trial_id, r), input [encoded config, u(r)] ---------------------

    def encode_resource(self, r: int) -> float:
        return (min(float(r), self.max_t) - 0.5) / self.max_t

    def _extended(self, config: dict, r: int) -> np.ndarray:
        return np.append(self.encoding.encode([config])[0], self.encode_resource(r))

    def _key(self, trial_id: str, resource: int | None) -> tuple[str, int]:
        return trial_id, resource

    def _trial_of(self, key: tuple[str, int]) -> str:
        return key[0]

    def _model_input(self, config: dict, resource: int | None) -> np.ndarray:
        return self._extended(config, resource)

    def _result_resource(self, result: dict) -> int:
        value = result.get(self.resource_attr)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or value < 1 or int(value) != value:
            raise ValueError(f"The result {result!r} must have '{self.resource_attr}', the resource attribute of "
                             f"{type(self).__name__}, as an integer >= 1. Include it in every reported result.")
        return int(value)

    def _pending_resource(self, trial_id: str, milestone: int | None) -> int:
        if isinstance(milestone, bool) or not isinstance(milestone, (int, np.integer)) or milestone < 1:
            raise ValueError(f"The 'milestone' argument of {type(self).__name__}.register_pending must be the "
                             f"resource level (an integer >= 1) of the pending evaluation of trial {trial_id!r}. "
                             f"Got {milestone!r}.")
        return int(milestone)

    def _removed_resource(self, kwargs: dict) -> int:
        if self.resource_attr not in kwargs:
            raise ValueError(f"{type(self).__name__}.remove_case needs the resource as keyword "
                             f"'{self.resource_attr}'. Got {kwargs!r}.")
        return int(kwargs[self.resource_attr])

    def _acquisition_resource(self) -> float:
        """Encoded r_acq (:func:`resource_for_acquisition`): EI is computed with the resource pinned there."""
        self._r_acq = resource_for_acquisition([r for _, r in self._observed],
                                               self.options.resource_acq_bohb_threshold,
                                               self.options.resource_acq, self.max_t)
        return self.encode_resource(self._r_acq)

    def resource_histogram(self) -> dict[int, int]:
        """Observed resource level -> number of observations."""
        return dict(Counter(r for _, r in self._observed))

    def pending_evaluations(self) -> list[tuple[str, int]]:
        return sorted(self._pending)

    # --- refit rule and model data ------------------------------------------------------------

    def _skip_refit(self, n: int) -> bool:
        """The base schedule; below ``opt_skip_init_length`` also refit only once the data grew by
        ``refit_growth_below_init_length`` (MOBSTER gets a new observation at every rung result, the FIFO searcher one
        per trial); past it, with ``opt_skip_num_max_resource``, refit only when the number of
        observations at max_t grew since the last fit."""
        if super()._skip_refit(n):
            return True
        if n < self.options.opt_skip_init_length:
            return n < self._fit_size * (1.0 + self.options.refit_growth_below_init_length)
        if not self.options.opt_skip_num_max_resource:
            return False
        return self._count_at_max_t() == self._max_t_count_at_fit

    def _warm_refit_only(self, n: int) -> bool:
        """Past ``opt_skip_init_length`` a refit is one L-BFGS-B run from the previous optimum instead of
        ``opt_nstarts`` restarts from the reset values: about 3x less work at n ≈ 650, where each
        likelihood evaluation costs O(n³) (docs/benchmarks-mobster.md)."""
        return n >= self.options.opt_skip_init_length

    def _count_at_max_t(self) -> int:
        return sum(1 for _, r in self._observed if r >= self.max_t)

    def _on_refit(self) -> None:
        self._max_t_count_at_fit = self._count_at_max_t()

    def _rows_to_keep(self, keys: list, y: np.ndarray, size: int) -> np.ndarray:
        """Past ``max_size_data_for_model``: the best observations at resources >= r_acq (the level EI is
        computed at), up to half the subset, then the best ones overall (base rule); the rest of the
        subset is a random sample (mostly low-rung observations)."""
        resources = np.array([r for _, r in keys])
        high = np.flatnonzero(resources >= self._r_acq)
        high = high[np.argsort(y[high], kind="stable")][:size // 2]
        best = super()._rows_to_keep(keys, y, size)
        return np.concatenate([high, best[~np.isin(best, high)]])[:size]
