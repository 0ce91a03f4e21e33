"""HyperTuneSearcher: MOBSTER's searcher with Hyper-Tune's level ensemble (searcher='hypertune').

Li et al., "Hyper-Tune: Towards Efficient Hyper-parameter Tuning at Scale", VLDB 2022. After each
hyperparameter fit, the GP's ranking quality at each supported level (:mod:`.ranking`) gives
weights θ; EI is computed on the ensemble ``Σ θ_l f(x, r_l)`` (:class:`LevelEnsembleModel`), and
HyperbandScheduler draws brackets from :meth:`bracket_distribution`. Default model: independent
GPs per level (:class:`IndependentLevelsModel`, search option ``model='gp_independent'``).
"""
from __future__ import annotations

import numpy as np

from syne_tune.gp.model import GPModel
from syne_tune.gp.posterior import PosteriorState, compute_posterior, sample_joint
from syne_tune.optimizer.schedulers.rung_levels import check_rung_levels, compute_rung_levels
from syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher import GPMultiFidelitySearcher
from syne_tune.optimizer.schedulers.searchers.hypertune.models import (
    ENSEMBLE_RESOURCE, LevelEnsembleModel, decode_resource, encode_resource,
)
from syne_tune.optimizer.schedulers.searchers.hypertune.options import resolve_model_option
from syne_tune.optimizer.schedulers.searchers.hypertune.ranking import (
    bracket_distribution, ensemble_weights, level_weights, ranking_losses, supported_levels,
)

MAX_FOLDS = 5


class HyperTuneSearcher(GPMultiFidelitySearcher):
    """Hyper-Tune's searcher; accepts all GPMultiFidelitySearcher arguments and search options, and:

    Args:
        rung_levels: the scheduler's rung levels, ``max_t`` last (HyperbandScheduler passes them;
            default: ``1, 3, 9, …`` below max_t, then max_t).
        model: 'gp_independent' (default) or 'gp_multitask' (MOBSTER's resource kernel).
        hypertune_distribution_num_samples: posterior draws per level for the ranking losses (50).
    """

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, resource_attr: str = "epoch",
                 max_t: int | None = None, rung_levels: list[int] | None = None,
                 hypertune_distribution_num_samples: int = 50, **search_options):
        owner = type(self).__name__
        if isinstance(max_t, bool) or not isinstance(max_t, (int, np.integer)) or max_t < 1:
            raise ValueError(f"The 'max_t' argument of {owner} must be an integer >= 1 (the largest resource). "
                             f"Got {max_t!r}.")
        levels = compute_rung_levels(1, 3, int(max_t)) if rung_levels is None \
            else check_rung_levels(rung_levels, int(max_t))
        num_samples = hypertune_distribution_num_samples
        if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples < 1:
            raise ValueError(f"The 'hypertune_distribution_num_samples' argument of {owner} must be an integer "
                             f">= 1. Got {num_samples!r}.")
        self.rung_levels = tuple(levels)
        self.num_samples = int(num_samples)
        model_levels = search_options.pop("model_levels", levels)
        search_options = resolve_model_option(search_options, model_levels, int(max_t), "gp_independent")
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, resource_attr, max_t,
                         **search_options)
        self._theta: np.ndarray | None = None      # (L,) level weights, once L >= 2 levels are supported
        self._ensemble_key: tuple[int, int] | None = None

    def _make_model(self) -> GPModel:
        """The model of ``gp_model`` (or the resource kernel), wrapped for ensemble queries."""
        return LevelEnsembleModel(super()._make_model(), self.max_t, {self.rung_levels[0]: 1.0})

    @property
    def ensemble(self) -> dict[int, float]:
        """{level: θ} of the acquisition ensemble (initially all weight on the lowest level)."""
        return dict(self.model.weights)

    def _acquisition_resource(self) -> float:
        """EI is computed on the ensemble (a query marked :data:`ENSEMBLE_RESOURCE`)."""
        self._r_acq = max(self.model.weights)
        return ENSEMBLE_RESOURCE

    def bracket_distribution(self, default: list[float]) -> list[float]:
        """Probabilities of HyperbandScheduler's brackets: ``default`` until θ is known, then
        :func:`~.ranking.bracket_distribution`."""
        if self._theta is None:
            return list(default)
        return bracket_distribution(self.rung_levels, self._theta, default)

    def _posterior(self) -> tuple[PosteriorState, bool]:
        state, refit = super()._posterior()
        if refit:
            self._update_ensemble(state)
        return state, refit

    def _update_ensemble(self, state: PosteriorState) -> None:
        """θ from ranking losses at the supported levels, when their number or the data at the
        highest one changed (unfantasized, normalized targets of ``state``)."""
        resources = decode_resource(state.X[:, -1], self.max_t)
        counts = [int(np.sum(resources == r)) for r in self.rung_levels]
        num_levels = supported_levels(counts)
        if num_levels < 2:
            return
        key = (num_levels, counts[num_levels - 1])
        if key == self._ensemble_key:
            return
        self._ensemble_key = key
        rows = resources == self.rung_levels[num_levels - 1]
        X_top, y_top = state.X[rows], state.Y[rows, 0]
        losses = np.zeros((num_levels, self.num_samples))
        for index in range(num_levels - 1):
            Xq = np.hstack([X_top[:, :-1], np.full((X_top.shape[0], 1),
                                                    encode_resource(self.rung_levels[index], self.max_t))])
            losses[index] = ranking_losses(sample_joint(state, Xq, self.num_samples, self._gp_random_state), y_top)
        losses[-1] = ranking_losses(self._cross_validation_samples(state, X_top, y_top), y_top)
        self._theta = level_weights(losses)
        self.model.weights = ensemble_weights(self.rung_levels[:num_levels], self._theta)

    def _cross_validation_samples(self, state: PosteriorState, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Draws (n, S) at the highest supported level, each fold's from the GP (same parameters)
        conditioned on the other folds there: ``min(n // 2, 5)`` near-equal contiguous folds."""
        n = y.shape[0]
        samples = np.zeros((n, self.num_samples))
        for fold in np.array_split(np.arange(n), min(n // 2, MAX_FOLDS)):
            train = np.setdiff1d(np.arange(n), fold)
            fold_state = compute_posterior(state.model, state.params, X[train], y[train])
            samples[fold] = sample_joint(fold_state, X[fold], self.num_samples, self._gp_random_state)
        return samples
