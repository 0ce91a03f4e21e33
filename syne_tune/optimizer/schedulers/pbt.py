"""PopulationBasedTraining: exploit the best trials' checkpoints, explore around their configs.

Jaderberg et al. (2017), "Population Based Training of Neural Networks". Every
``perturbation_interval`` units of ``resource_attr`` a trial is ranked among the running
population; a trial in the bottom ``quantile_fraction`` is stopped and replaced by a new trial
that starts from the checkpoint of a trial in the top quantile, with that trial's config
perturbed or resampled (:func:`explore`). Each replacement is recorded: :meth:`lineage`.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from syne_tune._validation import check_int, check_number, check_str
from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import Categorical, Domain, FiniteRange, Float, Integer
from syne_tune.optimizer.scheduler import (
    RequiredAttribute, SchedulerDecision, TrialSuggestion, public_result,
)
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler

_OWNER = "PopulationBasedTraining"


@dataclass
class _Member:
    config: dict
    last_score: float | None = None  # signed metric at the last perturbation (higher is better)
    last_perturbation_time: float = 0.0
    resource: float = 0.0  # largest resource reported so far
    stopped: bool = False


@dataclass(frozen=True)
class LineageEntry:
    """Trial ``trial_id`` started from ``parent_trial_id``'s checkpoint; the parent had reported
    ``resource`` when the clone was decided (its checkpoint is at least that far)."""

    trial_id: int
    parent_trial_id: int
    resource: float
    timestamp: float  # time.time() when the exploit decision was taken
    config: dict
    parent_config: dict


def explore(config: dict, config_space: dict, resample_probability: float,
            random_state: np.random.RandomState) -> dict:
    """A perturbed copy of ``config`` (the original library's rule).

    Categorical values are resampled. Numeric values are resampled with ``resample_probability``,
    otherwise multiplied by 1.2 or 0.8 (equally likely), clipped to the domain and cast; a
    finrange moves to a neighbouring grid value instead.
    """
    new = dict(config)
    for name, domain in config_space.items():
        if not isinstance(domain, Domain) or name not in config:
            continue
        if isinstance(domain, Categorical) or random_state.uniform() < resample_probability \
                or not isinstance(domain, (Float, Integer, FiniteRange)):
            new[name] = domain.sample(random_state=random_state)
            continue
        up = random_state.uniform() > 0.5
        if isinstance(domain, FiniteRange):
            index = domain.index(config[name]) + (1 if up else -1)
            new[name] = domain.values[min(max(index, 0), domain.size - 1)]
            continue
        value = float(np.clip(config[name] * (1.2 if up else 0.8), domain.lower, domain.upper))
        new[name] = domain.cast(round(value) if isinstance(domain, Integer) else value)
    return new


class PopulationBasedTraining(FIFOScheduler):
    """Population-based training; accepts all FIFOScheduler arguments (``searcher`` must be 'random').

    Args:
        resource_attr: the resource in each report (e.g. 'epoch'); a trial's script must restore
            its checkpoint from ``st_checkpoint_dir`` and keep counting it.
        population_size: accepted as in the original library, which did not use it either: the
            population is the set of running trials, so it is the Tuner's ``n_workers``.
        perturbation_interval: resource units between two exploit/explore decisions of a trial.
        quantile_fraction: share of the population in the bottom (and top) group, in [0, 0.5].
        resample_probability: chance that :func:`explore` resamples a numeric value.
        custom_explore_fn: ``config -> config`` replacing :func:`explore`.
    """

    accepts_metric_list = False

    def __init__(self, config_space: dict, custom_explore_fn: Callable[[dict], dict] | None = None,
                 resource_attr: str = "time_total_s", population_size: int = 4,
                 perturbation_interval: float = 60.0, quantile_fraction: float = 0.25,
                 resample_probability: float = 0.25, **kwargs):
        if kwargs.get("searcher", "random") != "random":
            raise ValueError(f"The 'searcher' argument of {_OWNER} must be 'random'. Got {kwargs['searcher']!r}.")
        super().__init__(config_space, **kwargs)
        self.resource_attr = check_str(_OWNER, "resource_attr", resource_attr)
        self.population_size = check_int(_OWNER, "population_size", population_size, minimum=1)
        self.perturbation_interval = check_number(_OWNER, "perturbation_interval", perturbation_interval,
                                                  minimum=0.01, finite=True)
        self.quantile_fraction = check_number(_OWNER, "quantile_fraction", quantile_fraction, minimum=0, finite=True)
        if self.quantile_fraction > 0.5:
            raise ValueError(f"The 'quantile_fraction' argument of {_OWNER} must be in [0, 0.5]. "
                             f"Got {quantile_fraction!r}.")
        self.resample_probability = check_number(_OWNER, "resample_probability", resample_probability, minimum=0,
                                                 finite=True)
        if custom_explore_fn is not None and not callable(custom_explore_fn):
            raise TypeError(f"The 'custom_explore_fn' argument of {_OWNER} must be a function config -> config. "
                            f"Got {custom_explore_fn!r}.")
        self.custom_explore_fn = custom_explore_fn
        self._random_state = np.random.RandomState(self._next_seed())
        self._sign = 1.0 if self.mode == "max" else -1.0
        self._members: dict[int, _Member] = {}
        self._clones: list[tuple[int, dict, float, float]] = []  # (parent, config, resource, timestamp), FIFO
        self._lineage: dict[int, LineageEntry] = {}

    def _suggest(self, trial_id: int) -> TrialSuggestion | None:
        while self._clones:
            parent, config, resource, timestamp = self._clones.pop(0)
            if self.is_trial_done(Trial(trial_id=parent, config={})):
                continue  # the parent reached max_t meanwhile: its clone would have nothing left to do
            self._members[trial_id] = _Member(config, last_perturbation_time=resource, resource=resource)
            self._lineage[trial_id] = LineageEntry(trial_id, parent, resource, timestamp, dict(config),
                                                   dict(self._members[parent].config))
            return TrialSuggestion.start_suggestion(config, checkpoint_trial_id=parent)
        config = self.searcher.get_config(trial_id=str(trial_id))
        if config is None:
            return None
        self._members[trial_id] = _Member(config)
        return TrialSuggestion.start_suggestion(config)

    def on_trial_result(self, trial: Trial, result: dict) -> str:
        """CONTINUE, or STOP for a bottom-quantile trial (which a clone of a top one replaces)."""
        member = self._members.get(trial.trial_id)
        if member is None or member.stopped:
            return SchedulerDecision.STOP
        if self.resource_attr not in result:
            raise ValueError(f"Trial {trial.trial_id} reported {public_result(result)} without '{self.resource_attr}'"
                             f", the resource_attr of {_OWNER}. Include it in every reporter(...) call.")
        resource = float(result[self.resource_attr])
        member.resource = max(member.resource, resource)
        if self.max_t is not None and resource >= self.max_t:
            member.stopped = True  # its script ends here; it no longer competes
            return SchedulerDecision.CONTINUE if resource == self.max_t else SchedulerDecision.STOP
        if resource - member.last_perturbation_time < self.perturbation_interval:
            return SchedulerDecision.CONTINUE
        score = self._sign * float(result[self.metric])
        member.last_score = score if math.isfinite(score) else -math.inf  # non-finite: the worst
        member.last_perturbation_time = resource
        lower, upper = self._quantiles()
        if trial.trial_id not in lower:
            return SchedulerDecision.CONTINUE
        parent = upper[self._random_state.randint(len(upper))]
        member.stopped = True
        self._clones.append((parent, self._explore(self._members[parent].config), self._members[parent].resource,
                             time.time()))
        return SchedulerDecision.STOP

    def _quantiles(self) -> tuple[list[int], list[int]]:
        """Bottom and top ``k = min(ceil(n * quantile_fraction), n // 2)`` of the scored running trials."""
        scored = sorted((m.last_score, t) for t, m in self._members.items()
                        if m.last_score is not None and not m.stopped)
        if len(scored) < 2:
            return [], []
        k = min(math.ceil(len(scored) * self.quantile_fraction), len(scored) // 2)
        ids = [t for _, t in scored]
        return ids[:k], ids[len(ids) - k:]

    def _explore(self, config: dict) -> dict:
        if self.custom_explore_fn is not None:
            return dict(self.custom_explore_fn(dict(config)))
        return explore(config, self.config_space, self.resample_probability, self._random_state)

    def on_trial_complete(self, trial: Trial, result: dict) -> None:
        super().on_trial_complete(trial, result)
        self._end(trial.trial_id)

    def required_attributes(self) -> list[RequiredAttribute]:
        return super().required_attributes() + [RequiredAttribute(self.resource_attr, _OWNER, "resource_attr")]

    def is_trial_done(self, trial: Trial) -> bool:
        """True once the trial reported max_t (if set): its STOP past max_t means done."""
        member = self._members.get(trial.trial_id)
        return member is not None and self.max_t is not None and member.resource >= self.max_t

    def on_trial_error(self, trial: Trial) -> None:
        super().on_trial_error(trial)
        self._end(trial.trial_id)

    def on_trial_remove(self, trial: Trial) -> None:
        self._end(trial.trial_id)

    def _end(self, trial_id: int) -> None:
        if trial_id in self._members:
            self._members[trial_id].stopped = True

    def lineage(self) -> list[dict]:
        """One dict per cloned trial: trial_id, parent_trial_id, resource (the parent's, when cloned),
        timestamp, config and parent_config; ordered by trial id."""
        return [asdict(self._lineage[t]) for t in sorted(self._lineage)]

    def ancestry(self, trial_id: int) -> list[int]:
        """``trial_id``, its parent, the parent's parent, ... back to a trial started from scratch."""
        chain = [trial_id]
        while chain[-1] in self._lineage:
            chain.append(self._lineage[chain[-1]].parent_trial_id)
        return chain
