"""Searchers propose configurations; the scheduler feeds them the metric data.

Trial ids reach searchers as ``str``. Every searcher applies one rule (:meth:`BaseSearcher.is_excluded`):
a config already suggested, pending or evaluated is never suggested again, unless the search option
``allow_duplicates`` is True; then only the configs of failed trials are excluded (the original
library's semantics). Configs are compared by their match strings: integers rounded, finite domains
snapped, floats to 8 significant digits, so a float that casts to the same value is the same config.
"""
from __future__ import annotations

import dataclasses
import logging

import numpy as np

from syne_tune._validation import reject_unknown
from syne_tune.config_space import (
    Domain, config_space_size, config_to_match_string, default_value, non_constant_hyperparameter_keys,
)

from syne_tune.optimizer.schedulers.searchers.search_options import RandomSearchOptions, parse_search_options

logger = logging.getLogger(__name__)


def _midpoint(domain: Domain):
    """Default value of a hyperparameter: middle of its range (see :func:`default_value`)."""
    return default_value(domain)


def impute_points_to_evaluate(points_to_evaluate: list[dict] | None, config_space: dict) -> list[dict]:
    """Completes each partial config with midpoint defaults; drops duplicates.

    ``None`` means one config of midpoints; ``[]`` means none. A key that is not in
    ``config_space``, or a constant of ``config_space`` set to another value, is an error:
    silently dropping it would evaluate a config other than the one asked for.
    """
    if points_to_evaluate is None:
        points_to_evaluate = [{}]
    if not isinstance(points_to_evaluate, list) or not all(isinstance(p, dict) for p in points_to_evaluate):
        raise ValueError(f"The 'points_to_evaluate' argument must be a list of dicts. Got {points_to_evaluate!r}.")
    keys = non_constant_hyperparameter_keys(config_space)
    seen, result = set(), []
    for index, point in enumerate(points_to_evaluate):
        _check_point_keys(index, point, config_space)
        config = {}
        for name in keys:
            domain = config_space[name]
            if name in point:
                value = point[name]
                if not domain.is_valid(value):
                    raise ValueError(f"points_to_evaluate has {name}={value!r}, which is not in {domain!r}.")
                config[name] = domain.cast(value)
            else:
                config[name] = _midpoint(domain)
        key = config_to_match_string(config, config_space, keys)
        if key not in seen:
            seen.add(key)
            result.append(config)
    return result


def _check_point_keys(index: int, point: dict, config_space: dict) -> None:
    """Rejects keys of ``point`` that config_space lacks, and changed constants."""
    reject_unknown(f"points_to_evaluate[{index}]", [k for k in point if k not in config_space], config_space,
                   what="key", list_known=True)
    for name, value in point.items():
        constant = config_space[name]
        if not isinstance(constant, Domain) and value != constant:
            raise ValueError(f"points_to_evaluate[{index}] sets {name}={value!r}, but config_space fixes '{name}' to "
                             f"{constant!r}. Drop '{name}' from the point, or make it a hyperparameter.")


