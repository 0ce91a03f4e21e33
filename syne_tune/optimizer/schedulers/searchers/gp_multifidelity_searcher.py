"""GPMultiFidelitySearcher: MOBSTER's searcher (HyperbandScheduler with searcher='bayesopt').

Glue only (Klein et al., arXiv:2003.10865): observations ``(trial, r) -> criterion`` at every resource level the
scheduler lets through (``searcher_data``), pending ``(trial, r)`` entries fantasized, a GP over
``[encoded config, (r − 0.5) / max_t]`` from :mod:`syne_tune.gp.resource_kernels`, and expected
improvement over configs with the resource pinned to ``r_acq`` (:func:`resource_for_acquisition`).
Usable standalone::

    searcher = GPMultiFidelitySearcher(config_space, metric="loss", resource_attr="epoch", max_t=27)
    config = searcher.get_config(trial_id="0"); searcher.register_pending("0", config, milestone=1)
    searcher.on_trial_result("0", config, {"loss": 0.3, "epoch": 1}, update=True)
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace

import numpy as np

from syne_tune.gp.acquisition import XI
from syne_tune.gp.acquisition_optimizer import choose_next
from syne_tune.gp.fantasize import fantasize
from syne_tune.gp.model import GPModel
from syne_tune.gp.posterior import PosteriorState, predict_mean_std
from syne_tune.gp.resource_kernels import resource_kernel_model
from syne_tune.optimizer.schedulers.searchers.gp_searcher import NUM_LOCAL_STARTS, GPFIFOSearcher
from syne_tune.optimizer.schedulers.searchers.search_options import MultiFidelityGPSearchOptions


def resource_for_acquisition(resources: list[int], threshold: int, rule: str = "bohb",
                             max_t: int | None = None) -> int:
    """r_acq (search option ``resource_acq``). 'bohb' (reference ``ResourceForAcquisitionBOHB``): the
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
        # Base containers, re-keyed: (trial_id, r) -> (x_ext (d + 1,), criterion) and -> x_ext.
        self._observed: dict[tuple[str, int], tuple[np.ndarray, float]] = {}
        self._pending: dict[tuple[str, int], np.ndarray] = {}
        self._max_t_count_at_fit = -1
        self._r_acq = 1

    def _make_model(self) -> GPModel:
        return resource_kernel_model(self.options.gp_resource_kernel, self.encoding.dim + 1)

    # --- data from the scheduler ----------------------------------------------------------------

    def encode_resource(self, r: int) -> float:
        return (min(float(r), self.max_t) - 0.5) / self.max_t

    def _extended(self, config: dict, r: int) -> np.ndarray:
        return np.append(self.encoding.encode([config])[0], self.encode_resource(r))

    def _resource(self, result: dict) -> int:
        value = result.get(self.resource_attr)
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or value < 1 or int(value) != value:
            raise ValueError(f"The result {result!r} must have '{self.resource_attr}', the resource attribute of "
                             f"{type(self).__name__}, as an integer >= 1. Include it in every reported result.")
        return int(value)

    def _update(self, trial_id: str, config: dict, result: dict) -> None:
        r = self._resource(result)
        self._observed[(trial_id, r)] = (self._extended(config, r), self.criterion(result))
        self._pending.pop((trial_id, r), None)
        self._proposed.add(self.match_string(config))
        self._state = None          # data changed, possibly at constant size (rungs_and_last)

    def register_pending(self, trial_id: str, config: dict | None = None, milestone: int | None = None) -> None:
        """Pending evaluation of ``trial_id`` at resource ``milestone``; no-op if already pending or observed."""
        owner = type(self).__name__
        if config is None:
            raise ValueError(f"The 'config' argument of {owner}.register_pending is needed for trial "
                             f"{trial_id!r}. Pass the config returned by get_config.")
        if isinstance(milestone, bool) or not isinstance(milestone, (int, np.integer)) or milestone < 1:
            raise ValueError(f"The 'milestone' argument of {owner}.register_pending must be the resource level "
                             f"(an integer >= 1) of the pending evaluation. Got {milestone!r}.")
        key = (trial_id, int(milestone))
        if key not in self._observed and key not in self._pending:
            self._pending[key] = self._extended(config, int(milestone))
        self._proposed.add(self.match_string(config))

    def cleanup_pending(self, trial_id: str) -> None:
        for key in [k for k in self._pending if k[0] == trial_id]:
            del self._pending[key]

    def remove_case(self, trial_id: str, **kwargs) -> None:
        """Forget the observation of ``trial_id`` at ``kwargs[resource_attr]``."""
        if self.resource_attr not in kwargs:
            raise ValueError(f"{type(self).__name__}.remove_case needs the resource as keyword "
                             f"'{self.resource_attr}'. Got {kwargs!r}.")
        if self._observed.pop((trial_id, int(kwargs[self.resource_attr])), None) is not None:
            self._state = None

    def resource_histogram(self) -> dict[int, int]:
        """Observed resource level -> number of observations."""
        return dict(Counter(r for _, r in self._observed))

    def pending_evaluations(self) -> list[tuple[str, int]]:
        return sorted(self._pending)

    # --- decisions ------------------------------------------------------------------------------

    def _skip_refit(self, n: int) -> bool:
        """Past ``opt_skip_init_length``: the periodic rule, and with ``opt_skip_num_max_resource`` refit
        only when the number of observations at max_t grew since the last fit."""
        if super()._skip_refit(n):
            return True
        if not self.options.opt_skip_num_max_resource or n < self.options.opt_skip_init_length:
            return False
        return self._count_at_max_t() == self._max_t_count_at_fit

    def _warm_refit_only(self, n: int) -> bool:
        """Past ``opt_skip_init_length`` a refit is one L-BFGS-B run from the previous optimum instead of
        ``opt_nstarts`` restarts from the reset values: about 3x less work at n ≈ 650, where each
        likelihood evaluation costs O(n³) (docs/benchmarks-mobster.md)."""
        return n >= self.options.opt_skip_init_length

    def _count_at_max_t(self) -> int:
        return sum(1 for _, r in self._observed if r >= self.max_t)

    def _rows_to_keep(self, keys: list, y: np.ndarray, size: int) -> np.ndarray:
        """Past ``max_size_data_for_model``: the best observations at resources >= r_acq (the level EI is
        computed at), up to half the subset, then the best ones overall (base rule); the rest of the
        subset is a random sample (mostly low-rung observations)."""
        resources = np.array([r for _, r in keys])
        high = np.flatnonzero(resources >= self._r_acq)
        high = high[np.argsort(y[high], kind="stable")][:size // 2]
        best = super()._rows_to_keep(keys, y, size)
        return np.concatenate([high, best[~np.isin(best, high)]])[:size]

    def _posterior(self) -> tuple[PosteriorState, bool]:
        state, refit = super()._posterior()
        if refit:
            self._max_t_count_at_fit = self._count_at_max_t()
        return state, refit

    def _bayesopt_config(self) -> dict | None:
        start = time.perf_counter()
        self._r_acq = resource_for_acquisition([r for _, r in self._observed],
                                               self.options.resource_acq_bohb_threshold,
                                               self.options.resource_acq, self.max_t)
        u_acq = self.encode_resource(self._r_acq)
        state, refit = self._posterior()
        if self._pending and not self.options.no_fantasizing:
            X_pending = np.array(list(self._pending.values()))
            state = fantasize(state, X_pending, self.options.num_fantasy_samples, self._gp_random_state)
        normalized = replace(state, y_shift=0.0, y_scale=1.0)
        # Incumbent: min posterior mean over the configs observed (or pending) at r_acq, as the original library.
        at_acq = state.X[np.isclose(state.X[:, -1], u_acq)]
        if at_acq.shape[0] == 0:                 # cannot happen for an observed r_acq; be safe
            at_acq = np.hstack([state.X[:, :-1], np.full((state.X.shape[0], 1), u_acq)])
        mean, _ = predict_mean_std(normalized, at_acq)
        best = mean.min(axis=0)
        incumbent = at_acq[np.argmin(mean.mean(axis=1))][None, :]       # lowest mean at r_acq
        candidates = self.encoding.sample(self.options.num_init_candidates, self.random_state)
        candidates = np.hstack([candidates, np.full((candidates.shape[0], 1), u_acq)])
        bounds = np.vstack([self.encoding.bounds, [u_acq, u_acq]])      # pin the resource to r_acq
        choice = choose_next(
            candidates, lambda Xq: predict_mean_std(normalized, Xq), best, bounds,
            scoring=self.options.initial_scoring, skip_local_optimization=self.options.skip_local_optimization,
            is_excluded=lambda x: self.is_excluded(self.encoding.decode(x[:-1])), random_state=self.random_state,
            xi=XI / state.y_scale, num_local_starts=NUM_LOCAL_STARTS, extra_starts=incumbent)
        if choice is None:
            self._decision = "random (all top-ranked BO candidates already proposed)"
            return self.sample_random_config()
        self._decision = (f"BO {choice.how} (rank {choice.rank}) r_acq={self._r_acq} "
                          f"EI={choice.ei * state.y_scale:.3g} "
                          f"best={state.y_shift + state.y_scale * float(best.mean()):.4g} "
                          f"n={len(self._observed)} pending={len(self._pending)} refit={refit} "
                          f"{time.perf_counter() - start:.3f}s")
        return self.encoding.decode(choice.x[:-1])
