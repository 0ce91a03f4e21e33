"""BORE's searcher: labels, the numpy classifier, the level ASHABORE trains on, acquisition optimizers,
the classifiers of the 'bore' extra, and BORE / ASHABORE end to end through the Tuner in simulated time."""
import importlib.util

import numpy as np
import pytest

from benchmarking import comparison as compare_methods
from benchmarking.methods import METHODS
from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import choice, randint, uniform
from syne_tune.optimizer.baselines import ASHABORE, BORE
from syne_tune.optimizer.schedulers.searchers.bore import Bore, good_labels
from syne_tune.optimizer.schedulers.searchers.bore_classifiers import NumpyMLPClassifier

SPACE = {"x": uniform(0, 1), "y": uniform(0, 1), "act": choice(["relu", "tanh", "elu"])}
HAS_SKLEARN = importlib.util.find_spec("sklearn") is not None


def loss_of(config: dict) -> float:
    return (config["x"] - 0.3) ** 2 + (config["y"] - 0.7) ** 2 + (0.0 if config["act"] == "tanh" else 0.2)


def feed(searcher: Bore, n: int, value=loss_of) -> list[dict]:
    configs, start = [], searcher.dataset_size()
    for t in range(start, start + n):
        config = searcher.get_config(trial_id=str(t))
        searcher.on_trial_result(str(t), config, {searcher.metric: value(config)}, update=True)
        configs.append(config)
    return configs


def test_labels_are_the_losses_strictly_below_the_gamma_quantile():
    losses = np.array([5.0, 1.0, 3.0, 2.0, 4.0, 0.0, 6.0, 7.0])
    assert good_labels(losses, 0.25).tolist() == [0, 1, 0, 0, 0, 1, 0, 0]


def test_numpy_mlp_separates_a_region_and_is_deterministic_given_its_seed():
    X = np.random.RandomState(0).uniform(size=(200, 2))
    z = ((X[:, 0] - 0.3) ** 2 + (X[:, 1] - 0.7) ** 2 < 0.05).astype(int)  # a disc: not linearly separable
    p = NumpyMLPClassifier(random_state=np.random.RandomState(1)).fit(X, z).probability_of_good(X)
    assert np.mean((p > 0.5) == z) > 0.95
    q = NumpyMLPClassifier(random_state=np.random.RandomState(1)).fit(X, z).probability_of_good(X)
    np.testing.assert_array_equal(p, q)


def test_random_until_init_random_then_proposals_concentrate_on_good_configs():
    searcher = Bore(SPACE, "loss", points_to_evaluate=[], random_seed=0, init_random=10, debug_log=False)
    feed(searcher, 9)
    assert searcher.training_data() is None
    feed(searcher, 1)
    X, z = searcher.training_data()
    assert X.shape[0] == 10 and 0 < z.sum() < 10
    later = feed(searcher, 30)[-10:]
    assert np.median([loss_of(c) for c in later]) < 0.15  # random configs: median about 0.3


def test_max_mode_labels_the_largest_values_good():
    scheduler = BORE(SPACE, metric="acc", mode="max", random_seed=0, points_to_evaluate=[])
    searcher = scheduler.searcher
    assert searcher.mode == "max"  # the original's BORE ignored the scheduler's mode
    feed(searcher, 8, value=lambda c: c["x"])
    X, z = searcher.training_data()
    values = [loss for _, loss in searcher._data.values()]
    assert all(v <= 0 for v in values)  # accuracies in [0, 1], stored as losses: negated
    assert sorted(np.array(values)[z == 1]) == sorted(values)[:int(z.sum())]  # good = lowest sign-flipped = largest


def test_search_options_mode_must_agree_with_the_scheduler_mode():
    BORE(SPACE, metric="acc", mode="max", search_options={"mode": "max"})
    with pytest.raises(ValueError, match="mode='min' and search_options mode='max'"):
        BORE(SPACE, metric="acc", search_options={"mode": "max"})


