"""GPFIFOSearcher: Bayesian optimization with a Gaussian-process surrogate (searcher='bayesopt').

Glue only: configs in, arrays to :mod:`syne_tune.gp`, configs out. The searcher minimizes a
criterion: the metric for mode='min', ``a − metric`` (``map_reward='<a>_minus_x'``) for 'max'.
A NaN or ±inf metric (e.g. a diverged loss) is the worst value in both modes: it is stored as
+inf and imputed before the model sees it (:func:`impute_non_finite`). Usable standalone::

    searcher = GPFIFOSearcher(config_space, metric="loss", random_seed=1)
    config = searcher.get_config(trial_id="0"); searcher.register_pending("0", config)
    searcher.on_trial_result("0", config, {"loss": 0.3}, update=True)

The multi-fidelity searcher (MOBSTER) shares everything here; it only keys observations by
``(trial_id, resource)`` and appends a resource column to the model inputs (hooks ``_key``,
``_model_input``, ``_acquisition_resource``).
"""
from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import replace
from typing import Hashable

import numpy as np

from syne_tune._validation import check_choice
from syne_tune.gp.acquisition_optimizer import Choice, choose_next, most_uncertain
from syne_tune.gp.copula import gaussian_copula
from syne_tune.gp.discrete_search import choose_next_discrete, discrete_space
from syne_tune.gp.encoding import ConfigEncoding
from syne_tune.gp.fantasize import fantasize
from syne_tune.gp.fit import fit_hyperparameters
from syne_tune.gp.model import GPModel, checked_model, matern52_model
from syne_tune.gp.posterior import (
    PosteriorState, Predictor, compute_posterior, extend_posterior, predict_mean_std,
)
from syne_tune.optimizer.schedulers.searchers.search_options import (
    GPSearchOptions, parse_map_reward, parse_search_options,
)
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher

logger = logging.getLogger(__name__)

_BLAS_CONTROLLER = []


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


def impute_non_finite(y: np.ndarray) -> np.ndarray:
    """Criteria ``y: (n,)`` with every non-finite entry replaced by a value worse than the worst
    finite one: ``worst + 0.1·(worst − best)`` (``worst + 1`` if all finite values are equal).
    Measured against leaving such observations out in docs/benchmarks-bayesopt.md."""
    finite = np.isfinite(y)
    if finite.all() or not finite.any():
        return y
    worst, best = float(np.max(y[finite])), float(np.min(y[finite]))
    spread = worst - best
    return np.where(finite, y, worst + (0.1 * spread if spread > 0 else 1.0))


