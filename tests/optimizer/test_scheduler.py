import pytest

from syne_tune.config_space import randint
from syne_tune.optimizer.scheduler import TrialScheduler, TrialSuggestion


class _Fixed(TrialScheduler):
    def _suggest(self, trial_id):
        return TrialSuggestion.start_suggestion({"n": 2.7, "unknown": 1})

    def metric_names(self):
        return ["loss"]


def test_suggest_adds_constants_casts_and_drops_unknown_keys():
    suggestion = _Fixed({"n": randint(1, 5), "epochs": 4}).suggest(0)
    assert suggestion.config == {"n": 3, "epochs": 4}


def test_trial_suggestion_validation():
    with pytest.raises(ValueError, match="config"):
        TrialSuggestion(spawn_new_trial_id=True)
    with pytest.raises(ValueError, match="checkpoint_trial_id"):
        TrialSuggestion(spawn_new_trial_id=False)
    assert TrialSuggestion.resume_suggestion(3).checkpoint_trial_id == 3


def test_config_space_must_be_a_dict():
    with pytest.raises(TypeError, match="config_space"):
        _Fixed([1, 2])
