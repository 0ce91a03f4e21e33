"""The original 0.13 release's config-space names: ordinal, logordinal, config_space_size and the
JSON dict round trip, with the original's examples; and ordinals tuned end to end by a Tuner."""
from __future__ import annotations

import json

import numpy as np
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend import SimulatorBackend
from syne_tune.config_space import (
    Categorical, Ordinal, OrdinalNearestNeighbor, add_to_argparse, choice, config_space_from_json_dict,
    config_space_size, config_space_to_json_dict, default_value, finrange, from_dict, logfinrange, logordinal,
    lograndint, loguniform, ordinal, randint, randn, uniform,
)
from syne_tune.optimizer.schedulers import FIFOScheduler


# --- ordinal / logordinal ----------------------------------------------------------------------

def test_ordinal_kind_defaults_to_nn_for_increasing_numbers_else_equal():
    assert type(ordinal([1, 2, 4, 8])) is OrdinalNearestNeighbor
    assert type(ordinal([0.1, 0.5, 2.0])) is OrdinalNearestNeighbor
    for categories in ([3, 2, 1], [1], ["s", "m", "l"], [1, "a"], [False, True]):
        assert type(ordinal(categories)) is Ordinal, categories
    assert isinstance(ordinal(["s", "m"]), Categorical)  # sampled like choice, usable wherever choice is


def test_ordinal_reprs_and_kinds_as_the_original_prints_them():
    assert repr(ordinal([1, 2, 4, 8])) == "ordinal([1, 2, 4, 8], kind='nn')"
    assert repr(ordinal([1, 2, 4, 8], kind="equal")) == "ordinal([1, 2, 4, 8], kind='equal')"
    assert repr(ordinal([1, 2, 4, 8], kind="nn-log")) == "logordinal([1, 2, 4, 8])"
    assert repr(logordinal([1, 2, 4, 8])) == "logordinal([1, 2, 4, 8])"
    assert ordinal([1, 2, 4, 8], kind="nn-log") == logordinal([1, 2, 4, 8])
    assert ordinal([1, 2, 4], kind="nn") != logordinal([1, 2, 4])


@pytest.mark.parametrize("make, message", [
    (lambda: ordinal([1, 2], kind="linear"), "'kind' argument of ordinal"),
    (lambda: ordinal([False, True], kind="nn"), "strictly increasing"),
    (lambda: ordinal([1, 3, 2], kind="nn"), "strictly increasing"),
    (lambda: logordinal([0, 1, 2]), "positive"),
    (lambda: ordinal([]), "non-empty list"),
])
def test_invalid_ordinals_raise_naming_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_nearest_neighbour_cast_snaps_to_the_first_on_ties():
    domain = ordinal([1, 2, 4, 8])
    assert domain.cast(6.0) == 4 and domain.cast(6.1) == 8 and domain.cast(-3) == 1 and domain.cast("7") == 8
    assert logordinal([1, 2, 4, 8]).cast(5.0) == 4 and logordinal([1, 2, 4, 8]).cast(6.0) == 8  # sqrt(32) = 5.66
    assert domain.get_sampler() is None
    with pytest.raises(ValueError):
        domain.set_sampler(None)


def test_nearest_neighbour_samples_the_padded_interval_so_wide_gaps_get_more_mass():
    domain = ordinal([1, 2, 4, 8])
    assert domain.scaled_interval == pytest.approx((-1 / 6, 9 + 1 / 6))
    draws = domain.sample(size=6000, random_state=np.random.RandomState(0))
    assert set(draws) == {1, 2, 4, 8} and all(type(v) is int for v in draws)
    share = {v: draws.count(v) / len(draws) for v in (1, 2, 4, 8)}
    # Voronoi cells in [-1/6, 55/6]: 1 -> 1.667, 2 -> 1.5, 4 -> 3, 8 -> 3.167 (of 9.333)
    assert share == pytest.approx({1: 1.667 / 9.333, 2: 1.5 / 9.333, 4: 3 / 9.333, 8: 3.167 / 9.333}, abs=0.03)
    log_draws = logordinal([1, 2, 4, 8]).sample(size=4000, random_state=np.random.RandomState(0))
    assert all(abs(log_draws.count(v) / 4000 - 0.25) < 0.03 for v in (1, 2, 4, 8))  # equal gaps in log


def test_equal_ordinal_samples_like_choice():
    draws = ordinal(["s", "m", "l", "xl"]).sample(size=4000, random_state=np.random.RandomState(1))
    assert all(abs(draws.count(v) / 4000 - 0.25) < 0.03 for v in ("s", "m", "l", "xl"))


