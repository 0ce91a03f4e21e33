"""The tutorial's methods under their usual names; each is a configured scheduler.

Accepts all arguments of the scheduler it configures (FIFOScheduler, HyperbandScheduler or
SynchronousHyperbandScheduler).
"""
from __future__ import annotations

import numpy as np

from syne_tune.optimizer.schedulers.fifo import FIFOScheduler
from syne_tune.optimizer.schedulers.hyperband import HyperbandScheduler
from syne_tune.optimizer.schedulers.multiobjective.moasha import MOASHA
from syne_tune.optimizer.schedulers.pbt import PopulationBasedTraining
from syne_tune.optimizer.schedulers.synchronous.dehb import DifferentialEvolutionHyperbandScheduler
from syne_tune.optimizer.schedulers.synchronous.hyperband import SynchronousHyperbandScheduler


class RandomSearch(FIFOScheduler):
    """Random search: FIFOScheduler with ``searcher='random'``; with a list of metrics (and modes),
    multi-objective random search."""

    def __init__(self, config_space: dict, metric: str, **kwargs):
        super().__init__(config_space, metric=metric, searcher="random", **kwargs)


class BayesianOptimization(FIFOScheduler):
    """GP-based Bayesian optimization: FIFOScheduler with ``searcher='bayesopt'``."""

    def __init__(self, config_space: dict, metric: str, **kwargs):
        super().__init__(config_space, metric=metric, searcher="bayesopt", **kwargs)


class ConstrainedBayesianOptimization(FIFOScheduler):
    """Bayesian optimization under constraints (Gardner et al., 2014): FIFOScheduler with
    ``searcher='bayesopt_constrained'``. ``constraint_attr`` names the reported constraint value
    (feasible where <= 0), or lists several; every "best" view then ranks feasible trials only.
    """

    def __init__(self, config_space: dict, metric: str, constraint_attr: str | list[str], **kwargs):
        options = dict(kwargs.pop("search_options", None) or {})
        options["constraint_attr"] = constraint_attr
        super().__init__(config_space, metric=metric, searcher="bayesopt_constrained", search_options=options,
                         **kwargs)


class EHVI(FIFOScheduler):
    """Multi-objective Bayesian optimization by expected hypervolume improvement, one GP per
    objective: FIFOScheduler with an :class:`~syne_tune.optimizer.schedulers.searchers.ehvi_searcher.EHVISearcher`.
    ``metric`` lists the objectives, ``mode`` is one mode or one per metric; ``search_options`` as
    for ``searcher='bayesopt'``. Accepts all FIFOScheduler arguments.
    """

    def __init__(self, config_space: dict, metric: list[str], mode: str | list[str] = "min",
                 points_to_evaluate: list[dict] | None = None, random_seed: int | None = None, **kwargs):
        import secrets

        from syne_tune.optimizer.schedulers.searchers.ehvi_searcher import EHVISearcher

        seed = secrets.randbits(32) if random_seed is None else random_seed
        searcher = EHVISearcher(config_space, metric, points_to_evaluate=points_to_evaluate, mode=mode,
                                random_seed=int(np.random.RandomState(seed).randint(0, 2 ** 31)),
                                **(kwargs.pop("search_options", None) or {}))
        super().__init__(config_space, searcher=searcher, metric=metric, mode=mode, random_seed=seed, **kwargs)


class GridSearch(FIFOScheduler):
    """Grid search: FIFOScheduler with ``searcher='grid'``; tuning ends when the grid is exhausted.

    Grid options go into ``search_options``: ``num_samples`` (dict name -> number of values of a
    Float/Integer domain, default 5), ``shuffle_config`` (True), ``allow_duplicates`` (False).
    """

    def __init__(self, config_space: dict, metric: str, **kwargs):
        super().__init__(config_space, metric=metric, searcher="grid", **kwargs)


