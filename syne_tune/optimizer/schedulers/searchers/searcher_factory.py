"""Searcher names -> classes (random, random_encoded, grid, rea, bayesopt, bayesopt_constrained, kde, bore,
hypertune), imported lazily so that optional dependencies stay optional."""
from __future__ import annotations

from syne_tune._lazy_exports import load_attribute
from syne_tune._validation import bad_argument
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher

# name -> (class for FIFOScheduler, class for HyperbandScheduler), as "module:Class"; None: FIFO only
SEARCHERS = {
    "random": ("syne_tune.optimizer.schedulers.searchers.searcher:RandomSearcher",) * 2,
    # The original's DEHB default (uniform encoded coordinates): each domain's own sampling is that distribution.
    "random_encoded": ("syne_tune.optimizer.schedulers.searchers.searcher:RandomSearcher",) * 2,
    "bayesopt": (
        "syne_tune.optimizer.schedulers.searchers.gp_searcher:GPFIFOSearcher",
        "syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher:GPMultiFidelitySearcher",
    ),
    "bayesopt_constrained": (
        "syne_tune.optimizer.schedulers.searchers.constrained_gp_searcher:ConstrainedGPFIFOSearcher", None),
    "kde": ("syne_tune.optimizer.schedulers.searchers.kde_searcher:KernelDensityEstimator",) * 2,
    "grid": ("syne_tune.optimizer.schedulers.searchers.grid_searcher:GridSearcher",) * 2,
    "bore": ("syne_tune.optimizer.schedulers.searchers.bore:Bore",) * 2,
    # Aging evolution ranks completed trials; a multi-fidelity scheduler reports partial ones.
    "rea": ("syne_tune.optimizer.schedulers.searchers.regularized_evolution:RegularizedEvolution", None),
    # Hyper-Tune weights rung levels: multi-fidelity only.
    "hypertune": (None, "syne_tune.optimizer.schedulers.searchers.hypertune.searcher:HyperTuneSearcher"),
}
# Why a searcher lacks a class for one kind of scheduler.
_WHY_NOT = {
    "rea": "it learns from completed trials only. Use it with FIFOScheduler (or the REA baseline).",
    "bayesopt_constrained": "its constraint model learns from completed trials only. Use it with FIFOScheduler "
                            "(or the ConstrainedBayesianOptimization baseline).",
    "hypertune": "it weights the rung levels of a multi-fidelity scheduler. Use it with HyperbandScheduler "
                 "(or the HyperTune baseline).",
}
# Searchers that model the resource: a multi-fidelity scheduler passes them resource_attr and max_t.
_RESOURCE_AWARE = ("bayesopt", "kde", "bore", "hypertune")


def _load(path: str, name: str) -> type:
    try:
        return load_attribute(path)
    except ImportError as error:
        raise ImportError(
            f"searcher='{name}' needs {error.name}, a core dependency of syne-tune that is missing: "
            "reinstall syne-tune (pip install -e .) to get it.") from error


def searcher_factory(searcher: str | BaseSearcher, *, owner: str, config_space: dict, metric: str, mode: str,
                     points_to_evaluate: list[dict] | None, random_seed: int, search_options: dict | None,
                     resource_attr: str | None = None, max_t: int | None = None) -> BaseSearcher:
    """Builds the searcher called ``searcher``; multi-fidelity when ``resource_attr`` is given.

    A :class:`BaseSearcher` instance is returned as is.
    """
    if isinstance(searcher, BaseSearcher):
        return searcher
    if searcher not in SEARCHERS:
        raise bad_argument(owner, "searcher", "one of " + ", ".join(repr(s) for s in SEARCHERS)
                           + " or a BaseSearcher", searcher)
    if search_options is not None and not isinstance(search_options, dict):
        raise bad_argument(owner, "search_options", "a dict", search_options)
    multi_fidelity = resource_attr is not None
    path = SEARCHERS[searcher][int(multi_fidelity)]
    if path is None:
        raise ValueError(f"{owner} cannot use searcher={searcher!r}: {_WHY_NOT[searcher]}")
    cls = _load(path, searcher)
    kwargs = dict(config_space=config_space, metric=metric, mode=mode, points_to_evaluate=points_to_evaluate,
                  random_seed=random_seed, **(search_options or {}))
    if multi_fidelity and searcher in _RESOURCE_AWARE:
        kwargs.update(resource_attr=resource_attr, max_t=max_t)
    return cls(**kwargs)
