"""RegularizedEvolution: aging evolution of Real et al. (2019), "Regularized Evolution for Image
Classifier Architecture Search" (``searcher='rea'``, the ``REA`` baseline).

A population of the latest ``population_size`` completed trials is kept. Until it is full, configs
are random; then ``sample_size`` members are drawn with replacement, the best of them is the
parent, and the child is the parent with one hyperparameter resampled. The oldest member leaves
when a new one arrives ("aging"), not the worst.
"""
from __future__ import annotations

import math
from collections import deque

from syne_tune.config_space import Domain
from syne_tune.optimizer.schedulers.searchers.search_options import (
    RegularizedEvolutionOptions, parse_search_options,
)
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher

MAX_MUTATION_TRIES = 100  # children that equal an excluded config before a random config is proposed


class RegularizedEvolution(BaseSearcher):
    """Regularized (aging) evolution; learns from completed trials only (FIFOScheduler).

    ``search_options``: ``population_size`` (100), ``sample_size`` (10), ``debug_log``,
    ``allow_duplicates`` (False: a child equal to a config already proposed is redrawn).
    Non-finite metric values count as the worst.
    """

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, **search_options):
        options = parse_search_options(RegularizedEvolutionOptions, search_options, "rea")
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, debug_log=options.debug_log,
                         allow_duplicates=options.allow_duplicates)
        self.options = options
        self.population_size, self.sample_size = options.population_size, options.sample_size
        self.mutable_keys = [k for k in self.hyperparameter_keys if len(config_space[k]) != 1]
        if not self.mutable_keys:
            raise ValueError("searcher='rea' needs a hyperparameter with more than one value in config_space; "
                             f"every domain of {config_space!r} has one value. Widen a domain.")
        self._sign = 1.0 if mode == "min" else -1.0
        self.population: deque[tuple[dict, float]] = deque()  # (config, score to minimize), oldest first

    def _update(self, trial_id: str, config: dict, result: dict) -> None:
        value = float(result[self.metric])
        score = self._sign * value if math.isfinite(value) else math.inf
        self.population.append(({k: config[k] for k in self.hyperparameter_keys}, score))
        while len(self.population) > self.population_size:
            self.population.popleft()

    def _next_config(self, **kwargs) -> dict | None:
        if len(self.population) < self.population_size:
            return self.sample_random_config()
        draws = self.random_state.randint(len(self.population), size=self.sample_size)
        parent = min((self.population[i] for i in draws), key=lambda member: member[1])[0]
        return self.mutate(parent) or self.sample_random_config()

    def mutate(self, parent: dict) -> dict | None:
        """``parent`` with one hyperparameter resampled, not excluded; None after MAX_MUTATION_TRIES."""
        parent_key = self.match_string(parent)
        for _ in range(MAX_MUTATION_TRIES):
            name = self.mutable_keys[self.random_state.randint(len(self.mutable_keys))]
            domain: Domain = self.config_space[name]
            child = {**parent, name: domain.sample(random_state=self.random_state)}
            if self.match_string(child) != parent_key and not self.is_excluded(child):
                return child
        return None