class BaseSearcher:
    """Proposes configs: first ``points_to_evaluate``, then by ``_next_config``.

    Args:
        config_space: the search space (constants are ignored).
        metric: name of the reported metric the searcher learns from.
        points_to_evaluate: initial configs (see :func:`impute_points_to_evaluate`).
        mode: 'min' or 'max'.
        random_seed: seed of this searcher's ``RandomState``.
        allow_duplicates: False: never suggest a config already suggested, pending or evaluated;
            True: exclude only the configs of failed trials.
    """

    options = None  # a built-in searcher's parsed search_options (a frozen dataclass), see metadata()
    # A resume replays the journal's suggestions (syne_tune.tuner_replay). Asked again, a searcher
    # whose only state is its random generator reproduces them exactly; a model-based one would
    # recompute every suggestion of the run, so it is handed the journaled config instead.
    replays_by_asking = True

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, debug_log: bool = False,
                 allow_duplicates: bool = False):
        self.config_space = config_space
        self.metric = metric
        self.mode = mode
        self.hyperparameter_keys = non_constant_hyperparameter_keys(config_space)
        self._initial_configs = impute_points_to_evaluate(points_to_evaluate, config_space)
        self.random_state = np.random.RandomState(random_seed)
        self._proposed: set[str] = set()      # match strings of every config suggested, pending or evaluated
        self._failed: set[str] = set()        # ... of failed trials (allow_duplicates)
        self._config_of_trial: dict[str, dict] = {}   # kept with allow_duplicates only, for evaluation_failed
        self._space_size = config_space_size(config_space)
        self.debug_log = debug_log
        self.allow_duplicates = allow_duplicates
        self._journaled: dict | None = None  # the config the next get_config returns (a resume's replay)

    def match_string(self, config: dict) -> str:
        return config_to_match_string(config, self.config_space, self.hyperparameter_keys)

    def _excluded(self) -> set[str]:
        return self._failed if self.allow_duplicates else self._proposed

    def is_excluded(self, config: dict) -> bool:
        """True if ``config`` may not be suggested (see the module docstring)."""
        return self.match_string(config) in self._excluded()

    def remember(self, config: dict) -> None:
        """``config`` was suggested, is pending or was evaluated: it is excluded from now on
        (unless ``allow_duplicates``)."""
        self._proposed.add(self.match_string(config))

    def space_exhausted(self) -> bool:
        return self._space_size is not None and len(self._excluded()) >= self._space_size

    def get_config(self, **kwargs) -> dict | None:
        """Next config to evaluate, or None when no new config can be found."""
        config = self._take_journaled()
        while self._initial_configs and config is None:
            candidate = self._initial_configs.pop(0)
            if not self.is_excluded(candidate):
                config = candidate
        if config is None and not self.space_exhausted():
            config = self._next_config(**kwargs)
        if config is None:
            logger.warning("%s found no new configuration: the search space is exhausted.", type(self).__name__)
            return None
        self.remember(config)
        if self.allow_duplicates and kwargs.get("trial_id") is not None:
            self._config_of_trial[str(kwargs["trial_id"])] = config
        if self.debug_log:
            logger.info("trial %s: config %s", kwargs.get("trial_id"), config)
        return config

    def _next_config(self, **kwargs) -> dict | None:
        raise NotImplementedError

    def hand_journaled(self, config: dict | None) -> None:
        """The next :meth:`get_config` returns ``config`` without searching (None: searches again).

        A resume replaying a start from the journal does this for searchers that do not replay by
        asking (``replays_by_asking``); the config is remembered like one the searcher found."""
        self._journaled = config

    def _take_journaled(self) -> dict | None:
        config, self._journaled = getattr(self, "_journaled", None), None
        if config is not None:  # one of points_to_evaluate is not suggested twice
            key = self.match_string(config)
            self._initial_configs = [c for c in self._initial_configs if self.match_string(c) != key]
        return config

    def sample_random_config(self, max_retries: int = 100) -> dict | None:
        """A random config not excluded, or None after ``max_retries`` misses. In a finite space
        that can be enumerated (``discrete_space``) a miss streak draws from the configs left
        instead, so None means the space is exhausted, not that 100 draws were unlucky."""
        for _ in range(max_retries):
            config = {name: self.config_space[name].sample(random_state=self.random_state)
                      for name in self.hyperparameter_keys}
            if not self.is_excluded(config):
                return config
        left = self._configs_left()
        return None if not left else left[self.random_state.randint(len(left))]

    def _configs_left(self) -> list[dict] | None:
        """Every config not excluded, if the space is finite and small enough to enumerate; else None."""
        if self._space_size is None:
            return None
        from syne_tune.gp.discrete_search import discrete_space     # the GP stack loads on use only
        from syne_tune.gp.encoding import ConfigEncoding

        encoding = ConfigEncoding({k: self.config_space[k] for k in self.hyperparameter_keys})
        space = discrete_space(encoding)
        if space is None or space.X_all is None:
            return None
        columns = encoding.decode_columns(space.X_all)
        configs = [dict(zip(columns, values)) for values in zip(*columns.values())]
        return [config for config in configs if not self.is_excluded(config)]

    def on_trial_result(self, trial_id: str, config: dict, result: dict, update: bool) -> None:
        """A trial reported ``result``; learn from it if ``update``."""
        if update:
            self._update(trial_id, config, result)

    def _update(self, trial_id: str, config: dict, result: dict) -> None:
        """Incorporate one observation (model-based searchers)."""

    def register_pending(self, trial_id: str, config: dict | None = None, milestone: int | None = None) -> None:
        """An evaluation of ``trial_id`` (at resource ``milestone``) is under way."""

    def remove_case(self, trial_id: str, **kwargs) -> None:
        """Forget one observation of ``trial_id`` (``searcher_data='rungs_and_last'``)."""

    def evaluation_failed(self, trial_id: str) -> None:
        """The trial failed: drop its pending evaluations; its config stays excluded (also with
        ``allow_duplicates``: a failing config is not suggested again)."""
        config = self._config_of_trial.pop(str(trial_id), None)
        if config is not None:
            self._failed.add(self.match_string(config))
        self.cleanup_pending(trial_id)

    def cleanup_pending(self, trial_id: str) -> None:
        """Drop all pending evaluations of ``trial_id``."""

    def dataset_size(self) -> int:
        return 0

    def model_parameters(self) -> dict:
        return {}

    def metadata(self) -> dict:
        """This searcher's class and every search option in effect, defaults included (``options``,
        the parsed search_options of a built-in searcher; none for others): the Tuner writes them
        into metadata.json, so that a result can be traced to the settings that produced it."""
        options = dataclasses.asdict(self.options) if dataclasses.is_dataclass(self.options) else {}
        return {"searcher": type(self).__name__, "search_options": options}


class RandomSearcher(BaseSearcher):
    """Samples each hyperparameter from its domain; never repeats a config.

    ``search_options``: ``debug_log`` (default True) and ``allow_duplicates`` (default False).
    """

    def __init__(self, config_space: dict, metric: str, points_to_evaluate: list[dict] | None = None,
                 mode: str = "min", random_seed: int | None = None, **search_options):
        options = parse_search_options(RandomSearchOptions, search_options, "random")
        super().__init__(config_space, metric, points_to_evaluate, mode, random_seed, debug_log=options.debug_log,
                         allow_duplicates=options.allow_duplicates)
        self.options = options

    def _next_config(self, **kwargs) -> dict | None:
        return self.sample_random_config()
