"""KernelDensityEstimator: the TPE-style model of BOHB (Falkner et al., 2018, "BOHB: Robust and
Efficient Hyperparameter Optimization at Scale").

Observations are split into the best ``top_n_percent`` ("good") and the rest ("bad"); a product
kernel density is fitted to each and the candidate minimizing ``l_bad / l_good`` is proposed.
With a multi-fidelity scheduler (``resource_attr`` given) the model is fitted on the highest
resource level that has enough observations, as in BOHB. Configs are encoded as for the GP
(:class:`~syne_tune.gp.encoding.ConfigEncoding`); each categorical becomes one index column.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from syne_tune.config_space import Categorical, Ordinal
from syne_tune.gp.encoding import ConfigEncoding
from syne_tune.optimizer.schedulers.searchers import kde
from syne_tune.optimizer.schedulers.searchers.search_options import KDESearchOptions, parse_search_options
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher


@dataclass(frozen=True)
class _Model:
    Z_good: np.ndarray
    Z_bad: np.ndarray
    bw_good: np.ndarray
    bw_bad: np.ndarray


class KernelDensityEstimator(BaseSearcher):
    """BOHB's searcher (``searcher='kde'``) for FIFOScheduler, HyperbandScheduler and the synchronous one.

    ``search_options``: ``num_min_data_points`` (default: the number of hyperparameters),
    ``top_n_percent`` (15), ``min_bandwidth`` (1e-3; 0.1 with a resource), ``num_candidates`` (64),
    ``bandwidth_factor`` (3), ``random_fraction`` (0.33: share of random proposals), ``debug_log``,
    ``allow_duplicates`` (False).
    Non-finite metric values count as the worst.
    """

    replays_by_asking = False  # a resume hands it the journaled configs (see BaseSearcher)

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, resource_attr: str | None = None,
                 max_t: int | None = None, **search_options):
        options = parse_search_options(KDESearchOptions, search_options, "kde")
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, debug_log=options.debug_log,
                         allow_duplicates=options.allow_duplicates)
        self.encoding = ConfigEncoding(config_space)
        self.resource_attr = resource_attr
        num_hps = len(self.encoding.columns)
        self.num_min_data_points = options.num_min_data_points or num_hps
        if self.num_min_data_points < num_hps:
            raise ValueError(f"The 'num_min_data_points' search option of searcher 'kde' must be at least the number "
                             f"of hyperparameters, {num_hps}. Got {self.num_min_data_points}.")
        self.options = options
        self.min_bandwidth = options.min_bandwidth if options.min_bandwidth is not None else (
            0.1 if resource_attr else 1e-3)
        self.sizes = np.array([len(c.domain.categories) if isinstance(c.domain, Categorical)
                               and not isinstance(c.domain, Ordinal) else 0  # ordinals: one numeric column
                               for c in self.encoding.columns])
        self._sign = 1.0 if mode == "min" else -1.0
        self._data: dict[tuple[str, int | None], tuple[np.ndarray, float]] = {}  # (trial, resource) -> (z, loss)

    # --- encoding: ConfigEncoding's X <-> one column per hyperparameter -----------------------

    def _to_z(self, config: dict) -> np.ndarray:
        x = self.encoding.encode([config])[0]
        z = np.empty(len(self.encoding.columns))
        for j, col in enumerate(self.encoding.columns):
            block = x[col.start:col.start + col.width]
            z[j] = np.argmax(block) if col.one_hot else (float(block[0] > 0.5) if self.sizes[j] else block[0])
        return z

    def _from_z(self, z: np.ndarray) -> dict:
        x = np.zeros(self.encoding.dim)
        for j, col in enumerate(self.encoding.columns):
            if col.one_hot:
                x[col.start + int(z[j])] = 1.0
            else:
                x[col.start] = 0.25 + 0.5 * z[j] if self.sizes[j] else z[j]
        return self.encoding.decode(x)

    # --- data ---------------------------------------------------------------------------------

    def _update(self, trial_id: str, config: dict, result: dict) -> None:
        loss = self._sign * float(result[self.metric])
        resource = int(result[self.resource_attr]) if self.resource_attr and self.resource_attr in result else None
        self._data[(trial_id, resource)] = (self._to_z(config), loss if math.isfinite(loss) else math.inf)

    def remove_case(self, trial_id: str, **kwargs) -> None:
        self._data.pop((trial_id, kwargs.get(self.resource_attr) if self.resource_attr else None), None)

    def dataset_size(self) -> int:
        return len(self._data)

    def _fit(self) -> _Model | None:
        """Densities on the highest resource level with enough data (the only level without a resource)."""
        by_level: dict[int | None, list[tuple[np.ndarray, float]]] = {}
        for (_, resource), row in self._data.items():
            by_level.setdefault(resource, []).append(row)
        num_hps = len(self.sizes)
        for level in sorted(by_level, key=lambda r: -1 if r is None else r, reverse=True):
            rows = sorted(by_level[level], key=lambda row: row[1])
            n = len(rows)
            n_good = max(self.num_min_data_points, (self.options.top_n_percent * n) // 100)
            if min(n_good, n - n_good) <= num_hps:
                continue
            Z = np.array([row[0] for row in rows])
            Z_good, Z_bad = Z[:n_good], Z[n_good:]
            return _Model(Z_good, Z_bad, kde.normal_reference_bandwidths(Z_good, self.sizes, self.min_bandwidth),
                          kde.normal_reference_bandwidths(Z_bad, self.sizes, self.min_bandwidth))
        return None

    # --- proposals ----------------------------------------------------------------------------

    def _next_config(self, **kwargs) -> dict | None:
        model = self._fit()
        if model is None or self.random_state.uniform() < self.options.random_fraction:
            return self.sample_random_config()
        candidates = kde.sample_around(model.Z_good, self.sizes, model.bw_good, self.options.num_candidates,
                                       self.options.bandwidth_factor, self.random_state)
        scores = kde.density_ratio_scores(candidates, model.Z_good, model.Z_bad, self.sizes, model.bw_good,
                                          model.bw_bad)
        for index in np.argsort(scores, kind="stable"):
            config = self._from_z(candidates[index])
            if not self.is_excluded(config):
                return config
        return self.sample_random_config()

    def model_parameters(self) -> dict:
        model = self._fit()
        return {} if model is None else {"bw_good": model.bw_good.tolist(), "bw_bad": model.bw_bad.tolist(),
                                          "num_good": len(model.Z_good), "num_bad": len(model.Z_bad)}
