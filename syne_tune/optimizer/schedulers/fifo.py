"""FIFOScheduler: starts configs proposed by a searcher and runs every trial to its end."""
from __future__ import annotations

import logging
import secrets

import numpy as np

from syne_tune._validation import bad_argument, check_choice, check_int, check_str, reject_unknown
from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import Domain
from syne_tune.optimizer.scheduler import (
    SchedulerDecision, TrialScheduler, TrialSuggestion,
)
from syne_tune.optimizer.schedulers.searchers.searcher import BaseSearcher
from syne_tune.optimizer.schedulers.searchers.searcher_factory import searcher_factory

logger = logging.getLogger(__name__)

MAX_T_NAMES = ("epochs", "max_t", "max_epochs", "max-t", "max-epochs")


def infer_max_t(config_space: dict, max_t: int | None, max_resource_attr: str | None) -> int | None:
    """``max_t`` if given, else the first constant among ``max_resource_attr``, epochs, max_t, max_epochs."""
    names = ((max_resource_attr,) if max_resource_attr else ()) + MAX_T_NAMES
    inferred = next((config_space[n] for n in names
                     if n in config_space and not isinstance(config_space[n], Domain)), None)
    if max_t is None:
        return None if inferred is None else int(inferred)
    if inferred is not None and int(inferred) != max_t:
        logger.warning("max_t = %s differs from the value %s in config_space; using max_t.", max_t, inferred)
    return max_t


def required_max_t(owner: str, config_space: dict, max_t, max_resource_attr: str | None) -> int:
    """The largest resource level a multi-fidelity scheduler needs: ``max_t`` (an integer >= 1) or a
    constant of ``config_space`` (:func:`infer_max_t`); ValueError naming ``owner`` if neither."""
    check_int(owner, "max_t", max_t, minimum=1, allow_none=True)
    inferred = infer_max_t(config_space, max_t, max_resource_attr)
    if inferred is None:
        raise ValueError(
            f"{owner} needs 'max_t', the largest resource level. Pass max_t=..., or put a constant 'epochs', "
            "'max_t' or 'max_epochs' (or the max_resource_attr key) into config_space.")
    return inferred


def check_metrics(owner: str, metric, mode) -> tuple[list[str], list[str]]:
    """``metric`` (a name or a list of names) and ``mode`` ('min'/'max' or one per metric) as two lists."""
    metrics = metric if isinstance(metric, (list, tuple)) else [metric]
    if not metrics:
        raise bad_argument(owner, "metric", "a non-empty string or a non-empty list of them", metric)
    metrics = [check_str(owner, "metric", m) for m in metrics]
    if len(set(metrics)) < len(metrics):
        raise bad_argument(owner, "metric", "a list of distinct names", metric)
    modes = list(mode) if isinstance(mode, (list, tuple)) else [mode] * len(metrics)
    if len(modes) != len(metrics):
        raise ValueError(f"The 'mode' argument of {owner} must be 'min', 'max' or a list with one of them per "
                         f"metric ({len(metrics)}). Got {mode!r}.")
    return metrics, [check_choice(owner, "mode", m, ("min", "max")) for m in modes]