def test_midpoint_of_ordinals_as_the_original():
    assert default_value(ordinal(["s", "m", "l", "xl"])) == "l"
    assert default_value(ordinal([1, 2, 4, 8])) == 4       # 4.5 -> 4
    assert default_value(logordinal([1, 10, 20, 100])) == 10  # sqrt(100); the linear middle 50.5 would give 20
    assert default_value(logordinal([1, 2, 4, 8, 16])) == 4
    assert default_value(choice(["s", "m", "l"])) == "s"


def test_ordinals_parse_from_the_command_line():
    import argparse
    parser = argparse.ArgumentParser()
    add_to_argparse(parser, {"size": ordinal(["s", "m"]), "batch": logordinal([16, 32, 64]),
                             "rate": ordinal([0.1, 0.5])})
    args = parser.parse_args(["--size", "m", "--batch", "32", "--rate", "0.5"])
    assert (args.size, args.batch, args.rate) == ("m", 32, 0.5)


# --- config_space_size -------------------------------------------------------------------------

def test_config_space_size_is_exact_for_finite_spaces():
    space = {"a": choice(["x", "y", "z"]), "b": randint(1, 4), "c": finrange(0, 1, 5), "d": ordinal([1, 2, 4]),
             "e": logordinal([1, 10]), "f": ordinal(["s", "m", "l", "xl"], kind="equal"), "g": uniform(0.5, 0.5),
             "const": 7, "name": "run"}
    assert config_space_size(space) == 3 * 4 * 5 * 3 * 2 * 4 * 1
    assert config_space_size({"k": 5}) == 1
    assert config_space_size(space, upper_limit=100) is None            # 1440 > 100
    assert config_space_size(space, upper_limit=1440) == 1440


@pytest.mark.parametrize("domain", [uniform(0, 1), loguniform(1e-3, 1), randn(0, 1)])
def test_config_space_size_is_none_with_a_continuous_domain(domain):
    assert config_space_size({"a": choice([1, 2]), "x": domain}) is None


# --- JSON round trip ---------------------------------------------------------------------------

EVERY_DOMAIN = {
    "uniform": uniform(0.0, 1.0), "loguniform": loguniform(1e-4, 1e-1), "randint": randint(1, 100),
    "lograndint": lograndint(2, 512), "choice": choice(["relu", "tanh", "elu"]), "finrange": finrange(0.1, 0.5, 5),
    "logfinrange": logfinrange(1, 1000, 4, cast_int=True), "ordinal_equal": ordinal(["s", "m", "l"], kind="equal"),
    "ordinal_nn": ordinal([1, 2, 4, 8]), "ordinal_float": ordinal([0.1, 0.2, 0.7]),
    "logordinal": logordinal([16, 32, 64, 128]), "randn": randn(1.0, 2.0),
    "epochs": 27, "dataset": "cifar10", "flag": True, "nothing": None,
}


def test_json_round_trip_preserves_every_domain_and_constant():
    text = json.dumps(config_space_to_json_dict(EVERY_DOMAIN))
    restored = config_space_from_json_dict(json.loads(text))
    assert list(restored) == list(EVERY_DOMAIN)
    for name, value in EVERY_DOMAIN.items():
        assert type(restored[name]) is type(value) and restored[name] == value, name
        assert repr(restored[name]) == repr(value), name
    assert restored["logordinal"].log_scale and not restored["ordinal_nn"].log_scale
    assert config_space_size(restored) is None
    rs1, rs2 = np.random.RandomState(3), np.random.RandomState(3)
    assert [restored["logordinal"].sample(random_state=rs1) for _ in range(20)] == \
        [EVERY_DOMAIN["logordinal"].sample(random_state=rs2) for _ in range(20)]


def test_json_dict_uses_the_original_keys():
    described = config_space_to_json_dict({"lr": loguniform(1e-3, 1.0), "bs": logordinal([16, 32]), "k": 3})
    assert described["k"] == 3
    assert described["lr"]["domain_cls"] == "Float"
    assert described["lr"]["domain_kwargs"]["lower"] == 1e-3 and described["lr"]["domain_kwargs"]["upper"] == 1.0
    assert described["bs"] == {"domain_cls": "OrdinalNearestNeighbor",
                               "domain_kwargs": {"categories": [16, 32], "log_scale": True}}


