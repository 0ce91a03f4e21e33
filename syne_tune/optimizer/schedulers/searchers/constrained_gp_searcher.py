"""ConstrainedGPFIFOSearcher: Bayesian optimization under black-box constraints (searcher='bayesopt_constrained').

A training script reports, besides the metric, one or more constraint values; a config is feasible
where every one is <= 0 (the original's ``constraint_attr``). One GP models the metric, one GP each
constraint; a candidate's score is the constrained EI (Gardner et al., ICML 2014; Gelbart et al., 2014)

    CEI(x) = EI(x) · Π_c P(c(x) <= 0),   P(c(x) <= 0) = Φ((0 − μ_c(x)) / σ_c(x)),

averaged over fantasy columns. The incumbent of EI is, as in the original, the smallest posterior
mean of the metric at observed configs whose constraint posterior means are all < 0. While no such
config exists, the score is P(feasible) alone: the search looks for feasibility first. A NaN
metric leaves the metric GP's data unchanged; its constraint values are still used.
"""
from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from syne_tune._validation import bad_argument
from syne_tune.gp.acquisition import expected_improvement
from syne_tune.optimizer.schedulers.searchers.independent_gps import IndependentGPSearcher, OutputModel

EI_XI = 0.01       # the original's EI offset, in units of the metric


class ConstrainedGPFIFOSearcher(IndependentGPSearcher):
    """Constrained EI (module docstring).

    Args:
        config_space, metric, points_to_evaluate, mode, random_seed: as for GPFIFOSearcher.
        constraint_attr: name of the reported constraint value, or a list of names (several constraints).
        **search_options: as for ``searcher='bayesopt'`` (see :class:`IndependentGPSearcher`).
    """

    searcher_name = "bayesopt_constrained"

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, constraint_attr: str | list[str] | None = None,
                 **search_options):
        owner = type(self).__name__
        names = [constraint_attr] if isinstance(constraint_attr, str) else list(constraint_attr or [])
        if not names or not all(isinstance(n, str) and n for n in names) or metric in names:
            raise bad_argument(owner, "constraint_attr", "the name (or list of names) of the reported constraint "
                               "value(s), feasible where <= 0, other than the metric", constraint_attr)
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, **search_options)
        self.constraint_attrs = names
        self._sign = 1.0 if mode == "min" else -1.0

    def _outputs(self, result: dict) -> np.ndarray:
        missing = [n for n in [self.metric, *self.constraint_attrs] if n not in result]
        if missing:
            raise ValueError(f"The result {result!r} has no {missing}, needed by {type(self).__name__} "
                             f"(metric '{self.metric}', constraint_attr {self.constraint_attrs}). Report them in the "
                             "final result of every trial.")
        values = np.array([self._sign * float(result[self.metric])] + [float(result[n]) for n in self.constraint_attrs])
        return np.where(np.isfinite(values), values, np.nan)

    def _copula_output(self, j: int) -> bool:
        """The metric (output 0) through a Gaussian copula in finite spaces, as searcher='bayesopt'
        (search option ``copula_targets``); constraints keep their units (the threshold is 0)."""
        copula = self.options.copula_targets
        if j != 0 or not self.options.normalize_targets or copula == "never":
            return False
        return copula == "always" or self._discrete is not None

    def _feasible_rows(self, Y: np.ndarray) -> np.ndarray:
        return np.all(Y[:, 1:] <= 0, axis=1) & np.isfinite(Y[:, 0])

    def _anchors(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        feasible = self._feasible_rows(Y)
        if not feasible.any():               # closest to feasibility: smallest worst constraint violation
            return X[[int(np.nanargmin(np.nanmax(Y[:, 1:], axis=1)))]] if np.isfinite(Y[:, 1:]).any() else X[:0]
        order = np.flatnonzero(feasible)[np.argsort(Y[feasible, 0], kind="stable")]
        return X[order[:5]]

    def _acquisition(self, models: list[OutputModel], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        target, constraints = models[0], models[1:]
        mean, std = target.predict(X)                                        # (q, S), (q,)
        columns = mean.shape[1]
        probability = np.ones((X.shape[0], columns))
        for model in constraints:
            c_mean, c_std = model.predict(X)
            threshold = model.normalize(0.0)
            probability *= ndtr((threshold - c_mean[:, :columns]) / (c_std[:, None] + 1e-12))
        best = self._incumbent(models, Y)                                   # (S,) or None
        if best is None:
            return probability.mean(axis=1)
        xi = EI_XI / target.scale if not self._copula_output(0) else EI_XI   # copula: normal-quantile units
        ei = np.column_stack([expected_improvement(mean[:, s:s + 1], std, best[s:s + 1], xi) for s in range(columns)])
        return (ei * probability).mean(axis=1)

    def _incumbent(self, models: list[OutputModel], Y: np.ndarray) -> np.ndarray | None:
        """Smallest metric posterior mean (per fantasy column) at observed configs whose constraint
        posterior means are all < 0 (normalized: below the normalized 0); None if there is none."""
        target = models[0]
        X_obs = target.state.X[:len(target.rows)]
        feasible = np.ones(len(X_obs), dtype=bool)
        for model in models[1:]:
            feasible &= model.predict(X_obs)[0].mean(axis=1) < model.normalize(0.0)
        if not feasible.any():
            return None
        return target.predict(X_obs[feasible])[0].min(axis=0)

    def metadata(self) -> dict:
        # constraint_attr in metadata.json: every "best" view then ranks feasible reports only (syne_tune.best)
        return {**super().metadata(), "constraint_attr": list(self.constraint_attrs)}