class GPFIFOSearcher(BaseSearcher):
    """Gaussian-process Bayesian optimization with expected improvement (Snoek et al., NeurIPS 2012).

    Args:
        config_space, metric, points_to_evaluate, mode, random_seed: as for RandomSearcher.
        **search_options: see :class:`GPSearchOptions` (unknown names and wrong types raise ValueError);
            every setting of the search is one of them, recorded in the experiment's metadata.json.
    """

    replays_by_asking = False  # a resume hands it the journaled configs (see BaseSearcher)

    _OPTIONS_CLASS = GPSearchOptions

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, **search_options):
        owner = type(self).__name__
        check_choice(owner, "mode", mode, ("min", "max"))
        options = parse_search_options(self._OPTIONS_CLASS, search_options, "bayesopt")
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, debug_log=False,
                         allow_duplicates=options.allow_duplicates)
        self.options = options
        self._log_decisions = options.debug_log
        self._reward_constant = parse_map_reward(options.map_reward or "1_minus_x")
        if mode == "min" and options.map_reward is not None:
            logger.warning("map_reward=%r is ignored for mode='min'.", options.map_reward)
        self.encoding = ConfigEncoding(config_space)
        self._discrete = discrete_space(self.encoding, options.max_enumerate) if options.discrete_search else None
        self.model: GPModel = self._make_model()
        # Second seed draw: the GP's own RandomState (restarts, fantasies), as the original library derives it.
        self._gp_random_state = np.random.RandomState(self.random_state.randint(0, 2 ** 31))
        self._observed: dict[Hashable, tuple[np.ndarray, float]] = {}   # key -> (model input, criterion)
        self._pending: dict[Hashable, np.ndarray] = {}                  # key -> model input
        self._data_version = 0         # incremented on every change of self._observed
        self._params = self.model.initial_params()
        self._state: PosteriorState | None = None
        self._state_version = -1       # data version behind self._state
        self._last_state: PosteriorState | None = None   # last unfantasized state, reused by extension
        self._fit_size = -1            # observations at the last hyperparameter fit
        self._fit_version = -1         # data version at the last hyperparameter fit
        self._decision = ""
        self._warned_non_finite = False

    def _make_model(self) -> GPModel:
        """The surrogate over model inputs: search option ``gp_model`` called with the input dimension
        if given, else Matérn 5/2 (subclasses: their default)."""
        if self.options.gp_model is not None:
            return checked_model(self.options.gp_model, self.encoding.dim)
        return matern52_model(self.encoding.dim, self.encoding.length_scale_groups
                              if self.options.shared_one_hot_length_scale else None)

    # --- hooks: what distinguishes the multi-fidelity searcher ------------------------------------

    def _key(self, trial_id: str, resource: int | None) -> Hashable:
        """Key of an observation or pending evaluation (FIFO: the trial id)."""
        return trial_id

    def _trial_of(self, key: Hashable) -> str:
        return key

    def _model_input(self, config: dict, resource: int | None) -> np.ndarray:
        """GP input of ``config`` (at ``resource``): (d,) here."""
        return self.encoding.encode([config])[0]

    def _result_resource(self, result: dict) -> int | None:
        """The resource of a reported result (FIFO: none)."""
        return None

    def _pending_resource(self, trial_id: str, milestone: int | None) -> int | None:
        """The resource of a pending evaluation (FIFO: none; the milestone is ignored)."""
        return None

    def _acquisition_resource(self) -> float | None:
        """Encoded resource the acquisition pins its last input column to (FIFO: no such column)."""
        return None

    # --- data from the scheduler ----------------------------------------------------------------

    def criterion(self, result: dict) -> float:
        """The minimized value: metric (mode='min') or a − metric (mode='max'); +inf for NaN/±inf."""
        if self.metric not in result:
            raise ValueError(f"The result {result!r} has no '{self.metric}', the metric of {type(self).__name__}. "
                             "Include it in every reported result.")
        value = float(result[self.metric])
        if not np.isfinite(value):
            return np.inf
        return self._reward_constant - value if self.mode == "max" else value

    def _update(self, trial_id: str, config: dict, result: dict) -> None:
        resource = self._result_resource(result)
        key = self._key(trial_id, resource)
        criterion = self.criterion(result)
        if not np.isfinite(criterion):
            log = logger.debug if self._warned_non_finite else logger.warning
            log("Trial %s reported %s=%r; %s treats it as worse than every finite value (%s)%s.",
                trial_id, self.metric, result[self.metric], type(self).__name__, self.options.non_finite,
                "" if self._warned_non_finite else "; further such reports are logged at debug level")
            self._warned_non_finite = True
        self._observed[key] = (self._model_input(config, resource), criterion)
        self._data_version += 1
        self._pending.pop(key, None)
        self.remember(config)

    def register_pending(self, trial_id: str, config: dict | None = None, milestone: int | None = None) -> None:
        """Pending evaluation of ``trial_id`` (at resource ``milestone``); no-op if already pending or observed."""
        if config is None:
            raise ValueError(f"The 'config' argument of {type(self).__name__}.register_pending is needed "
                             f"for trial {trial_id!r}. Pass the config returned by get_config.")
        resource = self._pending_resource(trial_id, milestone)
        key = self._key(trial_id, resource)
        if key not in self._observed and key not in self._pending:
            self._pending[key] = self._model_input(config, resource)
        self.remember(config)

    def cleanup_pending(self, trial_id: str) -> None:
        for key in [k for k in self._pending if self._trial_of(k) == trial_id]:
            del self._pending[key]

    def remove_case(self, trial_id: str, **kwargs) -> None:
        """Forget the observation of ``trial_id`` (multi-fidelity: at ``kwargs[resource_attr]``)."""
        if self._observed.pop(self._key(trial_id, self._removed_resource(kwargs)), None) is not None:
            self._data_version += 1

    def _removed_resource(self, kwargs: dict) -> int | None:
        return None

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
        usable = sum(1 for _, c in self._observed.values() if np.isfinite(c))
        if len(self._proposed) < self.options.num_init_random or usable == 0:
            self._decision = f"random ({len(self._proposed)} of {self.options.num_init_random} initial, " \
                             f"{usable} finite observed)"
            return self.sample_random_config()
        with single_threaded_blas():
            return self._bayesopt_config()

    def _bayesopt_config(self) -> dict | None:
        """EI over configs (with the resource column pinned, if any), given observed and fantasized data."""
        start = time.perf_counter()
        u_acq = self._acquisition_resource()
        state, refit = self._posterior()
        n_obs = state.X.shape[0]
        if self._pending and not self.options.no_fantasizing:
            X_pending = np.array(list(self._pending.values()))
            state = fantasize(state, X_pending, self.options.num_fantasy_samples, self._gp_random_state)
        # EI in normalized units with ξ / scale equals EI in criterion units / scale (Jones et al., 1998),
        # without overflow for huge targets.
        normalized = replace(state, y_shift=0.0, y_scale=1.0)
        # Incumbent (as in the original library): min posterior mean over the observed and pending inputs (at r_acq).
        rows = np.arange(state.X.shape[0]) if u_acq is None else np.flatnonzero(np.isclose(state.X[:, -1], u_acq))
        if rows.size == 0:                  # cannot happen for an observed r_acq; be safe
            rows = np.arange(state.X.shape[0])
        X_inc = state.X[rows] if u_acq is None else np.hstack([state.X[rows, :-1], np.full((rows.size, 1), u_acq)])
        mean, _ = predict_mean_std(normalized, X_inc)
        best = mean.min(axis=0)                                   # (m,) incumbent per fantasy column
        observed = rows < n_obs
        start_rows = np.flatnonzero(observed) if observed.any() else np.arange(rows.size)
        incumbent = X_inc[start_rows[np.argmin(mean[start_rows].mean(axis=1))]][None, :]
        d = self.encoding.dim
        # local candidates measured for continuous FIFO search; the discrete search keeps its own (measured) starts
        local = bool(self._pending) and u_acq is None and self._discrete is None
        candidates = self._candidates(incumbent[0, :d], local=local)
        bounds = self.encoding.bounds
        if u_acq is not None:                                     # pin the resource to r_acq
            candidates = np.hstack([candidates, np.full((candidates.shape[0], 1), u_acq)])
            bounds = np.vstack([bounds, [u_acq, u_acq]])
        def is_excluded(x: np.ndarray) -> bool:
            return self.is_excluded(self.encoding.decode(x[:d]))

        if self._discrete is not None:
            choice = choose_next_discrete(self._discrete, candidates, Predictor(normalized),
                                          best, is_excluded=is_excluded, xi=self.options.ei_xi / state.y_scale,
                                          extra_starts=incumbent, num_rows=state.X.shape[0],
                                          max_enumerate_work=self.options.max_enumerate_work)
        else:
            choice = choose_next(
                candidates, Predictor(normalized), best, bounds,
                scoring=self.options.initial_scoring, skip_local_optimization=self.options.skip_local_optimization,
                is_excluded=is_excluded, random_state=self.random_state,
                xi=self.options.ei_xi / state.y_scale, num_local_starts=self.options.num_local_starts, extra_starts=incumbent)
        explore, flat_ei = self.options.explore_when_flat, self.options.flat_ei
        flat = explore and choice is not None and flat_ei > 0 and choice.log_ei < np.log(flat_ei)
        reason = (f"EI is flat (max EI {np.exp(choice.log_ei):.3g} < {flat_ei:g} std of the targets)" if flat
                  else "every top-ranked BO candidate was already suggested, is pending or was evaluated")
        if explore and (choice is None or flat):
            # if every exploration candidate was seen, the flat EI choice still beats a random config
            choice = self._exploration_choice(normalized, u_acq, is_excluded, reason) or choice
        if choice is None:
            self._decision = f"random ({reason})"
            return self.sample_random_config()
        where = "" if u_acq is None else f" r_acq={self._r_acq}"
        if choice.how == "max-std":
            what = f"BO explore (largest std, rank {choice.rank}; {reason}){where}"
        else:
            what = f"BO {choice.how} (rank {choice.rank}){where} EI={choice.ei * state.y_scale:.3g}"
        best_criterion = state.y_shift + state.y_scale * float(best.mean())
        self._decision = (f"{what} best={best_criterion:.4g} n={len(self._observed)} pending={len(self._pending)} "
                          f"refit={refit} {time.perf_counter() - start:.3f}s")
        return self.encoding.decode(choice.x[:d])

    def _exploration_choice(self, state: PosteriorState, u_acq: float | None, is_excluded, reason: str
                            ) -> Choice | None:
        """The allowed config of largest predictive std under ``state`` (fantasies included), among
        every config of an enumerable finite space (when scoring them all is affordable, as in
        discrete_search.py), else ``num_init_candidates`` uniform random ones (with the resource
        pinned to ``u_acq``); None if all of them are excluded."""
        space, rows = self._discrete, state.X.shape[0]
        if space is not None and space.scorable(rows, self.options.max_enumerate_work):
            X = space.X_all
        else:
            X = self.encoding.sample(self.options.num_init_candidates, self.random_state)
        if u_acq is not None:
            X = np.hstack([X, np.full((X.shape[0], 1), u_acq)])
        choice = most_uncertain(X, lambda Xq: predict_mean_std(state, Xq), is_excluded)
        logger.debug("%s explores: %s; it proposes %s.", type(self).__name__, reason,
                     "the unseen candidate of largest predictive std" if choice is not None
                     else "a random unseen config (every candidate was seen)")
        return choice

    def _candidates(self, incumbent: np.ndarray, local: bool) -> np.ndarray:
        """``num_init_candidates`` encoded random configs (c, d), ranked for the starts of the EI
        optimization. With ``local`` (FIFO with pending evaluations, continuous search), the first
        ``local_candidate_fraction`` of them are drawn around ``incumbent: (d,)`` instead,
        N(incumbent, ``local_candidate_std``²) per encoded coordinate, clipped to the box and snapped
        to configs (one-hot columns thus mostly keep the incumbent's category). Measured in
        docs/benchmarks-bayesopt.md: with 3 pending evaluations, uniform candidates led the EI
        optimization far from the incumbent, and Hartmann6 with 4 workers lagged sequential BO by
        about 15 evaluations at 50 (median regret 0.061 against 0.0056 with local candidates)."""
        num = self.options.num_init_candidates
        candidates = self.encoding.sample(num, self.random_state)
        k = int(self.options.local_candidate_fraction * num) if local else 0
        if k > 0:
            bounds = self.encoding.bounds
            noise = self.random_state.normal(size=(k, incumbent.size))
            near = incumbent[None, :] + self.options.local_candidate_std * noise
            candidates[:k] = self.encoding.snap(np.clip(near, bounds[:, 0], bounds[:, 1]))
        return candidates

    def _model_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Inputs (n', d') and criteria (n',) the GP sees: non-finite criteria imputed or dropped
        (search option ``non_finite``), then subsampled past ``max_size_data_for_model`` (:meth:`_model_rows`)."""
        keys = list(self._observed)
        X = np.array([x for x, _ in self._observed.values()])
        y = np.array([c for _, c in self._observed.values()])
        if self.options.non_finite == "drop":
            finite = np.isfinite(y)
            keys, X, y = [k for k, f in zip(keys, finite) if f], X[finite], y[finite]
        else:
            y = impute_non_finite(y)
        rows = self._model_rows(keys, y)
        return X[rows], y[rows]

    def _posterior(self) -> tuple[PosteriorState, bool]:
        """Posterior on observed data, cached by data version; refits hyperparameters if the schedule says so."""
        if self._state is not None and self._state_version == self._data_version:
            return self._state, False
        n = len(self._observed)
        X, y = self._model_data()
        if self._copula_targets():
            shift, scale, y_normalized = 0.0, 1.0, gaussian_copula(y)
        else:
            shift, scale = normalization(y) if self.options.normalize_targets else (0.0, 1.0)
            y_normalized = (y - shift) / scale
        refit = self._data_version != self._fit_version and not self._skip_refit(n)
        if refit:
            init = self._params if (self.options.opt_warmstart and self._fit_size > 0) \
                else self.model.initial_params(y_normalized)
            # Restart 0 from the reset values (as the original library); restart 1 from the previous optimum
            # instead of a random perturbation: it converges in a few iterations and is never
            # worse than keeping the previous fit (docs/benchmarks-bayesopt.md).
            warm = self._params if (not self.options.opt_warmstart and self._fit_size > 0) else None
            num_restarts = self.options.opt_nstarts
            if warm is not None and self._warm_refit_only(n):
                init, warm, num_restarts = warm, None, 1
            self._params = fit_hyperparameters(
                self.model, X, y_normalized, init, num_restarts=num_restarts,
                maxiter=self.options.opt_maxiter, random_state=self._gp_random_state, warm_start=warm).params
            self._fit_size, self._fit_version = n, self._data_version
            self._on_refit()
        self._state = self._updated_state(X, y_normalized, shift, scale)
        self._last_state = self._state
        self._state_version = self._data_version
        return self._state, refit

    def _copula_targets(self) -> bool:
        """True: the GP sees the criteria through a Gaussian copula (syne_tune/gp/copula.py) instead of
        mean/std normalization: in finite spaces by default (search option ``copula_targets``; measured
        in docs/benchmarks-bayesopt.md). ``normalize_targets=False`` turns it off too."""
        copula = self.options.copula_targets
        if not self.options.normalize_targets or copula == "never":
            return False
        return copula == "always" or self._discrete is not None

    def _on_refit(self) -> None:
        """Called after each hyperparameter fit (subclasses record what their refit rule needs)."""

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
        """Rows always in the model data when it is subsampled to ``size``: the ``max_size_top_fraction`` best."""
        return np.argsort(y, kind="stable")[:max(1, int(self.options.max_size_top_fraction * size))]

    def _warm_refit_only(self, n: int) -> bool:
        """True: refit with one L-BFGS-B run from the previous optimum only. FIFO: never; each refit
        also restarts from the reset values, which lets the fit leave a poor optimum (measured in
        docs/benchmarks-bayesopt.md: warm-only refits past 150 observations left more Hartmann6
        runs stuck in a local minimum after 200 evaluations)."""
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
        """Refit schedule: refit once the data grew by ``refit_growth`` since the last fit (every new
        observation up to n = 20, every 5th at n = 100, every 100th at n = 2000); past
        ``opt_skip_init_length`` also only every ``opt_skip_period``-th size (the original library
        SkipPeriodicallyPredicate). A refit is ``opt_nstarts`` restarts, one from the previous optimum
        (MOBSTER: one warm-started run past ``opt_skip_init_length``, :meth:`_warm_refit_only`)."""
        if self._fit_size < 0:
            return False
        period, init_length = self.options.opt_skip_period, self.options.opt_skip_init_length
        if period > 1 and n >= init_length and (n - init_length) % period != 0:
            return True
        return n < self._fit_size * (1.0 + self.options.refit_growth)
