"""GPFIFOSearcher: Bayesian optimization with a Gaussian-process surrogate (searcher='bayesopt').

Glue only: configs in, arrays to :mod:`syne_tune.gp`, configs out. The searcher minimizes a
criterion: the metric for mode='min', ``a − metric`` (``map_reward='<a>_minus_x'``) for 'max'.
Usable standalone::

    searcher = GPFIFOSearcher(config_space, metric="loss", random_seed=1)
    config = searcher.get_config(trial_id="0"); searcher.register_pending("0", config)
    searcher.on_trial_result("0", config, {"loss": 0.3}, update=True)
"""
from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import replace

import numpy as np

from syne_tune._validation import check_choice
from syne_tune.gp.acquisition import XI
from syne_tune.gp.acquisition_optimizer import choose_next
from syne_tune.gp.encoding import ConfigEncoding
from syne_tune.gp.fantasize import fantasize
from syne_tune.gp.fit import fit_hyperparameters
from syne_tune.gp.model import GPModel, matern52_model
from syne_tune.gp.posterior import PosteriorState, compute_posterior, extend_posterior, predict_mean_std
from syne_tune.optimizer.schedulers.searchers.search_options import (
    GPSearchOptions, parse_map_reward, parse_search_options,
)
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher

logger = logging.getLogger(__name__)

_BLAS_CONTROLLER = []

# EI is refined from this many top-ranked candidates plus the incumbent, in one batched L-BFGS-B
# run (the reference refines the top candidate only); measured in docs/benchmarks-bayesopt.md.
NUM_LOCAL_STARTS = 5
# With ``max_size_data_for_model``, this fraction of the subset is the best observations (lowest
# criterion); the rest is a random sample (reference default ``max_size_top_fraction`` = 0.25).
TOP_FRACTION = 0.25


def single_threaded_blas():
    """Context limiting BLAS to one thread: GP matrices are small, and OpenBLAS threads cost
    ~10x on them (measured: 18 ms vs 2 ms per likelihood gradient at n = 100 on 2 cores).
    Uses threadpoolctl if installed, else does nothing."""
    if not _BLAS_CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
            _BLAS_CONTROLLER.append(ThreadpoolController())
        except ImportError:
            logger.info("threadpoolctl is not installed; BLAS threads are not limited during GP fits.")
            _BLAS_CONTROLLER.append(None)
    controller = _BLAS_CONTROLLER[0]
    return contextlib.nullcontext() if controller is None else controller.limit(limits=1, user_api="blas")


def normalization(y: np.ndarray) -> tuple[float, float]:
    """(shift, scale) with scale = std floored at 1e-9; overflow-safe for huge targets. y: (n,)."""
    magnitude = float(np.max(np.abs(y))) if y.size else 1.0
    magnitude = magnitude if magnitude > 0 else 1.0
    z = y / magnitude
    return float(np.mean(z) * magnitude), max(float(np.std(z) * magnitude), 1e-9)