class REA(FIFOScheduler):
    """Regularized evolution (Real et al., 2019): FIFOScheduler with ``searcher='rea'``.

    ``population_size`` (default 100) and ``sample_size`` (default 10) may also be given in
    ``search_options``, not both ways.
    """

    def __init__(self, config_space: dict, metric: str, population_size: int | None = None,
                 sample_size: int | None = None, **kwargs):
        options = dict(kwargs.pop("search_options", None) or {})
        for name, value in (("population_size", population_size), ("sample_size", sample_size)):
            if value is not None and name in options:
                raise ValueError(f"REA got '{name}' as an argument and in search_options. Pass it once.")
            if value is not None:
                options[name] = value
        super().__init__(config_space, metric=metric, searcher="rea", search_options=options, **kwargs)


def _bore_options(owner: str, kwargs: dict) -> dict:
    """``search_options`` for searcher='bore'. The original's BORE ignored the scheduler's ``mode``
    unless it was repeated as ``search_options={'mode': ...}``; here the scheduler's mode is the
    searcher's, and a ``mode`` in search_options is accepted only if it agrees."""
    options = dict(kwargs.pop("search_options", None) or {})
    if "mode" in options:
        mode = options.pop("mode")
        if mode != kwargs.get("mode", "min"):
            raise ValueError(f"{owner} got mode={kwargs.get('mode', 'min')!r} and search_options mode={mode!r}. "
                             f"Pass the mode once, as {owner}(..., mode={mode!r}).")
    return options


class BORE(FIFOScheduler):
    """BORE (Tiao et al., 2021): Bayesian optimization by a classifier's density-ratio estimate;
    FIFOScheduler with ``searcher='bore'``. Options (``search_options``): ``gamma`` (0.25),
    ``classifier`` ('numpy_mlp'; the original's 'xgboost', 'logreg', 'rf', 'gp', 'mlp' need the
    ``bore`` extra), ``classifier_kwargs``, ``calibrate``, ``acq_optimizer`` ('rs'), ``feval_acq``
    (500), ``random_prob`` (0), ``init_random`` (6).
    """

    def __init__(self, config_space: dict, metric: str, random_seed: int | None = None, **kwargs):
        options = _bore_options("BORE", kwargs)
        super().__init__(config_space, metric=metric, searcher="bore", search_options=options,
                         random_seed=random_seed, **kwargs)


class ASHABORE(HyperbandScheduler):
    """ASHA with BORE's searcher: HyperbandScheduler with ``searcher='bore'``; the classifier is
    fitted on the highest rung level holding at least ``int(1 / gamma)`` results (default
    ``acq_optimizer='rs_with_replacement'``). Options as for :class:`BORE`.
    """

    def __init__(self, config_space: dict, metric: str, resource_attr: str, random_seed: int | None = None,
                 **kwargs):
        options = _bore_options("ASHABORE", kwargs)
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, searcher="bore",
                         search_options=options, random_seed=random_seed, **kwargs)


class ASHA(HyperbandScheduler):
    """Asynchronous successive halving (Li et al., 2018): HyperbandScheduler with random search.

    ``type='stopping'`` (default) or ``'promotion'``.
    """

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, searcher="random", **kwargs)


class PASHA(HyperbandScheduler):
    """Progressive ASHA (Bohdal et al., 2022): HyperbandScheduler with ``type='pasha'``."""

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, type="pasha", **kwargs)


class MOBSTER(HyperbandScheduler):
    """Model-based asynchronous Hyperband (Klein et al., 2020): HyperbandScheduler with ``searcher='bayesopt'``."""

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, searcher="bayesopt", **kwargs)


class HyperTune(HyperbandScheduler):
    """Hyper-Tune (Li et al., VLDB 2022): MOBSTER with a GP ensemble over rung levels and bracket
    weights from how well each level ranks the configs of the highest supported one;
    HyperbandScheduler with ``searcher='hypertune'``.

    Search options: those of MOBSTER, ``model`` ('gp_independent' (default): one GP per rung level
    sharing bandwidths and noise; 'gp_multitask': MOBSTER's resource kernel) and
    ``hypertune_distribution_num_samples`` (50). As in the original library, ``brackets`` defaults
    to 1, so the bracket weighting acts only with ``brackets > 1``.
    """

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, searcher="hypertune", **kwargs)


class SyncHyperband(SynchronousHyperbandScheduler):
    """Synchronous Hyperband (Li et al., 2018): SynchronousHyperbandScheduler with random search."""

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, searcher="random", **kwargs)


