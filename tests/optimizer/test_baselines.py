"""Every baseline gets the construction checks of the scheduler base class and the searchers."""
import pytest

from syne_tune.config_space import uniform
from syne_tune.optimizer.baselines import baselines_dict

SPACE = {"lr": uniform(1e-4, 1e-1), "epochs": 9}


def _build(cls, **kwargs):
    space = kwargs.pop("config_space", SPACE)
    extra = {"resource_attr": "epoch"} if "resource_attr" in cls.__init__.__code__.co_varnames else {}
    return cls(space, metric="loss", random_seed=0, **extra, **kwargs)


@pytest.mark.parametrize("name", sorted(baselines_dict))
def test_non_json_constant_is_rejected_by_name(name):
    with pytest.raises(ValueError, match="constant 'device'"):
        _build(baselines_dict[name], config_space={**SPACE, "device": object()})


@pytest.mark.parametrize("name", sorted(baselines_dict))
def test_unknown_points_to_evaluate_key_is_rejected(name):
    with pytest.raises(ValueError, match="unknown key 'lrr'. Did you mean 'lr'"):
        _build(baselines_dict[name], points_to_evaluate=[{"lrr": 0.01}])


@pytest.mark.parametrize("name", sorted(baselines_dict))
def test_baselines_build_with_good_arguments(name):
    scheduler = _build(baselines_dict[name], points_to_evaluate=[{"lr": 0.01}])
    assert scheduler.suggest(0).config == {"lr": 0.01, "epochs": 9}
