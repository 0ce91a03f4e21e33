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
