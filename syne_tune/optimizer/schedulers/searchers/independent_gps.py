"""Searchers modelling several reported values, each by its own GP on the same inputs.

Glue only, like :class:`~syne_tune.optimizer.schedulers.searchers.gp_searcher.GPFIFOSearcher`: configs in,
arrays to :mod:`syne_tune.gp` (Matérn 5/2 model, empirical-Bayes fit, posterior, fantasies), configs
out. Subclasses say which values are modelled (:meth:`IndependentGPSearcher._outputs`) and score
candidates (:meth:`IndependentGPSearcher._acquisition`): expected hypervolume improvement
(``ehvi_searcher.py``) or EI × P(feasible) (``constrained_gp_searcher.py``).

Notation: ``X: (n, d)`` encoded observed configs, ``Y: (n, k)`` the k modelled values (minimized
units; NaN where not reported or not finite: that GP leaves the row out), ``S`` fantasy columns.
Pending evaluations are fantasized per GP, as the single-objective searcher does: each GP's state
gets ``S`` target columns, observed values repeated and joint posterior draws at the pending inputs.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from syne_tune._validation import check_choice
from syne_tune.gp.copula import gaussian_copula
from syne_tune.gp.discrete_search import discrete_space, neighbours
from syne_tune.gp.encoding import ConfigEncoding
from syne_tune.gp.fantasize import fantasize
from syne_tune.gp.fit import fit_hyperparameters
from syne_tune.gp.model import matern52_model
from syne_tune.gp.posterior import PosteriorState, compute_posterior, predict_mean_std
from syne_tune.optimizer.schedulers.searchers.gp_searcher import normalization, single_threaded_blas
from syne_tune.optimizer.schedulers.searchers.search_options import GPSearchOptions, parse_search_options
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutputModel:
    """One modelled value's posterior on the observed rows where it is finite, plus fantasies.

    ``state`` is in normalized units (``(y − shift) / scale``); ``rows``: (n',) the observed rows used;
    ``Y_pending: (p, S)`` the fantasized normalized values at the pending inputs (p = 0: none).
    """

    state: PosteriorState
    rows: np.ndarray
    shift: float
    scale: float
    Y_pending: np.ndarray

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mean (q, S), std (q,)) in normalized units."""
        return predict_mean_std(self.state, X)

    def normalize(self, y):
        """Raw values in the model's units (mean/std normalization only; not for a copula output)."""
        return (np.asarray(y, dtype=float) - self.shift) / self.scale

    def observed(self, n: int) -> np.ndarray:
        """(n,) the model's targets at the n observed rows (NaN at rows it left out)."""
        values = np.full(n, np.nan)
        values[self.rows] = self.state.Y[:len(self.rows), 0]
        return values


class IndependentGPSearcher(BaseSearcher):
    """Base of searchers with one GP per modelled value (module docstring).

    Search options: those of ``searcher='bayesopt'`` (:class:`GPSearchOptions`); used here are
    ``num_init_random``, ``num_init_candidates``, ``num_fantasy_samples``, ``no_fantasizing``,
    ``opt_nstarts``, ``opt_maxiter``, ``refit_growth``, ``shared_one_hot_length_scale``,
    ``discrete_search``, ``max_enumerate``, ``max_enumerate_work``, ``copula_targets`` (for outputs
    that allow it), ``allow_duplicates`` and ``debug_log``. The best-scoring candidate
    (:meth:`_candidates`) that is not excluded is proposed.
    """

    replays_by_asking = False  # a resume hands it the journaled configs (see BaseSearcher)

    searcher_name = "independent GPs"

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, **search_options):
        check_choice(type(self).__name__, "mode", mode, ("min", "max"))
        options = parse_search_options(GPSearchOptions, search_options, self.searcher_name)
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, debug_log=False,
                         allow_duplicates=options.allow_duplicates)
        self.options = options
        self._log_decisions = options.debug_log
        self.encoding = ConfigEncoding(config_space)
        self._discrete = discrete_space(self.encoding, options.max_enumerate) if options.discrete_search else None
        self._gp_random_state = np.random.RandomState(self.random_state.randint(0, 2 ** 31))
        self._observed: dict[str, tuple[np.ndarray, np.ndarray]] = {}    # trial id -> (x (d,), y (k,))
        self._pending: dict[str, np.ndarray] = {}
        self._params: dict[int, dict] = {}            # output index -> GP hyperparameters of its last fit
        self._fit_size: dict[int, int] = {}

    # --- what subclasses define -----------------------------------------------------------------

    def _outputs(self, result: dict) -> np.ndarray:
        """(k,) values to model from one result, minimized units; NaN where missing or not finite."""
        raise NotImplementedError

    def _acquisition(self, models: list[OutputModel], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Score (q,) of candidates ``X: (q, d)``, higher is better, given the models and the
        observed ``Y: (n, k)``."""
        raise NotImplementedError

    def _anchors(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Observed inputs (a, d) around which candidates are also drawn (default: none)."""
        return X[:0]

    def _copula_output(self, j: int) -> bool:
        """True: output j is seen through a Gaussian copula (ranks -> normal quantiles) instead of
        mean/std normalization. Default: never (a threshold or a hypervolume needs the units)."""
        return False

    # --- data -----------------------------------------------------------------------------------

    def _update(self, trial_id: str, config: dict, result: dict) -> None:
        self._observed[trial_id] = (self.encoding.encode([config])[0], self._outputs(result))
        self._pending.pop(trial_id, None)
        self.remember(config)

    def register_pending(self, trial_id: str, config: dict | None = None, milestone: int | None = None) -> None:
        if config is None:
            raise ValueError(f"The 'config' argument of {type(self).__name__}.register_pending is needed "
                             f"for trial {trial_id!r}. Pass the config returned by get_config.")
        if trial_id not in self._observed:
            self._pending[trial_id] = self.encoding.encode([config])[0]
        self.remember(config)

    def cleanup_pending(self, trial_id: str) -> None:
        self._pending.pop(trial_id, None)

    def remove_case(self, trial_id: str, **kwargs) -> None:
        self._observed.pop(trial_id, None)

    def dataset_size(self) -> int:
        return len(self._observed)

    # --- decisions ------------------------------------------------------------------------------

    def _next_config(self, **kwargs) -> dict | None:
        if len(self._proposed) < self.options.num_init_random or not self._observed:
            return self.sample_random_config()
        X = np.array([x for x, _ in self._observed.values()])
        Y = np.array([y for _, y in self._observed.values()])
        if any(np.sum(np.isfinite(Y[:, j])) < 2 for j in range(Y.shape[1])):
            return self.sample_random_config()       # a GP needs two finite values
        with single_threaded_blas():
            models = [self._model(j, X, Y[:, j]) for j in range(Y.shape[1])]
            candidates = self._candidates(self._anchors(X, Y))
            scores = self._acquisition(models, candidates, Y)
        d = self.encoding.dim
        for index in np.argsort(-scores, kind="stable"):
            config = self.encoding.decode(candidates[index, :d])
            if not self.is_excluded(config):
                if self._log_decisions:
                    logger.info("%s: score %.4g (rank %d of %d candidates), n=%d, pending=%d", type(self).__name__,
                                scores[index], int(np.sum(scores > scores[index])), len(scores), len(X),
                                len(self._pending))
                return config
        return self.sample_random_config()

    def _model(self, j: int, X: np.ndarray, y: np.ndarray) -> OutputModel:
        """Output j's posterior on its finite rows (hyperparameters refitted once the data grew by
        ``refit_growth``), with fantasies at the pending inputs unless ``no_fantasizing``."""
        rows = np.flatnonzero(np.isfinite(y))
        if self._copula_output(j):
            shift, scale, y_normalized = 0.0, 1.0, gaussian_copula(y[rows])
        else:
            shift, scale = normalization(y[rows])
            y_normalized = (y[rows] - shift) / scale
        model = matern52_model(self.encoding.dim, self.encoding.length_scale_groups
                               if self.options.shared_one_hot_length_scale else None)
        last = self._fit_size.get(j, -1)
        if j not in self._params or len(rows) >= last * (1.0 + self.options.refit_growth):
            warm = self._params.get(j)
            self._params[j] = fit_hyperparameters(
                model, X[rows], y_normalized, model.initial_params(y_normalized), num_restarts=self.options.opt_nstarts,
                maxiter=self.options.opt_maxiter, random_state=self._gp_random_state, warm_start=warm).params
            self._fit_size[j] = len(rows)
        state = compute_posterior(model, self._params[j], X[rows], y_normalized)
        Y_pending = np.zeros((0, 1))
        if self._pending and not self.options.no_fantasizing:
            X_pending = np.array(list(self._pending.values()))
            state = fantasize(state, X_pending, self.options.num_fantasy_samples, self._gp_random_state)
            Y_pending = state.Y[len(rows):]
        return OutputModel(state, rows, shift, scale, Y_pending)

    def _candidates(self, anchors: np.ndarray) -> np.ndarray:
        """Encoded candidates (c, d). In a finite space small enough to score whole (search options
        ``max_enumerate``, ``max_enumerate_work``, as ``discrete_search`` of 'bayesopt'): every config.
        Otherwise ``num_init_candidates`` random configs plus the neighbours of ``anchors``: in a finite
        space every config differing in one hyperparameter, else N(anchor, 0.1²) per encoded
        coordinate, clipped and snapped (``num_init_candidates`` of them)."""
        space = self._discrete
        if space is not None and space.scorable(max(1, len(self._observed)), self.options.max_enumerate_work):
            return space.X_all
        num = self.options.num_init_candidates
        candidates = self.encoding.sample(num, self.random_state)
        if not len(anchors):
            return candidates
        if space is not None:
            near = neighbours(space, anchors).reshape(-1, self.encoding.dim)
        else:
            picks = anchors[self.random_state.randint(0, len(anchors), size=num)]
            bounds = self.encoding.bounds
            near = self.encoding.snap(np.clip(picks + 0.1 * self.random_state.normal(size=picks.shape),
                                              bounds[:, 0], bounds[:, 1]))
        return np.vstack([candidates, near])