def test_multi_fidelity_trains_on_the_highest_level_with_enough_results():
    searcher = Bore(SPACE, "loss", points_to_evaluate=[], random_seed=0, resource_attr="epoch", max_t=9,
                    debug_log=False, min_level_data=4)  # the original's int(1 / gamma)
    assert searcher.acq_optimizer == "rs_with_replacement"
    rng = np.random.RandomState(0)
    for t in range(10):
        config = {"x": rng.uniform(), "y": rng.uniform(), "act": "relu"}
        levels = [1, 3] if t < 4 else [1]
        levels += [9] if t < 3 else []
        for level in levels:
            searcher.on_trial_result(str(t), config, {"loss": loss_of(config) + 1.0 / level, "epoch": level},
                                     update=True)
    X, z = searcher.training_data()
    assert X.shape[0] == 4  # level 9 has 3 < 4 results; level 3 has 4
    default = Bore(SPACE, "loss", points_to_evaluate=[], random_seed=0, resource_attr="epoch", max_t=9)
    default._data = dict(searcher._data)
    assert default.training_data()[0].shape[0] == 10  # needs 2 * (3 + 1) = 8: only level 1 has enough


@pytest.mark.parametrize("acq_optimizer", ["rs", "rs_with_replacement", "de"])
def test_acquisition_optimizers_propose_new_valid_configs(acq_optimizer):
    searcher = Bore(SPACE, "loss", points_to_evaluate=[], random_seed=1, acq_optimizer=acq_optimizer,
                    feval_acq=100, debug_log=False)
    configs = feed(searcher, 15)
    keys = {searcher.match_string(c) for c in configs}
    assert len(keys) == 15 and all(SPACE[k].is_valid(v) for c in configs for k, v in c.items())


@pytest.mark.parametrize("options, match", [
    ({"gamma": 1.5}, "'gamma' argument .* must be a number in \\(0, 1\\)"),
    ({"classifier": "svm"}, "'classifier' argument .* must be one of 'numpy_mlp'"),
    ({"acq_optimizer": "lbfgs"}, "'acq_optimizer'"),
    ({"gama": 0.2}, "Did you mean 'gamma'"),
    ({"classifier_kwargs": {"hidden_unit": 8}}, "Did you mean 'hidden_units'"),
])
def test_bad_options_are_named(options, match):
    with pytest.raises(ValueError, match=match):
        BORE(SPACE, metric="loss", search_options=options)


@pytest.mark.skipif(importlib.util.find_spec("xgboost") is not None, reason="xgboost is installed")
def test_missing_package_names_the_extra():
    with pytest.raises(ImportError, match=r"classifier='xgboost' needs xgboost.*syne-tune\[bore\]"):
        BORE(SPACE, metric="loss", search_options={"classifier": "xgboost"})


@pytest.mark.skipif(not HAS_SKLEARN, reason="needs the 'bore' extra (scikit-learn)")
@pytest.mark.parametrize("options", [{"classifier": "logreg"}, {"classifier": "rf"}, {"classifier": "mlp",
                                     "classifier_kwargs": {"max_iter": 50}}, {"calibrate": True}])
def test_classifiers_of_the_extra_and_calibration(options):
    searcher = Bore(SPACE, "loss", points_to_evaluate=[], random_seed=0, feval_acq=50, init_random=8,
                    debug_log=False, **options)
    configs = feed(searcher, 12)
    assert len({searcher.match_string(c) for c in configs}) == 12


def _blackbox():
    def evaluate(config, epoch, seed):
        return {"loss": loss_of(config) + 0.5 / epoch, "elapsed_time": 1.0 * epoch}

    return from_function(SPACE, evaluate, fidelity_space={"epoch": randint(1, 9)},
                         objectives_names=["loss", "elapsed_time"], fidelity_values=list(range(1, 10)))


def test_bore_and_ashabore_with_the_original_spelling_through_the_tuner():
    for make in (lambda space: BORE(space, metric="loss", random_seed=3, search_options={"feval_acq": 100}),
                 lambda space: ASHABORE(space, metric="loss", resource_attr="epoch", random_seed=3,
                                        max_resource_attr="epochs", search_options={"feval_acq": 100})):
        scheduler = make({**SPACE, "epochs": 9})
        backend = UserBlackboxBackend(_blackbox(), elapsed_time_attr="elapsed_time", max_resource_attr="epochs")
        tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=60), n_workers=4, progress="off")
        tuner.run()
        trial_id, best = tuner.best_trial()
        assert best < 0.3 and scheduler.searcher.dataset_size() > scheduler.searcher.options.init_random


@pytest.mark.parametrize("name", ["BORE", "ASHABORE"])
def test_methods_rows_run_in_simulated_time(name):
    result = compare_methods.run_one(name, METHODS[name], "synthetic-mf",
                                     compare_methods.SIMULATED_BENCHMARKS["synthetic-mf"], 0, 150.0)
    assert result.error is None and result.num_trials >= 8 and np.isfinite(result.best[-1])