class GPFIFOSearcher(BaseSearcher):
    """Gaussian-process Bayesian optimization with expected improvement (Snoek et al., NeurIPS 2012).

    Args:
        config_space, metric, points_to_evaluate, mode, random_seed: as for RandomSearcher.
        **search_options: see :class:`GPSearchOptions` (unknown names and wrong types raise ValueError).
    """

    _OPTIONS_CLASS = GPSearchOptions

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, **search_options):
        owner = type(self).__name__
        check_choice(owner, "mode", mode, ("min", "max"))
        options = parse_search_options(self._OPTIONS_CLASS, search_options, "bayesopt")
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, debug_log=False)
        self.options = options
        self._log_decisions = options.debug_log
        self._reward_constant = parse_map_reward(options.map_reward or "1_minus_x")
        if mode == "min" and options.map_reward is not None:
            logger.warning("map_reward=%r is ignored for mode='min'.", options.map_reward)
        self.encoding = ConfigEncoding(config_space)
        self.model: GPModel = self._make_model()
        # Second seed draw: the GP's own RandomState (restarts, fantasies), as the original library derives it.
        self._gp_random_state = np.random.RandomState(self.random_state.randint(0, 2 ** 31))
        self._observed: dict[str, tuple[np.ndarray, float]] = {}   # trial_id -> (x (d,), criterion)
        self._pending: dict[str, np.ndarray] = {}                  # trial_id -> x (d,)
        self._params = self.model.initial_params()
        self._state: PosteriorState | None = None
        self._last_state: PosteriorState | None = None   # last unfantasized state, reused by extension
        self._state_size = -1          # observations behind self._state
        self._fit_size = -1            # observations at the last hyperparameter fit
        self._decision = ""

    def _make_model(self) -> GPModel:
        """The surrogate over encoded configs; subclasses may return another GPModel."""
        return matern52_model(self.encoding.dim)

    # --- data from the scheduler ----------------------------------------------------------------

    def criterion(self, result: dict) -> float:
        """The minimized value: metric (mode='min') or a − metric (mode='max')."""
        if self.metric not in result:
            raise ValueError(f"The result {result!r} has no '{self.metric}', the metric of {type(self).__name__}. "
                             "Include it in every reported result.")
        value = float(result[self.metric])
        if not np.isfinite(value):
            raise ValueError(f"The metric '{self.metric}' must be a finite number. Got {value!r}.")
        return self._reward_constant - value if self.mode == "max" else value

    def _update(self, trial_id: str, config: dict, result: dict) -> None:
        self._observed[trial_id] = (self.encoding.encode([config])[0], self.criterion(result))
        self._pending.pop(trial_id, None)
        self._proposed.add(self.match_string(config))

    def register_pending(self, trial_id: str, config: dict | None = None, milestone: int | None = None) -> None:
        if config is None:
            raise ValueError(f"The 'config' argument of {type(self).__name__}.register_pending is needed "
                             f"for trial {trial_id!r}. Pass the config returned by get_config.")
        if trial_id not in self._observed:
            self._pending[trial_id] = self.encoding.encode([config])[0]
            self._proposed.add(self.match_string(config))

    def cleanup_pending(self, trial_id: str) -> None:
        self._pending.pop(trial_id, None)

    def remove_case(self, trial_id: str, **kwargs) -> None:
        self._observed.pop(trial_id, None)

    def dataset_size(self) -> int:
        return len(self._observed)

    def model_parameters(self) -> dict:
        return self.model.flat_parameters(self._params)

    # --- decisions ------------------------------------------------------------------------------

    def get_config(self, **kwargs) -> dict | None:
        self._decision = "initial config (points_to_evaluate)"
        config = super().get_config(**kwargs)
        if self._log_decisions and config is not None:
            logger.info("trial %s: %s -> %s", kwargs.get("trial_id"), self._decision, config)
        return config

    def _next_config(self, **kwargs) -> dict | None:
        if len(self._proposed) < self.options.num_init_random or not self._observed:
            self._decision = f"random ({len(self._proposed)} of {self.options.num_init_random} initial, " \
                             f"{len(self._observed)} observed)"
            return self.sample_random_config()
        with single_threaded_blas():
            return self._bayesopt_config()

    def _bayesopt_config(self) -> dict | None:
        start = time.perf_counter()
        state, refit = self._posterior()
        X_pending = np.array(list(self._pending.values())).reshape(-1, self.encoding.dim)
        if X_pending.shape[0] and not self.options.no_fantasizing:
            state = fantasize(state, X_pending, self.options.num_fantasy_samples, self._gp_random_state)
        # EI in normalized units with ξ / scale equals EI in criterion units / scale (Jones et al., 1998),
        # without overflow for huge targets.
        normalized = replace(state, y_shift=0.0, y_scale=1.0)
        mean, _ = predict_mean_std(normalized, state.X)
        best = mean.min(axis=0)                                   # (m,) incumbent per fantasy column
        n_obs = self._state.X.shape[0]             # rows of the model data (a subset past max_size)
        incumbent = state.X[np.argmin(mean[:n_obs].mean(axis=1))][None, :]   # observed, lowest mean
        candidates = self.encoding.sample(self.options.num_init_candidates, self.random_state)
        choice = choose_next(
            candidates, lambda Xq: predict_mean_std(normalized, Xq), best, self.encoding.bounds,
            scoring=self.options.initial_scoring, skip_local_optimization=self.options.skip_local_optimization,
            is_excluded=lambda x: self.is_excluded(self.encoding.decode(x)), random_state=self.random_state,
            xi=XI / state.y_scale, num_local_starts=NUM_LOCAL_STARTS, extra_starts=incumbent)
        if choice is None:
            self._decision = "random (all top-ranked BO candidates already proposed)"
            return self.sample_random_config()
        best_criterion = state.y_shift + state.y_scale * float(best.mean())
        self._decision = (f"BO {choice.how} (rank {choice.rank}) EI={choice.ei * state.y_scale:.3g} "
                          f"best={best_criterion:.4g} "
                          f"n={len(self._observed)} pending={len(self._pending)} refit={refit} "
                          f"{time.perf_counter() - start:.3f}s")
        return self.encoding.decode(choice.x)

    def _posterior(self) -> tuple[PosteriorState, bool]:
        """Posterior on observed data; refits hyperparameters only if the data grew and the policy allows."""
        n = len(self._observed)
        if self._state is not None and n == self._state_size:
            return self._state, False
        X = np.array([x for x, _ in self._observed.values()])
        y = np.array([c for _, c in self._observed.values()])
        rows = self._model_rows(list(self._observed), y)
        X, y = X[rows], y[rows]
        shift, scale = normalization(y) if self.options.normalize_targets else (0.0, 1.0)
        y_normalized = (y - shift) / scale
        refit = n != self._fit_size and not self._skip_refit(n)
        if refit:
            init = self._params if (self.options.opt_warmstart and self._fit_size > 0) \
                else self.model.initial_params(y_normalized)
            # Restart 0 from the reset values (reference); restart 1 from the previous optimum
            # instead of a random perturbation: it converges in a few iterations and is never
            # worse than keeping the previous fit (docs/benchmarks-bayesopt.md).
            warm = self._params if (not self.options.opt_warmstart and self._fit_size > 0) else None
            num_restarts = self.options.opt_nstarts
            if warm is not None and self._warm_refit_only(n):
                init, warm, num_restarts = warm, None, 1
            self._params = fit_hyperparameters(
                self.model, X, y_normalized, init, num_restarts=num_restarts,
                maxiter=self.options.opt_maxiter, random_state=self._gp_random_state, warm_start=warm).params
            self._fit_size = n
        self._state = self._updated_state(X, y_normalized, shift, scale)
        self._last_state = self._state
        self._state_size = n
        return self._state, refit

    def _model_rows(self, keys: list, y: np.ndarray) -> np.ndarray:
        """Indices (ascending) of the observations the GP is fitted and conditioned on: all of them up to
        ``max_size_data_for_model``; beyond it, the rows of :meth:`_rows_to_keep` filled up with a random
        sample drawn from the searcher's RandomState. Pending evaluations are not affected.

        Args:
            keys: observation keys, in the order of ``y``.
            y: (n,) criteria.
        """
        n, size = len(keys), self.options.max_size_data_for_model
        if size is None or n <= size:
            return np.arange(n)
        keep = np.asarray(self._rows_to_keep(keys, y, size), dtype=int)
        keep = keep[np.sort(np.unique(keep, return_index=True)[1])][:size]      # deduplicated, in order
        rest = np.setdiff1d(np.arange(n), keep)
        sample = self.random_state.choice(rest, size=size - keep.size, replace=False)
        return np.sort(np.concatenate([keep, sample]))

    def _rows_to_keep(self, keys: list, y: np.ndarray, size: int) -> np.ndarray:
        """Rows always in the model data when it is subsampled to ``size``: the ``TOP_FRACTION`` best."""
        return np.argsort(y, kind="stable")[:max(1, int(TOP_FRACTION * size))]

    def _warm_refit_only(self, n: int) -> bool:
        """True: refit with one L-BFGS-B run from the previous optimum only (subclasses; FIFO: never)."""
        return False

    def _updated_state(self, X: np.ndarray, y: np.ndarray, shift: float, scale: float) -> PosteriorState:
        """Posterior for (X, y); extends the last factorization by blocks when the hyperparameters are
        unchanged and its inputs are a prefix of X (new observations appended), O(n²p) instead of O(n³)."""
        last = self._last_state
        if last is not None and last.params is self._params and last.X.shape[0] <= X.shape[0] \
                and np.array_equal(last.X, X[:last.X.shape[0]]):
            return extend_posterior(last, X[last.X.shape[0]:], y, shift, scale)
        return compute_posterior(self.model, self._params, X, y, shift, scale)

    def _skip_refit(self, n: int) -> bool:
        """Reference SkipPeriodicallyPredicate: past ``opt_skip_init_length``, refit every k-th size."""
        period, init_length = self.options.opt_skip_period, self.options.opt_skip_init_length
        return period > 1 and n >= init_length and (n - init_length) % period != 0
