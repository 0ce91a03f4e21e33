"""EHVISearcher: multi-objective Bayesian optimization by expected hypervolume improvement.

One independent GP per objective (Matérn 5/2, :mod:`syne_tune.gp`); a candidate's score is its
EHVI over the current Pareto front (:mod:`~syne_tune.optimizer.schedulers.multiobjective.expected_hypervolume`:
exact for 2 objectives, Monte-Carlo beyond), in each objective's normalized units, with the
reference point the worst observed value plus 10% of the observed range per objective
(Emmerich et al., 2006; Daulton et al., NeurIPS 2020). Pending evaluations are fantasized: the
front of fantasy column s holds the observed values and the s-th draw at the pending inputs, and
EHVI is averaged over the columns.
"""
from __future__ import annotations

import numpy as np

from syne_tune._validation import bad_argument
from syne_tune.optimizer.schedulers.multiobjective.expected_hypervolume import expected_hypervolume_improvement
from syne_tune.optimizer.schedulers.multiobjective.non_dominated import pareto_mask
from syne_tune.optimizer.schedulers.searchers.independent_gps import IndependentGPSearcher, OutputModel

REFERENCE_MARGIN = 0.1
MC_SAMPLES = 64


class EHVISearcher(IndependentGPSearcher):
    """Expected hypervolume improvement over ``metrics`` (one mode each).

    Args:
        config_space, points_to_evaluate, random_seed: as for RandomSearcher.
        metric: list of metric names (at least two); a single name is the first of ``metrics``.
        mode: 'min'/'max' or one per metric.
        **search_options: as for ``searcher='bayesopt'`` (see :class:`IndependentGPSearcher`).
    """

    searcher_name = "ehvi"
    multi_objective = True      # FIFOScheduler may hand it a list of metrics

    def __init__(self, config_space: dict, metric: str | list[str], points_to_evaluate: list[dict] | None = None,
                 mode: str | list[str] = "min", random_seed: int | None = None, **search_options):
        owner = type(self).__name__
        metrics = [metric] if isinstance(metric, str) else list(metric or [])
        if len(metrics) < 2 or not all(isinstance(m, str) for m in metrics):
            raise bad_argument(owner, "metric", "a list of at least two metric names", metric)
        modes = [mode] * len(metrics) if isinstance(mode, str) else list(mode)
        if len(modes) != len(metrics) or any(m not in ("min", "max") for m in modes):
            raise bad_argument(owner, "mode", f"'min', 'max' or a list of them, one per metric of {metrics}", mode)
        super().__init__(config_space, metrics[0], points_to_evaluate, modes[0], random_seed, **search_options)
        self.metrics, self.modes = metrics, modes
        self._signs = np.array([1.0 if m == "min" else -1.0 for m in modes])

    def _copula_output(self, j: int) -> bool:
        """Every objective through a Gaussian copula in finite spaces, as searcher='bayesopt' (search
        option ``copula_targets``): ranks are what the Pareto front depends on, and skewed objectives
        (accuracies with a tail of failed networks) no longer squash the GP's scale."""
        copula = self.options.copula_targets
        if not self.options.normalize_targets or copula == "never":
            return False
        return copula == "always" or self._discrete is not None

    def _outputs(self, result: dict) -> np.ndarray:
        missing = [m for m in self.metrics if m not in result]
        if missing:
            raise ValueError(f"The result {result!r} has no {missing}, metrics of {type(self).__name__}. "
                             "Include every metric in every reported result.")
        values = np.array([float(result[m]) for m in self.metrics]) * self._signs
        return np.where(np.isfinite(values), values, np.nan)

    def _anchors(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        finite = np.all(np.isfinite(Y), axis=1)
        return X[finite][pareto_mask(Y[finite])] if finite.any() else X[:0]

    def _acquisition(self, models: list[OutputModel], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        Z = np.column_stack([m.observed(len(Y)) for m in models])
        Z = Z[np.all(np.isfinite(Z), axis=1)]                                             # (n', k) model units
        worst, best = Z.max(axis=0), Z.min(axis=0)
        reference = worst + REFERENCE_MARGIN * np.maximum(worst - best, 1e-9)
        predictions = [m.predict(X) for m in models]
        columns = min(p[0].shape[1] for p in predictions)
        std = np.column_stack([p[1] for p in predictions])                                  # (q, k)
        total = np.zeros(X.shape[0])
        for s in range(columns):
            front = Z
            if models[0].Y_pending.shape[0]:
                front = np.vstack([Z, np.column_stack([m.Y_pending[:, s] for m in models])])
            mean = np.column_stack([p[0][:, s] for p in predictions])
            total += expected_hypervolume_improvement(mean, std, front, reference, MC_SAMPLES,
                                                      np.random.RandomState(s))
        return total / columns

    def metadata(self) -> dict:
        return {**super().metadata(), "metrics": list(self.metrics), "modes": list(self.modes)}
