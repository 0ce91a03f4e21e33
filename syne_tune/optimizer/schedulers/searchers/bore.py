"""Bore: Bayesian optimization by density-ratio estimation (Tiao, Klein, Seeger, Archambeau,
Bonilla and Ramos, 2021, "BORE: Bayesian Optimization by Density-Ratio Estimation").

The best ``gamma`` share of observed losses is labelled 1 (``loss < quantile(losses, gamma)``),
the rest 0; a classifier's ``P(1 | x)`` is proportional to the relative density ratio, which
BORE shows is equivalent to expected improvement at that quantile, so the next config maximizes
it. With a multi-fidelity scheduler (``resource_attr`` given; ASHABORE) the classifier is fitted on
the highest resource level holding enough observations (``min_level_data``) with both labels.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from syne_tune._validation import bad_argument, reject_unknown
from syne_tune.gp.encoding import ConfigEncoding
from syne_tune.optimizer.schedulers.searchers.bore_classifiers import CLASSIFIERS, check_classifier, make_classifier
from syne_tune.optimizer.schedulers.searchers.differential_evolution import UnitEncoding, crossover_binomial
from syne_tune.optimizer.schedulers.searchers.search_options import RandomSearchOptions, parse_search_options
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher

ACQ_OPTIMIZERS = ("rs", "rs_with_replacement", "de")
NUMPY_MLP_ARGUMENTS = ("hidden_units", "alpha", "max_iter")
DE_POPULATION = 10  # the original's 'de' acquisition optimizer: population 10, best/1, F = 0.5, CR = 0.5


@dataclass(frozen=True)
class BoreOptions(RandomSearchOptions):
    """``search_options`` of ``searcher='bore'`` (the original library's names and defaults,
    except ``classifier``: see docs/differences.md)."""

    gamma: float = 0.25  # share of observations labelled good
    calibrate: bool = False  # isotonic calibration of the classifier (scikit-learn, the 'bore' extra)
    classifier: str = "numpy_mlp"
    classifier_kwargs: dict | None = None
    acq_optimizer: str | None = None  # None: 'rs' (FIFO), 'rs_with_replacement' (multi-fidelity)
    feval_acq: int = 500  # classifier evaluations per proposal
    random_prob: float = 0.0  # probability of a random proposal once the model is fitted
    init_random: int = 6  # observations before the first model fit
    # multi-fidelity: results a level needs before the classifier is trained on it. None: at least
    # int(1 / gamma) (the original's rule, 4) and 2 * (hyperparameters + 1), BOHB's rule for its
    # densities; the original's 4 made ASHABORE collapse onto one region (docs/differences.md).
    min_level_data: int | None = None


def parse_bore_options(search_options: dict) -> BoreOptions:
    """Checks names, types and ranges of ``search_options`` (module-level rules of this searcher)."""
    owner = "search_options of searcher 'bore'"
    names = [f.name for f in dataclasses.fields(BoreOptions)]
    reject_unknown(owner.capitalize(), [k for k in search_options if k not in names], names, what="option")
    base = {k: v for k, v in search_options.items() if k in ("debug_log", "allow_duplicates")}
    parse_search_options(RandomSearchOptions, base, "bore")
    options = BoreOptions(**search_options)
    if not isinstance(options.gamma, (int, float)) or isinstance(options.gamma, bool) or not 0 < options.gamma < 1:
        raise bad_argument(owner, "gamma", "a number in (0, 1)", options.gamma)
    if not isinstance(options.random_prob, (int, float)) or not 0 <= options.random_prob <= 1:
        raise bad_argument(owner, "random_prob", "a number in [0, 1]", options.random_prob)
    for name in ("feval_acq", "init_random", "min_level_data"):
        value = getattr(options, name)
        minimum = 1 if name == "feval_acq" else 0
        if value is None and name == "min_level_data":
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise bad_argument(owner, name, f"an integer >= {minimum}", value)
    if not isinstance(options.calibrate, bool):
        raise bad_argument(owner, "calibrate", "True or False", options.calibrate)
    if options.acq_optimizer is not None and options.acq_optimizer not in ACQ_OPTIMIZERS:
        raise bad_argument(owner, "acq_optimizer", "one of " + ", ".join(repr(a) for a in ACQ_OPTIMIZERS),
                           options.acq_optimizer)
    if options.classifier_kwargs is not None and not isinstance(options.classifier_kwargs, dict):
        raise bad_argument(owner, "classifier_kwargs", "a dict or None", options.classifier_kwargs)
    if options.classifier not in CLASSIFIERS:
        raise bad_argument(owner, "classifier", "one of " + ", ".join(repr(c) for c in CLASSIFIERS),
                           options.classifier)
    check_classifier(owner, options.classifier)
    if options.classifier == "numpy_mlp" and options.classifier_kwargs:
        reject_unknown("classifier_kwargs of classifier 'numpy_mlp'", list(options.classifier_kwargs),
                       NUMPY_MLP_ARGUMENTS)
    return options


def good_labels(losses: np.ndarray, gamma: float) -> np.ndarray:
    """1 for losses strictly below their ``gamma`` quantile, else 0 (BORE's labels)."""
    return (losses < np.quantile(losses, gamma)).astype(int)


class Bore(BaseSearcher):
    """BORE's searcher (``searcher='bore'``): FIFOScheduler (BORE) and HyperbandScheduler (ASHABORE).

    ``search_options``: see :class:`BoreOptions`. Non-finite metric values count as the worst.
    """

    replays_by_asking = False  # a resume hands it the journaled configs (see BaseSearcher)

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, resource_attr: str | None = None,
                 max_t: int | None = None, **search_options):
        options = parse_bore_options(search_options)
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, debug_log=options.debug_log,
                         allow_duplicates=options.allow_duplicates)
        self.options = options
        self.acq_optimizer = options.acq_optimizer or ("rs_with_replacement" if resource_attr else "rs")
        self.resource_attr = resource_attr
        space = {k: config_space[k] for k in self.hyperparameter_keys}
        self.encoding = ConfigEncoding(space)
        self.unit = UnitEncoding(space)
        self._sign = 1.0 if mode == "min" else -1.0
        self._data: dict[tuple[str, int | None], tuple[np.ndarray, float]] = {}  # (trial, resource) -> (x, loss)

    def _update(self, trial_id: str, config: dict, result: dict) -> None:
        loss = self._sign * float(result[self.metric])
        resource = int(result[self.resource_attr]) if self.resource_attr and self.resource_attr in result else None
        x = self.encoding.encode([{k: config[k] for k in self.hyperparameter_keys}])[0]
        self._data[(trial_id, resource)] = (x, loss if math.isfinite(loss) else math.inf)

    def remove_case(self, trial_id: str, **kwargs) -> None:
        self._data.pop((trial_id, kwargs.get(self.resource_attr) if self.resource_attr else None), None)

    def dataset_size(self) -> int:
        return len(self._data)

    def training_data(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``(X, z)`` the classifier is fitted on, or None (too little data: propose at random)."""
        if len(self._data) < self.options.init_random:
            return None
        by_level: dict[int | None, list[tuple[np.ndarray, float]]] = {}
        for (_, resource), row in self._data.items():
            by_level.setdefault(resource, []).append(row)
        needed = 1
        if self.resource_attr:
            needed = self.options.min_level_data or max(int(1 / self.options.gamma), 2 * (self.unit.dim + 1))
        for level in sorted(by_level, key=lambda r: -1 if r is None else r, reverse=True):
            rows = by_level[level]
            if len(rows) < needed:
                continue
            losses = np.array([loss for _, loss in rows])
            finite = np.where(np.isfinite(losses), losses, np.nanmax(np.where(np.isfinite(losses), losses, np.nan))
                              if np.isfinite(losses).any() else 0.0)
            z = good_labels(finite, self.options.gamma)
            if 0 < z.sum() < len(z):
                return np.array([x for x, _ in rows]), z
        return None

    def _next_config(self, **kwargs) -> dict | None:
        data = self.training_data()
        if data is None or self.random_state.uniform() < self.options.random_prob:
            return self.sample_random_config()
        classifier = make_classifier(self.options.classifier, self.options.classifier_kwargs, self.random_state,
                                     self.options.calibrate).fit(*data)
        if self.acq_optimizer == "de":
            return self._by_differential_evolution(classifier) or self.sample_random_config()
        candidates = self._random_candidates(avoid_excluded=self.acq_optimizer == "rs")
        if not candidates:
            return self.sample_random_config()
        scores = classifier.probability_of_good(self.encoding.encode(candidates))
        for index in np.argsort(-scores, kind="stable"):
            if not self.is_excluded(candidates[index]):
                return candidates[index]
        return self.sample_random_config()

    def _random_candidates(self, avoid_excluded: bool) -> list[dict]:
        n = self.options.feval_acq
        columns = {k: self.config_space[k].sample(size=n, random_state=self.random_state)
                   for k in self.hyperparameter_keys}
        candidates = [{k: (columns[k] if n == 1 else columns[k][i]) for k in self.hyperparameter_keys}
                      for i in range(n)]
        if avoid_excluded:
            candidates = [c for c in candidates if not self.is_excluded(c)]
        return candidates

    def _by_differential_evolution(self, classifier) -> dict | None:
        """best/1/bin on the unit cube: ``feval_acq // 10 - 1`` generations of 10; the best config
        seen that is not excluded."""
        def score(U):
            return classifier.probability_of_good(self.encoding.encode([self.unit.decode(u) for u in U]))

        population = self.random_state.uniform(size=(DE_POPULATION, self.unit.dim))
        fitness = score(population)
        seen = list(zip(fitness, population))
        for _ in range(max(0, self.options.feval_acq // DE_POPULATION - 1)):
            best = population[np.argmax(fitness)]
            children = []
            for target in population:
                b, c = population[self.random_state.choice(DE_POPULATION, size=2, replace=False)]
                mutant = np.clip(best + 0.5 * (b - c), 0.0, 1.0)
                children.append(crossover_binomial(target, mutant, 0.5, self.random_state))
            children = np.array(children)
            child_fitness = score(children)
            seen += list(zip(child_fitness, children))
            better = child_fitness >= fitness
            population[better], fitness[better] = children[better], child_fitness[better]
        for _, u in sorted(seen, key=lambda pair: -pair[0]):
            config = self.unit.decode(u)
            if not self.is_excluded(config):
                return config
        return None
