"""The scheduler interface the Tuner talks to: suggestions in, decisions out."""
from __future__ import annotations

from dataclasses import dataclass

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import cast_config_values


class SchedulerDecision:
    """What to do with a running trial after it reported a result."""

    CONTINUE = "CONTINUE"
    PAUSE = "PAUSE"
    STOP = "STOP"


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
        if not isinstance(config_space, dict):
            raise TypeError(f"The 'config_space' argument of {type(self).__name__} must be a dict. "
                            f"Got {type(config_space).__name__}.")
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
        """A trial reported ``result``; returns a :class:`SchedulerDecision`."""
        return SchedulerDecision.CONTINUE

    def on_trial_complete(self, trial: Trial, result: dict) -> None:
        """A trial ran to its end; ``result`` is its last report."""

    def on_trial_remove(self, trial: Trial) -> None:
        """A trial was stopped or paused by this scheduler's decision."""

    def metric_names(self) -> list[str]:
        raise NotImplementedError

    def metric_mode(self) -> str:
        return "min"
