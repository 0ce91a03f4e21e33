"""search_options shared between searchers: foreign keys warn once, typos raise, original GP keys."""
from __future__ import annotations

import logging

import pytest

from syne_tune.config_space import randint, uniform
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler
from syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher import (
    GPMultiFidelitySearcher, resource_for_acquisition,
)
from syne_tune.optimizer.schedulers.searchers.search_options import (
    GPSearchOptions, MultiFidelityGPSearchOptions, RandomSearchOptions, parse_search_options,
)

SPACE = {"x": uniform(0, 1), "n": randint(1, 8), "epochs": 9}
LOGGER = "syne_tune.optimizer.schedulers.searchers.search_options"
GP_OPTIONS = {"num_init_random": 6, "opt_nstarts": 3, "opt_verbose": True, "profiler": False}


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


def test_random_searcher_ignores_gp_options_with_one_warning_naming_them(caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        scheduler = FIFOScheduler(SPACE, searcher="random", search_options=GP_OPTIONS, metric="loss",
                                  random_seed=0)
    messages = _warnings(caplog)
    assert len(messages) == 1
    for key in GP_OPTIONS:
        assert f"'{key}'" in messages[0]
    assert scheduler.suggest(0) is not None


@pytest.mark.parametrize("searcher", ["random", "bayesopt"])
def test_same_options_work_for_every_searcher_in_a_loop(searcher, caplog):
    options = {"num_init_random": 2, "debug_log": False, "resource_acq": "first"}
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        scheduler = FIFOScheduler(SPACE, searcher=searcher, search_options=options, metric="loss", random_seed=1)
    ignored = {"random": ["num_init_random", "resource_acq"], "bayesopt": ["resource_acq"]}[searcher]
    (message,) = _warnings(caplog)
    assert all(f"'{k}'" in message for k in ignored) and "'debug_log'" not in message
    assert scheduler.suggest(0).config["epochs"] == 9


def test_own_options_do_not_warn(caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        options = parse_search_options(MultiFidelityGPSearchOptions, {"resource_acq": "first", "opt_verbose": True},
                                       "bayesopt")
    assert _warnings(caplog) == []
    assert options.resource_acq == "first" and options.opt_verbose


@pytest.mark.parametrize("options_class", [RandomSearchOptions, GPSearchOptions, MultiFidelityGPSearchOptions])
def test_a_key_no_searcher_knows_still_raises_with_a_hint(options_class):
    with pytest.raises(ValueError, match="unknown option 'num_init_randon'. Did you mean 'num_init_random'"):
        parse_search_options(options_class, {"num_init_randon": 3}, "any")


def test_scheduler_typo_raises_for_random_searcher():
    with pytest.raises(ValueError, match="opt_nstart"):
        FIFOScheduler(SPACE, searcher="random", search_options={"opt_nstart": 2}, metric="loss")


@pytest.mark.parametrize("options, name", [
    ({"resource_acq": "middle"}, "resource_acq"),
    ({"model": "gp_issm"}, "model"),
    ({"opt_verbose": "yes"}, "opt_verbose"),
    ({"profiler": 1}, "profiler"),
])
def test_original_gp_keys_are_validated(options, name):
    with pytest.raises(ValueError, match=name):
        parse_search_options(MultiFidelityGPSearchOptions, options, "bayesopt")


@pytest.mark.parametrize("rule, resources, expected", [
    ("bohb", [1, 1, 1, 3], 1),
    ("bohb", [1, 1, 1, 3, 3, 3], 3),
    ("first", [3, 1, 9, 3], 1),
    ("first", [], 1),
    ("final", [1, 3], 9),
    ("final", [], 9),
])
def test_resource_acq_rules(rule, resources, expected):
    assert resource_for_acquisition(resources, 3, rule, max_t=9) == expected


@pytest.mark.parametrize("rule, expected", [("bohb", 3), ("first", 1), ("final", 9)])
def test_mobster_searcher_computes_ei_at_the_chosen_resource(rule, expected):
    searcher = GPMultiFidelitySearcher(SPACE, metric="loss", resource_attr="epoch", max_t=9, random_seed=0,
                                       num_init_random=2, resource_acq=rule, debug_log=False, opt_maxiter=5)
    for i in range(3):
        config = searcher.get_config(trial_id=str(i))
        for epoch in (1, 3):
            searcher.on_trial_result(str(i), config, {"loss": config["x"] / epoch, "epoch": epoch}, update=True)
    assert searcher.get_config(trial_id="3") is not None
    assert searcher._r_acq == expected


def test_hyperband_bayesopt_accepts_original_gp_keys():
    scheduler = HyperbandScheduler(SPACE, searcher="bayesopt", metric="loss", resource_attr="epoch", max_t=9,
                                   search_options={"resource_acq": "bohb", "opt_verbose": False,
                                                   "profiler": True, "debug_log": False}, random_seed=0)
    assert scheduler.searcher.options.profiler is True


# --- the GP searchers' settings: search options, not module constants --------------------------

SETTINGS = {"max_size_top_fraction": 0.25, "refit_growth": 0.05, "num_local_starts": 5,
            "shared_one_hot_length_scale": True, "discrete_search": True, "copula_targets": "finite",
            "local_candidate_fraction": 0.75, "local_candidate_std": 0.05, "explore_when_flat": True,
            "flat_ei": 1e-10, "non_finite": "impute", "ei_xi": 0.01, "max_enumerate": 20_000,
            "max_enumerate_work": 2_000_000, "gp_model": None}


def test_gp_settings_default_to_the_values_the_measurements_were_made_with():
    options = GPSearchOptions()
    assert {name: getattr(options, name) for name in SETTINGS} == SETTINGS
    mobster = MultiFidelityGPSearchOptions()
    assert mobster.refit_growth == 0.05 and mobster.refit_growth_below_init_length == 0.15
    assert mobster.discrete_search is False and mobster.explore_when_flat is False


@pytest.mark.parametrize("name, value", [
    ("max_size_top_fraction", 1.5), ("max_size_top_fraction", "0.25"), ("refit_growth", -0.1),
    ("refit_growth", True), ("num_local_starts", -1), ("num_local_starts", 2.0),
    ("shared_one_hot_length_scale", 1), ("discrete_search", "no"), ("copula_targets", "sometimes"),
    ("local_candidate_fraction", -0.5), ("local_candidate_std", -1.0), ("explore_when_flat", None),
    ("flat_ei", -1e-10), ("non_finite", "ignore"), ("refit_growth_below_init_length", -1.0),
    ("ei_xi", -0.01), ("max_enumerate", -1), ("max_enumerate_work", 1.5), ("gp_model", "matern52"),
])
def test_gp_settings_are_validated_with_an_error_naming_the_option_and_the_searcher(name, value):
    with pytest.raises(ValueError, match=f"'{name}' argument of search_options of searcher 'bayesopt'"):
        parse_search_options(MultiFidelityGPSearchOptions, {name: value}, "bayesopt")


def test_mobster_refuses_discrete_search():
    with pytest.raises(ValueError, match="'discrete_search' argument of .*MOBSTER.* must be False"):
        HyperbandScheduler(SPACE, searcher="bayesopt", metric="loss", resource_attr="epoch", max_t=9,
                           search_options={"discrete_search": True})


def test_gp_settings_reach_both_gp_searchers_through_the_schedulers():
    settings = {"refit_growth": 0.1, "copula_targets": "never", "non_finite": "drop", "num_local_starts": 2,
                "ei_xi": 0.02, "max_enumerate": 100, "max_enumerate_work": 1000}
    fifo = FIFOScheduler(SPACE, searcher="bayesopt", search_options=settings, metric="loss", random_seed=0)
    mobster = HyperbandScheduler(SPACE, searcher="bayesopt", metric="loss", resource_attr="epoch", max_t=9,
                                 search_options=dict(settings, refit_growth_below_init_length=0.3), random_seed=0)
    for scheduler in (fifo, mobster):
        assert {name: getattr(scheduler.searcher.options, name) for name in settings} == settings
        assert scheduler.metadata()["search_options"]["refit_growth"] == 0.1
        assert scheduler.metadata()["search_options"]["ei_xi"] == 0.02
    assert mobster.searcher.options.refit_growth_below_init_length == 0.3


def test_random_searcher_ignores_the_gp_settings_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        FIFOScheduler(SPACE, searcher="random", search_options={"refit_growth": 0.1}, metric="loss")
    (message,) = _warnings(caplog)
    assert "'refit_growth'" in message


def test_a_misspelt_gp_setting_raises_with_a_hint():
    with pytest.raises(ValueError, match="refit_growth_below_init_length"):
        parse_search_options(GPSearchOptions, {"refit_growth_below_init_lenght": 0.2}, "bayesopt")