class SyncBOHB(SynchronousHyperbandScheduler):
    """Synchronous BOHB (Falkner et al., 2018): SynchronousHyperbandScheduler with ``searcher='kde'``."""

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, searcher="kde", **kwargs)


class SyncMOBSTER(SynchronousHyperbandScheduler):
    """Synchronous Hyperband with MOBSTER's GP searcher: SynchronousHyperbandScheduler with
    ``searcher='bayesopt'``. As in the original library the GP is independent per level (search
    option ``model='gp_independent'``; ``'gp_multitask'`` for MOBSTER's resource kernel); the
    searcher proposes the configs of new base-rung slots and learns from rung-level results.
    """

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, searcher="bayesopt", **kwargs)


class DEHB(DifferentialEvolutionHyperbandScheduler):
    """DEHB (Awad et al., 2021): differential evolution inside synchronous Hyperband brackets.

    Accepts all DifferentialEvolutionHyperbandScheduler arguments (``mutation_factor=0.5``,
    ``crossover_probability=0.5``, ``support_pause_resume=True``, ``grace_period``,
    ``reduction_factor``, ``brackets``, ...); needs ``max_t`` or ``max_resource_attr``.
    """

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, **kwargs)


class BOHB(HyperbandScheduler):
    """Asynchronous BOHB: HyperbandScheduler with ``searcher='kde'`` (Falkner et al., 2018, run asynchronously)."""

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, searcher="kde", **kwargs)


class KDE(FIFOScheduler):
    """TPE-style Bayesian optimization with BOHB's kernel densities: FIFOScheduler with ``searcher='kde'``."""

    def __init__(self, config_space: dict, metric: str, **kwargs):
        super().__init__(config_space, metric=metric, searcher="kde", **kwargs)


class PBT(PopulationBasedTraining):
    """Population-based training (Jaderberg et al., 2017); accepts all PopulationBasedTraining arguments."""

    def __init__(self, config_space: dict, metric: str, resource_attr: str, **kwargs):
        super().__init__(config_space, metric=metric, resource_attr=resource_attr, **kwargs)


class ZeroShotTransfer(FIFOScheduler):
    """Zero-shot transfer (Wistuba et al., 2015): FIFOScheduler with the searcher
    :class:`~syne_tune.optimizer.schedulers.transfer_learning.zero_shot.ZeroShotTransfer`, which
    proposes the configs that did well across earlier tasks; a passed ``points_to_evaluate`` is
    ignored, as in the original. Accepts all FIFOScheduler arguments.
    """

    def __init__(self, config_space: dict, transfer_learning_evaluations: dict, metric: str, mode: str = "min",
                 sort_transfer_learning_evaluations: bool = True, use_surrogates: bool = False,
                 random_seed: int | None = None, **kwargs):
        from syne_tune.optimizer.schedulers.transfer_learning.zero_shot import ZeroShotTransfer as Searcher

        kwargs.pop("points_to_evaluate", None)
        searcher = Searcher(config_space, metric, transfer_learning_evaluations, mode=mode,
                            sort_transfer_learning_evaluations=sort_transfer_learning_evaluations,
                            use_surrogates=use_surrogates, random_seed=random_seed,
                            **(kwargs.pop("search_options", None) or {}))
        super().__init__(config_space, searcher=searcher, metric=metric, mode=mode, random_seed=random_seed, **kwargs)


baselines_dict = {
    "Random Search": RandomSearch,
    "Bayesian Optimization": BayesianOptimization,
    "Grid Search": GridSearch,
    "REA": REA,
    "ASHA": ASHA,
    "PASHA": PASHA,
    "MOBSTER": MOBSTER,
    "HyperTune": HyperTune,
    "SyncHyperband": SyncHyperband,
    "SyncBOHB": SyncBOHB,
    "SyncMOBSTER": SyncMOBSTER,
    "DEHB": DEHB,
    "BORE": BORE,
    "ASHABORE": ASHABORE,
    "BOHB": BOHB,
    "KDE": KDE,
    "PBT": PBT,
    "MOASHA": MOASHA,
}
# Not in baselines_dict (which builds each with config_space and one metric): ZeroShotTransfer needs
# transfer_learning_evaluations, ConstrainedBayesianOptimization a constraint_attr, EHVI a list of metrics.
