"""The scheduler interface the Tuner talks to: suggestions in, decisions out.

Also the rules every scheduler shares about its inputs: which metric values a report may
carry (:func:`metric_value_error`) and which constants a config space may hold.
"""
from __future__ import annotations

import numbers
import reprlib
from dataclasses import dataclass

from syne_tune import json_values
from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import Domain, cast_config_values

_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict = 80, 80, 8, 12


def metric_value_error(trial_id: int, result: dict, metric: str) -> str | None:
    """Why ``result[metric]`` cannot be used, or None if it is a real number.

    NaN and +-inf are real numbers here: schedulers treat them as the worst value. Missing
    keys, strings, None, bools, lists and the like are errors; the message names the trial,
    the metric and the keys it did report. A report is checked once, where it enters: the Tuner
    fails such a trial with this message, ``AskTellScheduler.tell`` raises it; schedulers can
    rely on the metrics of the reports they are given.
    """
    value = result.get(metric)
    if type(value) is float or (isinstance(value, numbers.Real) and not isinstance(value, bool)):
        return None  # checked first: this runs for every report
    keys = [k for k in result if not str(k).startswith("st_")]
    reported = ", ".join(_SHORT.repr(k) for k in keys[:20]) + (", ..." if len(keys) > 20 else "") or "no keys"
    if metric not in result:
        return (f"Trial {trial_id} reported {_SHORT.repr(public_result(result))} without '{metric}', the metric "
                f"this scheduler optimizes (it reported {reported}). Include it in every reporter(...) call.")
    return (f"Trial {trial_id} reported {metric}={_SHORT.repr(value)} (a {type(value).__name__}), but '{metric}', "
            f"the metric this scheduler optimizes, must be a real number (NaN and inf count as the worst value); "
            f"it reported {reported}. Report a float, e.g. reporter({metric}=float(...)).")


def check_metric_reported(trial: Trial, result: dict, metric: str) -> None:
    """Raises the ValueError of :func:`metric_value_error` if ``result[metric]`` is not a real number."""
    error = metric_value_error(trial.trial_id, result, metric)
    if error is not None:
        raise ValueError(error)


def public_result(result: dict) -> dict:
    """``result`` without the keys the reporter and tuner add (``st_*``), for messages."""
    return {k: v for k, v in result.items() if not str(k).startswith("st_")}


def check_config_space(owner: str, config_space) -> None:
    """``config_space`` is a dict with string keys whose constants are JSON-serialisable.

    Constants reach every trial's command line and the results; an object, a set or a
    function there would fail only later, per trial, or be recorded wrongly. Numpy scalars, arrays
    and lists/dicts of JSON values are fine; Domains are checked by their constructors.
    """
    if not isinstance(config_space, dict):
        raise TypeError(f"The 'config_space' argument of {owner} must be a dict. Got {type(config_space).__name__}.")
    for name, value in config_space.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"The 'config_space' argument of {owner} must have non-empty string keys. "
                             f"Got the key {name!r}.")
        if isinstance(value, Domain):
            continue
        try:
            json_values.dumps(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"The constant '{name}' in the 'config_space' argument of {owner} must be JSON-serialisable (a "
                f"number, string, bool, None, or a list or dict of them), because every trial receives it and the "
                f"results record it. Got {_SHORT.repr(value)} (a {type(value).__name__}). Pass a plain value, or "
                f"a string the training script decodes.") from None


class SchedulerDecision:
    """What to do with a running trial after it reported a result."""

    CONTINUE = "CONTINUE"
    PAUSE = "PAUSE"
    STOP = "STOP"


@dataclass(frozen=True)
class RequiredAttribute:
    """A key every report must hold because a scheduler needs it, and who needs it.

    ``needed_by`` and ``argument`` name the scheduler and the constructor argument that
    holds the key, for messages such as "HyperbandScheduler(resource_attr='epoch')".
    """

    name: str
    needed_by: str
    argument: str

    def __str__(self) -> str:
        return f"{self.needed_by}({self.argument}={self.name!r})"


