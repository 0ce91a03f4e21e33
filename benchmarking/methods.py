"""The one registry of HPO methods the benchmark scripts compare, by name.

Each entry maps a name to a ``Method``: a function making the scheduler from a ``MethodArguments``
(config space, metric, mode, resource attributes, seed, workers), and whether the Tuner runs
it with synchronous scheduling. Adding a baseline from ``syne_tune.optimizer.baselines`` (e.g.
SyncHyperband, BOHB, PBT, MOASHA) is one row here; every runner picks it up. Makers are
module-level functions (or ``functools.partial`` of them) so that runs can go to other processes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from syne_tune.optimizer.scheduler import TrialScheduler


@dataclass(frozen=True)
class MethodArguments:
    """What a benchmark tells a method. ``max_t`` is the largest resource (None: single-fidelity)."""

    config_space: dict
    metric: str
    mode: str
    random_seed: int
    resource_attr: str | None = None
    max_resource_attr: str | None = None
    max_t: int | None = None
    n_workers: int = 4
    extra: dict = field(default_factory=dict)  # further scheduler arguments, e.g. grace_period

    def fifo(self, **kwargs) -> dict:
        """Keyword arguments of a FIFOScheduler-based method."""
        return dict(metric=self.metric, mode=self.mode, random_seed=self.random_seed, **kwargs)

    def multi_fidelity(self, **kwargs) -> dict:
        """Keyword arguments of a HyperbandScheduler-based method (multi-fidelity benchmarks only)."""
        if self.resource_attr is None:
            raise ValueError("This method needs a multi-fidelity benchmark (one with a resource_attr).")
        arguments = dict(self.fifo(), resource_attr=self.resource_attr, **self.extra, **kwargs)
        if self.max_resource_attr is not None:
            arguments["max_resource_attr"] = self.max_resource_attr
        if self.max_t is not None:
            arguments["max_t"] = self.max_t
        return arguments

    def bayesopt_options(self) -> dict:
        return {"search_options": {"num_init_random": self.n_workers + 2}}


@dataclass(frozen=True)
class Method:
    make: Callable[[MethodArguments], TrialScheduler]
    multi_fidelity: bool = False
    synchronous: bool = False
    multi_objective: bool = False  # runs on benchmarks with a list of metrics (and only there)
    # what the benchmark must give besides a config space and one metric: keys of MethodArguments.extra,
    # or "metrics" (a list of at least two)
    requires: tuple[str, ...] = ()


def _random_search(a: MethodArguments):
    from syne_tune.optimizer.baselines import RandomSearch
    return RandomSearch(a.config_space, **a.fifo())


def _bayesian_optimization(a: MethodArguments):
    from syne_tune.optimizer.baselines import BayesianOptimization
    return BayesianOptimization(a.config_space, **a.fifo(**a.bayesopt_options()))


def _grid_search(a: MethodArguments):
    from syne_tune.optimizer.baselines import GridSearch
    return GridSearch(a.config_space, **a.fifo(search_options={"debug_log": False}))


def _rea(a: MethodArguments, population_size: int | None = None, sample_size: int | None = None):
    """Regularized evolution; population_size 100 and sample_size 10 by default (the original's)."""
    from syne_tune.optimizer.baselines import REA
    return REA(a.config_space, population_size=population_size, sample_size=sample_size,
               **a.fifo(search_options={"debug_log": False}))


def _asha(a: MethodArguments, type: str = "stopping"):
    from syne_tune.optimizer.baselines import ASHA
    return ASHA(a.config_space, **a.multi_fidelity(type=type))


def _pasha(a: MethodArguments):
    from syne_tune.optimizer.baselines import PASHA
    return PASHA(a.config_space, **a.multi_fidelity())


def _all_brackets(arguments: dict) -> int:
    """As many Hyperband brackets as rung levels."""
    from syne_tune.optimizer.schedulers.rung_levels import compute_rung_levels

    return len(compute_rung_levels(arguments.get("grace_period", 1), arguments.get("reduction_factor", 3),
                                   arguments.get("max_t") or 81))


def _hyperband(a: MethodArguments, brackets: int | None = None):
    """Hyperband with ``brackets`` brackets (default: as many as rung levels)."""
    from syne_tune.optimizer.schedulers import HyperbandScheduler

    arguments = a.multi_fidelity(searcher="random", type="stopping")
    return HyperbandScheduler(a.config_space, brackets=brackets or _all_brackets(arguments), **arguments)


def _mobster(a: MethodArguments):
    from syne_tune.optimizer.baselines import MOBSTER
    return MOBSTER(a.config_space, **a.multi_fidelity(**a.bayesopt_options()))


# The MOBSTER benchmark's variants (docs/benchmarks-mobster.md): each resource kernel, the GP refitted
# only when a trial reached max_t once past 50 observations.
MOBSTER_KERNELS = ("exp-decay-sum", "exp-decay-delta1", "exp-decay-combined", "matern52", "matern52-res-warp")
MOBSTER_BENCHMARK_OPTIONS = {"opt_skip_num_max_resource": True, "opt_skip_init_length": 50, "debug_log": False}


def _mobster_variant(a: MethodArguments, kernel: str = "matern52-res-warp", type: str = "stopping"):
    from syne_tune.optimizer.baselines import MOBSTER
    options = {**MOBSTER_BENCHMARK_OPTIONS, "gp_resource_kernel": kernel}
    return MOBSTER(a.config_space, **a.multi_fidelity(type=type, search_options=options))


def _hypertune(a: MethodArguments, all_brackets: bool = False):
    """Hyper-Tune; ``brackets=1`` as the original library's default, or every bracket (HYPERTUNE-HB)."""
    from syne_tune.optimizer.baselines import HyperTune
    arguments = a.multi_fidelity(**a.bayesopt_options())
    if all_brackets:
        arguments["brackets"] = _all_brackets(arguments)
    return HyperTune(a.config_space, **arguments)


def _sync_mobster(a: MethodArguments):
    from syne_tune.optimizer.baselines import SyncMOBSTER
    return SyncMOBSTER(a.config_space, **a.multi_fidelity(**a.bayesopt_options()))


def _sync_hyperband(a: MethodArguments, searcher: str = "random", **kwargs):
    from syne_tune.optimizer.baselines import SyncBOHB, SyncHyperband
    return (SyncBOHB if searcher == "kde" else SyncHyperband)(a.config_space, **a.multi_fidelity(**kwargs))


def _bohb(a: MethodArguments, **kwargs):
    from syne_tune.optimizer.baselines import BOHB
    return BOHB(a.config_space, **a.multi_fidelity(**kwargs))


def _dehb(a: MethodArguments):
    from syne_tune.optimizer.baselines import DEHB
    return DEHB(a.config_space, **a.multi_fidelity())


def _bore(a: MethodArguments):
    from syne_tune.optimizer.baselines import BORE
    return BORE(a.config_space, **a.fifo(search_options={"debug_log": False}))


def _ashabore(a: MethodArguments):
    from syne_tune.optimizer.baselines import ASHABORE
    return ASHABORE(a.config_space, **a.multi_fidelity(search_options={"debug_log": False}))


def _kde(a: MethodArguments):
    from syne_tune.optimizer.baselines import KDE
    return KDE(a.config_space, **a.fifo())


def _pbt(a: MethodArguments):
    from syne_tune.optimizer.baselines import PBT
    arguments = {k: v for k, v in a.multi_fidelity().items()  # PBT has no rungs: no grace_period & co.
                 if k in ("metric", "mode", "random_seed", "resource_attr", "max_t", "max_resource_attr")}
    interval = max(1, (arguments.get("max_t") or 81) // 9)  # about nine exploit/explore steps per trial
    return PBT(a.config_space, perturbation_interval=interval, **arguments)


def _moasha(a: MethodArguments):
    from syne_tune.optimizer.baselines import MOASHA
    return MOASHA(a.config_space, **a.multi_fidelity())


def _constrained_bo(a: MethodArguments):
    """Constrained BO; the benchmark names its constraint in ``extra['constraint_attr']``."""
    from syne_tune.optimizer.baselines import ConstrainedBayesianOptimization
    return ConstrainedBayesianOptimization(a.config_space, constraint_attr=a.extra["constraint_attr"],
                                           **a.fifo(search_options={"num_init_random": a.n_workers + 2,
                                                                    "debug_log": False}))


def _ehvi(a: MethodArguments):
    from syne_tune.optimizer.baselines import EHVI
    return EHVI(a.config_space, **a.fifo(search_options={"num_init_random": a.n_workers + 2, "debug_log": False}))


def _bounding_box_scheduler(config_space: dict, mode: str, metric: str, base: str = "RS", random_seed: int = 0,
                            n_workers: int = 4):
    """The scheduler BoundingBox builds on its shrunk space (a module-level function: picklable)."""
    arguments = MethodArguments(config_space, metric, mode, random_seed, n_workers=n_workers)
    return METHODS[base].make(arguments)


def _bounding_box(a: MethodArguments, base: str = "RS"):
    """BoundingBox around ``base``; the benchmark passes ``extra['transfer_learning_evaluations']``."""
    from syne_tune.optimizer.schedulers.transfer_learning import BoundingBox
    return BoundingBox(partial(_bounding_box_scheduler, base=base, random_seed=a.random_seed, n_workers=a.n_workers),
                       a.config_space, a.metric, a.extra["transfer_learning_evaluations"], mode=a.mode)


def _zero_shot(a: MethodArguments):
    """ZeroShotTransfer; the benchmark passes ``extra['transfer_learning_evaluations']``."""
    from syne_tune.optimizer.baselines import ZeroShotTransfer
    return ZeroShotTransfer(a.config_space, a.extra["transfer_learning_evaluations"], **a.fifo())


METHODS: dict[str, Method] = {
    "RS": Method(_random_search),
    "BO": Method(_bayesian_optimization),
    "GRID": Method(_grid_search),
    "REA": Method(_rea),
    "REA-20": Method(partial(_rea, population_size=20, sample_size=5)),  # evolves within short budgets
    "ASHA": Method(_asha, multi_fidelity=True),
    "ASHA-PROM": Method(partial(_asha, type="promotion"), multi_fidelity=True),
    "PASHA": Method(_pasha, multi_fidelity=True),
    "HB": Method(_hyperband, multi_fidelity=True),
    "HB-3": Method(partial(_hyperband, brackets=3), multi_fidelity=True),
    "MOBSTER": Method(_mobster, multi_fidelity=True),
    **{f"MOBSTER-{kernel}": Method(partial(_mobster_variant, kernel=kernel), multi_fidelity=True)
       for kernel in MOBSTER_KERNELS},
    "MOBSTER-PROM": Method(partial(_mobster_variant, type="promotion"), multi_fidelity=True),
    "HYPERTUNE": Method(_hypertune, multi_fidelity=True),
    "HYPERTUNE-HB": Method(partial(_hypertune, all_brackets=True), multi_fidelity=True),
    "RS-SYNC": Method(_random_search, synchronous=True),
    "SYNC-HB": Method(_sync_hyperband, multi_fidelity=True),
    "SYNC-SH": Method(partial(_sync_hyperband, brackets=1), multi_fidelity=True),  # synchronous successive halving
    "SYNC-BOHB": Method(partial(_sync_hyperband, searcher="kde"), multi_fidelity=True),
    "SYNC-MOBSTER": Method(_sync_mobster, multi_fidelity=True),
    "BOHB": Method(_bohb, multi_fidelity=True),
    "DEHB": Method(_dehb, multi_fidelity=True),
    "BORE": Method(_bore),
    "ASHABORE": Method(_ashabore, multi_fidelity=True),
    "BOHB-PROM": Method(partial(_bohb, type="promotion"), multi_fidelity=True),
    "KDE": Method(_kde),
    "PBT": Method(_pbt, multi_fidelity=True),
    "MO-RS": Method(_random_search, multi_objective=True),  # random search reporting a list of metrics
    "MOASHA": Method(_moasha, multi_fidelity=True, multi_objective=True),
    # docs/constraints-multiobjective-transfer.md (benchmarking/scripts/run_constraints_mo_transfer.py)
    "CBO": Method(_constrained_bo, requires=("constraint_attr",)),
    "EHVI": Method(_ehvi, multi_objective=True, requires=("metrics",)),
    "BOUNDING-BOX": Method(_bounding_box, requires=("transfer_learning_evaluations",)),
    "BOUNDING-BOX-BO": Method(partial(_bounding_box, base="BO"), requires=("transfer_learning_evaluations",)),
    "ZERO-SHOT": Method(_zero_shot, requires=("transfer_learning_evaluations",)),
}


def make_scheduler(name: str, arguments: MethodArguments) -> TrialScheduler:
    """The scheduler of method ``name`` (a key of ``METHODS``); ValueError naming what the benchmark
    lacks if the method requires more (``Method.requires``)."""
    if name not in METHODS:
        raise ValueError(f"Unknown method {name!r}. Choose from {list(METHODS)}.")
    method = METHODS[name]
    missing = [need for need in method.requires if not _given(need, arguments)]
    if missing:
        raise ValueError(f"Method {name!r} needs a benchmark that gives {' and '.join(map(repr, missing))} "
                         f"(see Method.requires in benchmarking/methods.py); this one does not.")
    return method.make(arguments)


def _given(need: str, arguments: MethodArguments) -> bool:
    if need == "metrics":
        return isinstance(arguments.metric, (list, tuple)) and len(arguments.metric) >= 2
    return need in arguments.extra
