import numpy as np
import pytest

from syne_tune.config_space import randint
from syne_tune.optimizer.scheduler import TrialScheduler, TrialSuggestion, metric_value_error


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


# --- metric values: what a report may carry ------------------------------------------------------

@pytest.mark.parametrize("value", [0.5, 3, float("nan"), float("inf"), -float("inf"), np.float32(0.1), np.int64(2)])
def test_real_numbers_are_valid_metric_values_finite_or_not(value):
    assert metric_value_error(3, {"loss": value, "epoch": 1}, "loss") is None


@pytest.mark.parametrize("value", ["0.5", None, True, [0.5], {"v": 1}, np.bool_(True)])
def test_other_values_get_a_message_naming_trial_metric_value_and_keys(value):
    message = metric_value_error(7, {"epoch": 2, "loss": value, "st_worker_time": 1.0}, "loss")
    assert message.startswith("Trial 7 reported loss=")
    assert "'loss'" in message and "real number" in message and "'epoch', 'loss'" in message
    assert "st_worker_time" not in message


def test_missing_metric_message_lists_the_reported_keys():
    message = metric_value_error(4, {"epoch": 2, "acc": 0.3}, "loss")
    assert message.startswith("Trial 4 reported {'acc': 0.3, 'epoch': 2} without 'loss'")
    assert "it reported 'epoch', 'acc'" in message
    assert "it reported no keys" in metric_value_error(4, {"st_worker_iter": 0}, "loss")


def test_huge_values_are_shortened_in_the_message():
    assert len(metric_value_error(1, {"loss": "x" * 10 ** 6}, "loss")) < 1000
    assert len(metric_value_error(1, {"other": list(range(10 ** 5))}, "loss")) < 1000
    assert len(metric_value_error(1, {f"k{i}": i for i in range(10 ** 4)}, "loss")) < 1000


# --- config_space constants --------------------------------------------------------------------

class _Opaque:
    pass


@pytest.mark.parametrize("constant", [_Opaque(), {1, 2}, print, b"bytes", [1, _Opaque()], {"a": {3}}])
def test_constants_that_are_not_json_are_rejected_by_name(constant):
    with pytest.raises(ValueError, match="constant 'note' in the 'config_space' argument of _Fixed"):
        _Fixed({"n": randint(1, 5), "note": constant})


@pytest.mark.parametrize("constant", [3, 0.5, "--lr=1", None, True, [1, "a"], {"a": [1.5]}, np.float64(2.0),
                                      np.int32(4), np.bool_(False)])
def test_json_constants_and_numpy_scalars_are_fine(constant):
    assert _Fixed({"n": randint(1, 5), "note": constant}).config_space["note"] is constant


def test_config_space_keys_must_be_strings():
    with pytest.raises(ValueError, match="config_space.*key 3"):
        _Fixed({3: randint(1, 5)})


# --- what every scheduler needs in a report (issue 20) --------------------------------------------

def _schedulers_and_their_needs():
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler
    from syne_tune.optimizer.schedulers.median_stopping_rule import MedianStoppingRule
    from syne_tune.optimizer.schedulers.multiobjective.moasha import MOASHA
    from syne_tune.optimizer.schedulers.pbt import PopulationBasedTraining
    from syne_tune.optimizer.schedulers.synchronous.hyperband import SynchronousHyperbandScheduler

    space = {"x": uniform(0, 1)}
    return [
        (FIFOScheduler(space, metric="loss"), ["FIFOScheduler(metric='loss')"]),
        (FIFOScheduler(space, metric=["a", "b"]), ["FIFOScheduler(metric='a')", "FIFOScheduler(metric='b')"]),
        (HyperbandScheduler(space, metric="loss", resource_attr="epochs_done", max_t=9),
         ["HyperbandScheduler(metric='loss')", "HyperbandScheduler(resource_attr='epochs_done')"]),
        (PopulationBasedTraining(space, metric="loss", resource_attr="step"),
         ["PopulationBasedTraining(metric='loss')", "PopulationBasedTraining(resource_attr='step')"]),
        (MOASHA(space, metric=["a", "b"], resource_attr="it", max_t=9),
         ["MOASHA(metric='a')", "MOASHA(metric='b')", "MOASHA(resource_attr='it')"]),
        (SynchronousHyperbandScheduler(space, metric="loss", resource_attr="it", max_t=9),
         ["SynchronousHyperbandScheduler(metric='loss')", "SynchronousHyperbandScheduler(resource_attr='it')"]),
        (MedianStoppingRule(FIFOScheduler(space, metric="loss"), resource_attr="t"),
         ["FIFOScheduler(metric='loss')", "MedianStoppingRule(resource_attr='t')"]),
    ]


def test_every_scheduler_declares_the_report_keys_it_needs_and_who_needs_them():
    for scheduler, needs in _schedulers_and_their_needs():
        assert [str(attribute) for attribute in scheduler.required_attributes()] == needs


def test_a_custom_scheduler_needs_its_metrics_by_default():
    assert [a.name for a in _Fixed({"n": randint(1, 5)}).required_attributes()] == ["loss"]
    assert not _Fixed({"n": randint(1, 5)}).is_trial_done(None)


def test_hyperband_and_moasha_say_a_trial_stopped_at_max_t_is_done():
    from syne_tune.backend.trial_status import Trial
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import HyperbandScheduler
    from syne_tune.optimizer.schedulers.multiobjective.moasha import MOASHA

    for scheduler, result in [
        (HyperbandScheduler({"x": uniform(0, 1)}, metric="loss", max_t=3, grace_period=2, reduction_factor=2,
                            random_seed=0),
         lambda e: {"epoch": e, "loss": 0.5}),
        (MOASHA({"x": uniform(0, 1)}, metric=["a", "b"], max_t=3, grace_period=2, reduction_factor=2, random_seed=0),
         lambda e: {"epoch": e, "a": 0.5, "b": 0.5}),
    ]:
        trial = Trial(0, scheduler.suggest(0).config)
        scheduler.on_trial_add(trial)
        for epoch in (1, 2):
            assert scheduler.on_trial_result(trial, result(epoch)) == "CONTINUE"
            assert not scheduler.is_trial_done(trial)
        assert scheduler.on_trial_result(trial, result(3)) == "STOP" and scheduler.is_trial_done(trial)