@dataclass
class TrialSuggestion:
    """Either start a new trial with ``config`` or resume the paused ``checkpoint_trial_id``.

    A new trial may also start from another trial's checkpoint (``checkpoint_trial_id``).
    """

    spawn_new_trial_id: bool = True
    checkpoint_trial_id: int | None = None
    config: dict | None = None

    def __post_init__(self):
        if self.spawn_new_trial_id and self.config is None:
            raise ValueError("A TrialSuggestion that starts a new trial needs a config.")
        if not self.spawn_new_trial_id and self.checkpoint_trial_id is None:
            raise ValueError("A TrialSuggestion that resumes a trial needs its checkpoint_trial_id.")

    @staticmethod
    def start_suggestion(config: dict, checkpoint_trial_id: int | None = None) -> "TrialSuggestion":
        return TrialSuggestion(spawn_new_trial_id=True, config=config, checkpoint_trial_id=checkpoint_trial_id)

    @staticmethod
    def resume_suggestion(trial_id: int, config: dict | None = None) -> "TrialSuggestion":
        return TrialSuggestion(spawn_new_trial_id=False, config=config, checkpoint_trial_id=trial_id)


class TrialScheduler:
    """Base class of all schedulers.

    Subclasses implement ``_suggest`` and ``metric_names``, and override the ``on_trial_*``
    hooks they care about. ``suggest`` completes configs with the constants of
    ``config_space`` and casts values to their domains.
    """

    def __init__(self, config_space: dict):
        check_config_space(type(self).__name__, config_space)
        self.config_space = config_space

    def suggest(self, trial_id: int) -> TrialSuggestion | None:
        """Next trial to start or resume, or None when the search space is exhausted."""
        suggestion = self._suggest(trial_id)
        if suggestion is not None and suggestion.config is not None:
            suggestion.config = self._postprocess_config(suggestion.config)
        return suggestion

    def _suggest(self, trial_id: int) -> TrialSuggestion | None:
        raise NotImplementedError

    def _postprocess_config(self, config: dict) -> dict:
        full = dict(self.config_space)
        full.update(cast_config_values(config, self.config_space))
        return full

    def on_trial_add(self, trial: Trial) -> None:
        """A trial was started by the backend."""

    def on_trial_error(self, trial: Trial) -> None:
        """A trial failed."""

    def on_trial_result(self, trial: Trial, result: dict) -> str:
        """A running trial reported ``result``; returns a :class:`SchedulerDecision`."""
        return SchedulerDecision.CONTINUE

    def on_trial_late_result(self, trial: Trial, result: dict, paused: bool) -> bool:
        """A report ``trial`` printed after this scheduler's PAUSE (``paused``) or STOP ended it and
        before its process ended (a "late report"); the Tuner hands them over in order, once it
        carried out the decision. The scheduler may learn from it (the trial trained on).

        Returns True if the report finishes the trial (e.g. it reached ``max_t``): it ends
        Completed (a paused trial is never resumed). The default ignores late reports.
        """
        return False

    def on_trial_complete(self, trial: Trial, result: dict) -> None:
        """A trial ran to its end; ``result`` is its last report."""

    def on_trial_remove(self, trial: Trial) -> None:
        """A trial was stopped or paused by this scheduler's decision."""

    def metric_names(self) -> list[str]:
        raise NotImplementedError

    def required_attributes(self) -> list[RequiredAttribute]:
        """The keys every report must hold for this scheduler: its metrics, and e.g. the resource.

        The Tuner stops the experiment with an error naming the key if the first reports of the
        first trials never held it (see :mod:`syne_tune.report_check`). Schedulers that read
        more keys than their metrics add them to this list.
        """
        return [RequiredAttribute(name, type(self).__name__, "metric") for name in self.metric_names()]

    def is_trial_done(self, trial: Trial) -> bool:
        """Whether ``trial`` has done all the work this scheduler gives a trial (e.g. it reached max_t).

        Asked after a STOP decision: True means that STOP says "done", so the Tuner records the
        trial Completed rather than Stopped. The default: a STOP always means stopped early.
        """
        return False

    def metric_mode(self) -> str:
        return "min"

    def metadata(self) -> dict:
        """Settings to record in the experiment's metadata.json besides what the Tuner records
        (scheduler name, metrics, config space): e.g. the searcher and its search options, so that
        a result can be traced to the settings that produced it. JSON-serializable values."""
        return {}
