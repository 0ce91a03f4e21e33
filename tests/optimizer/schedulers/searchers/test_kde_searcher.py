"""KDE searcher (BOHB's model): proposals concentrate on the good region; mixed spaces; options."""
import math

import numpy as np
import pytest

from syne_tune.config_space import choice, loguniform, randint, uniform
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler
from syne_tune.optimizer.schedulers.searchers import kde
from syne_tune.optimizer.schedulers.searchers.kde_searcher import KernelDensityEstimator
from syne_tune.optimizer.schedulers.synchronous import SynchronousHyperbandScheduler

SPACE = {"x": uniform(0.0, 1.0), "n": randint(1, 20), "act": choice(["relu", "tanh", "elu"]),
         "lr": loguniform(1e-4, 1e-1)}


def toy(config):
    """Minimum near x=0.8, act='tanh', lr=1e-2; n matters little."""
    penalty = 0.0 if config["act"] == "tanh" else 0.5
    return (config["x"] - 0.8) ** 2 + penalty + 0.1 * (math.log10(config["lr"]) + 2) ** 2 + 0.001 * config["n"]


def _run(searcher, num):
    proposals = []
    for i in range(num):
        config = searcher.get_config(trial_id=str(i))
        proposals.append(config)
        searcher.on_trial_result(str(i), config, {"loss": toy(config)}, update=True)
    return proposals


def test_proposals_concentrate_on_the_good_region():
    searcher = KernelDensityEstimator(SPACE, metric="loss", random_seed=3, points_to_evaluate=[],
                                      random_fraction=0.0)
    proposals = _run(searcher, 120)
    early, late = proposals[:30], proposals[-40:]   # early: mostly random (no model below ~30 points)
    assert searcher.model_parameters()["num_good"] >= 5
    late_good = np.mean([c["act"] == "tanh" and abs(c["x"] - 0.8) < 0.2 for c in late])
    early_good = np.mean([c["act"] == "tanh" and abs(c["x"] - 0.8) < 0.2 for c in early])
    assert late_good > 0.6 and late_good > early_good + 0.3
    assert np.median([toy(c) for c in late]) < 0.5 * np.median([toy(c) for c in early])


def test_random_proposals_without_a_model_and_max_mode():
    searcher = KernelDensityEstimator({"x": uniform(0, 1)}, metric="acc", mode="max", random_seed=0,
                                      points_to_evaluate=[], num_min_data_points=1)
    xs = []
    for i in range(80):
        config = searcher.get_config(trial_id=str(i))
        xs.append(config["x"])
        # NaN near the optimum: the worst value, so the model must not learn that region is good
        value = math.nan if abs(config["x"] - 0.2) < 0.02 else 1.0 - abs(config["x"] - 0.2)
        searcher.on_trial_result(str(i), config, {"acc": value}, update=True)
        if i == 12:
            assert searcher.model_parameters() == {}  # n_good = 1 is not more than d = 1: no model yet
    assert np.median(np.abs(np.array(xs[-30:]) - 0.2)) < 0.1 < np.median(np.abs(np.array(xs[:13]) - 0.2))


def test_multi_fidelity_model_uses_the_highest_level_with_enough_data():
    searcher = KernelDensityEstimator({"x": uniform(0, 1)}, metric="loss", resource_attr="epoch", random_seed=0,
                                      points_to_evaluate=[], random_fraction=0.0, num_min_data_points=1)
    rng = np.random.RandomState(0)
    for i in range(30):  # epoch 1: best near 0.1
        x = rng.uniform()
        searcher.on_trial_result(str(i), {"x": x}, {"loss": abs(x - 0.1), "epoch": 1}, update=True)
    for i in range(5):  # epoch 3: too few to fit
        x = rng.uniform()
        searcher.on_trial_result(str(i), {"x": x}, {"loss": abs(x - 0.9), "epoch": 3}, update=True)
    assert searcher.model_parameters()["num_good"] + searcher.model_parameters()["num_bad"] == 30
    for i in range(30, 45):  # now epoch 3 has enough data and best near 0.9: it wins
        x = rng.uniform()
        searcher.on_trial_result(str(i), {"x": x}, {"loss": abs(x - 0.9), "epoch": 3}, update=True)
    assert searcher.model_parameters()["num_good"] + searcher.model_parameters()["num_bad"] == 20
    xs = [searcher.get_config(trial_id=str(100 + i))["x"] for i in range(20)]
    assert np.median(np.abs(np.array(xs) - 0.9)) < 0.15


def test_density_kernels():
    Z = np.array([[0.5, 0.0], [0.5, 1.0]])
    sizes = np.array([0, 2])
    bw = np.array([0.1, 0.2])
    values = kde.density(np.array([[0.5, 0.0], [0.9, 0.0]]), Z, sizes, bw)
    gauss = 1.0 / (math.sqrt(2 * math.pi) * 0.1)
    assert values[0] == pytest.approx(gauss * (0.8 + 0.2) / 2)
    assert values[1] == pytest.approx(gauss * math.exp(-8.0) * (0.8 + 0.2) / 2)
    bw = kde.normal_reference_bandwidths(np.array([[0.1, 0], [0.1, 0]]), sizes, 1e-3)
    assert bw.tolist() == [1e-3, 1e-3]


@pytest.mark.parametrize("build", [
    lambda: FIFOScheduler(SPACE, searcher="kde", metric="loss", random_seed=0),
    lambda: HyperbandScheduler({**SPACE, "epochs": 9}, searcher="kde", metric="loss", resource_attr="epoch",
                               random_seed=0),
    lambda: SynchronousHyperbandScheduler({**SPACE, "epochs": 9}, searcher="kde", metric="loss",
                                          resource_attr="epoch", random_seed=0),
])
def test_kde_with_every_scheduler(build):
    scheduler = build()
    assert isinstance(scheduler.searcher, KernelDensityEstimator)
    assert scheduler.suggest(0) is not None


def test_search_options_are_checked_by_name():
    with pytest.raises(ValueError, match="random_fraction"):
        KernelDensityEstimator(SPACE, metric="loss", random_fraction=1.5)
    with pytest.raises(ValueError, match="num_min_data_points"):
        KernelDensityEstimator(SPACE, metric="loss", num_min_data_points=2)
    with pytest.raises(ValueError, match="top_n_percnt"):
        FIFOScheduler(SPACE, searcher="kde", metric="loss", search_options={"top_n_percnt": 10})