class FIFOScheduler(TrialScheduler):
    """Starts a new configuration whenever a worker is free; never stops trials.

    Args:
        config_space: search space; constants are passed to every trial.
        searcher: 'random', 'bayesopt', 'kde', 'grid', 'rea', 'bore' or a :class:`BaseSearcher`.
        search_options: options of the searcher (see docs/schedulers.md).
        metric: name of the reported metric to optimize; a list of names for multi-objective
            random search (``searcher='random'``), whose Pareto front the results show.
        mode: 'min' or 'max', or a list with one per metric.
        points_to_evaluate: configs evaluated first; missing values take midpoints.
            Default: one config of midpoints; ``[]`` for none.
        random_seed: master seed; every random generator's seed is derived from it.
        max_t: largest resource level; inferred from constants in ``config_space`` if missing.
        max_resource_attr: config key of the maximum resource a trial may use.
    """

    _OWNER = "FIFOScheduler"
    accepts_metric_list = True  # subclasses ranking trials by one metric set this to False

    def __init__(self, config_space: dict, searcher: str | BaseSearcher = "random",
                 search_options: dict | None = None, metric: str | list[str] | None = None,
                 mode: str | list[str] = "min",
                 points_to_evaluate: list[dict] | None = None, random_seed: int | None = None,
                 max_t: int | None = None, max_resource_attr: str | None = None, **unknown):
        super().__init__(config_space)
        owner = type(self).__name__
        reject_unknown(owner, unknown, self._argument_names())
        self.metrics, self.modes = check_metrics(owner, metric, mode)
        # multi-objective searchers: random search, or an instance modelling all metrics (EHVISearcher)
        multi_objective = searcher == "random" or getattr(searcher, "multi_objective", False)
        if len(self.metrics) > 1 and not (self.accepts_metric_list and multi_objective):
            raise ValueError(
                f"The 'metric' argument of {owner} must be one name with searcher={searcher!r}. Got {metric!r}. "
                "For several metrics use searcher='random' (multi-objective random search) or MOASHA.")
        self.metric, self.mode = self.metrics[0], self.modes[0]
        self.max_resource_attr = check_str(owner, "max_resource_attr", max_resource_attr, allow_none=True)
        check_int(owner, "max_t", max_t, minimum=1, allow_none=True)
        self.max_t = infer_max_t(config_space, max_t, max_resource_attr)
        if random_seed is None:
            random_seed = secrets.randbits(32)
        self.random_seed = check_int(owner, "random_seed", random_seed, minimum=0)
        logger.info("Master random_seed = %d", self.random_seed)
        self._seed_generator = np.random.RandomState(self.random_seed)
        if isinstance(searcher, BaseSearcher) and points_to_evaluate is not None:
            raise ValueError(f"The 'points_to_evaluate' argument of {owner} is not used when 'searcher' is a "
                             f"BaseSearcher instance. Pass points_to_evaluate to the searcher's constructor.")
        self.searcher = searcher_factory(
            searcher, owner=owner, config_space=config_space, metric=self.metric, mode=self.mode,
            points_to_evaluate=points_to_evaluate, random_seed=self._next_seed(),
            search_options=search_options, **self._multi_fidelity_arguments())

    @classmethod
    def _argument_names(cls) -> list[str]:
        import inspect

        names = []
        for klass in cls.__mro__:
            if "__init__" in vars(klass) and issubclass(klass, FIFOScheduler):
                names += [p for p in inspect.signature(klass.__init__).parameters
                          if p not in ("self", "unknown", "kwargs")]
        return names

    def _next_seed(self) -> int:
        return int(self._seed_generator.randint(0, 2 ** 32, dtype=np.uint64))

    def _multi_fidelity_arguments(self) -> dict:
        """Extra searcher arguments; HyperbandScheduler adds resource_attr and max_t."""
        return {}

    def _suggest(self, trial_id: int) -> TrialSuggestion | None:
        config = self.searcher.get_config(trial_id=str(trial_id))
        if config is None:
            return None
        self.searcher.register_pending(str(trial_id), config)
        return TrialSuggestion.start_suggestion(config)

    def on_trial_result(self, trial: Trial, result: dict) -> str:
        self.searcher.on_trial_result(str(trial.trial_id), self._searcher_config(trial), result, update=False)
        return SchedulerDecision.CONTINUE

    def on_trial_complete(self, trial: Trial, result: dict) -> None:
        self.searcher.on_trial_result(str(trial.trial_id), self._searcher_config(trial), result, update=True)

    def on_trial_error(self, trial: Trial) -> None:
        self.searcher.evaluation_failed(str(trial.trial_id))

    def _searcher_config(self, trial: Trial) -> dict:
        """The trial's config restricted to the hyperparameters the searcher models."""
        return {k: v for k, v in trial.config.items() if isinstance(self.config_space.get(k), Domain)}

    def metric_names(self) -> list[str]:
        return list(self.metrics)

    def metric_mode(self) -> str:
        """The first metric's mode (what ``Tuner.best_trial`` ranks by); see :meth:`metric_modes`."""
        return self.mode

    def metric_modes(self) -> list[str]:
        """One mode per metric of :meth:`metric_names`."""
        return list(self.modes)

    def metadata(self) -> dict:
        """The searcher's class and every search option in effect (:meth:`BaseSearcher.metadata`)."""
        return self.searcher.metadata()