def test_json_dict_written_by_the_original_is_read():
    original = {
        "lr": {"domain_cls": "Float", "domain_kwargs": {"lower": 0.001, "upper": 1.0},
               "sampler_cls": "LogUniform", "sampler_kwargs": {"base": 2.718281828459045}},
        "x": {"domain_cls": "Float", "domain_kwargs": {"lower": 0.0, "upper": 1.0},
              "sampler_cls": "Uniform", "sampler_kwargs": {}},
        "n": {"domain_cls": "Integer", "domain_kwargs": {"lower": 1, "upper": 64},
              "sampler_cls": "LogUniform", "sampler_kwargs": {"base": 2.718281828459045}},
        "z": {"domain_cls": "Float", "domain_kwargs": {"lower": float("-inf"), "upper": float("inf")},
              "sampler_cls": "Normal", "sampler_kwargs": {"mean": 0.0, "sd": 2.0}},
        "act": {"domain_cls": "Categorical", "domain_kwargs": {"categories": ["relu", "tanh"]},
                "sampler_cls": "Uniform", "sampler_kwargs": {}},
        "size": {"domain_cls": "Ordinal", "domain_kwargs": {"categories": ["s", "m", "l"]},
                 "sampler_cls": "Uniform", "sampler_kwargs": {}},
        "bs": {"domain_cls": "OrdinalNearestNeighbor", "domain_kwargs": {"categories": [16, 32, 64],
                                                                          "log_scale": True}},
        "f": {"domain_cls": "FiniteRange", "domain_kwargs": {"lower": 0.0, "upper": 1.0, "log_scale": False,
                                                             "cast_int": False, "size": 5}},
        "epochs": 10,
    }
    space = config_space_from_json_dict(json.loads(json.dumps(original)))
    assert space == {"lr": loguniform(0.001, 1.0), "x": uniform(0.0, 1.0), "n": lograndint(1, 64), "z": randn(0.0, 2.0),
                     "act": choice(["relu", "tanh"]), "size": ordinal(["s", "m", "l"], kind="equal"),
                     "bs": logordinal([16, 32, 64]), "f": finrange(0.0, 1.0, 5), "epochs": 10}


def test_unknown_domain_class_is_named():
    with pytest.raises(ValueError, match="'Polar'"):
        from_dict({"domain_cls": "Polar", "domain_kwargs": {}})


# --- end to end --------------------------------------------------------------------------------

ORDINAL_SPACE = {"width": ordinal([8, 16, 64, 256]), "batch": logordinal([16, 32, 64, 128, 256]),
                 "size": ordinal(["s", "m", "l"], kind="equal"), "lr": loguniform(1e-3, 1.0), "epochs": 1}


class OrdinalToy(SimulatorBackend):
    """A loss that prefers width 64, batch 32 and size 'm' (instant simulated trials)."""

    def _evaluate(self, trial_id, config, checkpoint):
        loss = (abs(np.log2(config["width"]) - 6) + abs(np.log2(config["batch"]) - 5)
                + abs(["s", "m", "l"].index(config["size"]) - 1) + abs(np.log10(config["lr"]) + 2))
        return [{"epoch": 1, "loss": float(loss), "t": 1.0}]


@pytest.mark.parametrize("searcher", ["random", "bayesopt", "kde"])
def test_ordinals_tuned_end_to_end_propose_only_categories(searcher):
    scheduler = FIFOScheduler(ORDINAL_SPACE, searcher=searcher, metric="loss", mode="min", random_seed=0,
                              search_options={"num_init_random": 4} if searcher == "bayesopt" else None)
    tuner = Tuner(OrdinalToy("t"), scheduler, StoppingCriterion(max_num_trials_completed=14), n_workers=2,
                  sleep_time=0, progress="off")
    tuner.run()
    backend = tuner.trial_backend
    configs = [backend.trial(trial_id).config for trial_id in sorted(backend.trial_ids)]
    assert len(configs) >= 14
    for config in configs:
        assert config["width"] in (8, 16, 64, 256) and config["batch"] in (16, 32, 64, 128, 256)
        assert config["size"] in ("s", "m", "l") and 1e-3 <= config["lr"] <= 1.0
    # the first config is the midpoint, as in the original: 132 -> 64, sqrt(16 * 256) = 64, index 3 // 2
    assert (configs[0]["width"], configs[0]["batch"], configs[0]["size"]) == (64, 64, "m")
    if searcher == "bayesopt":  # the GP, modelling the ordinal axes, gets within one ordinal step of the best
        # categories in 14 trials (whether it hits them exactly depends on the seed: 6 of 10 seeds here)
        steps = [abs(np.log2(c["width"]) - 6) + abs(np.log2(c["batch"]) - 5) + abs(["s", "m", "l"].index(c["size"]) - 1)
                 for c in configs]
        assert min(steps) <= 1
    if searcher == "random":   # draws spread over the categories
        assert len({c["batch"] for c in configs}) >= 3 and {c["size"] for c in configs} == {"s", "m", "l"}
