"""No wasted worker (issue 20): searchers never suggest a config already suggested, pending or
evaluated unless ``allow_duplicates``; flat EI makes the GP explore; a finite space ends in None.
End-to-end runs go through the Tuner with a simulated blackbox backend."""
from __future__ import annotations

import logging
import math

import numpy as np
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend.simulator_backend import SimulatorConfig
from syne_tune.blackbox_repository.blackbox import FunctionBlackbox
from syne_tune.blackbox_repository.simulated_tabular_backend import UserBlackboxBackend
from syne_tune.config_space import choice, loguniform, randint
from syne_tune.gp.encoding import ConfigEncoding
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler
from syne_tune.optimizer.schedulers.searchers.gp_searcher import GPFIFOSearcher
from syne_tune.optimizer.schedulers.searchers.kde_searcher import KernelDensityEstimator
from syne_tune.optimizer.schedulers.searchers.searcher import RandomSearcher

FAST = dict(num_init_candidates=50, opt_maxiter=20, num_fantasy_samples=5, debug_log=False)
TINY = {"act": choice(["relu", "tanh", "elu"]), "layers": randint(1, 2)}          # 6 configs
BOUNDARY = {"lr": loguniform(1e-4, 1.0), "batch_size": randint(8, 64)}


def _tiny_loss(config):
    return {"relu": 0.0, "tanh": 0.5, "elu": 1.0}[config["act"]] + 0.1 * config["layers"]


def _boundary_loss(config):
    """Minimum at lr = 1.0, the upper bound; deterministic, flat once lr is large."""
    return 0.25 + 0.5 * math.exp(-30.0 * config["lr"]) + 0.001 * (config.get("batch_size", 8) - 8)


def _suggest_all(searcher, loss, limit=20, pending=2):
    """Configs suggested until None or ``limit``, with ``pending`` evaluations running at each call."""
    configs, running = [], []
    for trial in range(limit):
        config = searcher.get_config(trial_id=str(trial))
        if config is None:
            break
        searcher.register_pending(str(trial), config)
        configs.append(config)
        running.append((str(trial), config))
        if len(running) > pending:
            trial_id, done = running.pop(0)
            searcher.on_trial_result(trial_id, done, {"loss": loss(done)}, update=True)
    return configs


@pytest.mark.parametrize("make", [
    lambda **kw: GPFIFOSearcher(TINY, metric="loss", random_seed=0, num_init_random=2, **FAST, **kw),
    lambda **kw: RandomSearcher(TINY, metric="loss", random_seed=0, debug_log=False, **kw),
    lambda **kw: KernelDensityEstimator(TINY, metric="loss", random_seed=0, debug_log=False, **kw),
])
def test_finite_space_no_duplicate_then_none_and_allow_duplicates_repeats(make):
    configs = _suggest_all(make(), _tiny_loss)
    keys = [tuple(sorted(c.items())) for c in configs]
    assert len(keys) == 6 and len(set(keys)) == 6          # every config once, then None
    repeated = _suggest_all(make(allow_duplicates=True), _tiny_loss)
    assert len(repeated) == 20                              # never exhausted: configs come again
    assert len({tuple(sorted(c.items())) for c in repeated}) < 20


def test_allow_duplicates_still_excludes_the_config_of_a_failed_trial():
    searcher = RandomSearcher({"act": choice(["relu", "tanh"])}, metric="loss", random_seed=0, debug_log=False,
                              allow_duplicates=True)
    failed = searcher.get_config(trial_id="0")
    searcher.evaluation_failed("0")
    assert all(searcher.get_config(trial_id=str(t)) != failed for t in range(1, 10))


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_allow_duplicates_is_validated_for_every_searcher(value):
    for searcher in ("random", "bayesopt", "kde"):
        with pytest.raises(ValueError, match="allow_duplicates"):
            FIFOScheduler(TINY, searcher=searcher, metric="loss", search_options={"allow_duplicates": value})


def test_random_fallback_finds_the_last_configs_of_a_finite_space():
    """400 configs: 100 random draws often miss the last few; the configs left are enumerated."""
    space = {"a": choice(list(range(20))), "b": choice(list(range(20)))}
    searcher = RandomSearcher(space, metric="loss", random_seed=0, debug_log=False)
    keys = set()
    while (config := searcher.get_config()) is not None:
        keys.add((config["a"], config["b"]))
    assert len(keys) == 400


def test_configs_that_cast_to_the_same_value_are_the_same_config():
    searcher = GPFIFOSearcher(BOUNDARY, metric="loss", random_seed=0, **FAST)
    searcher.register_pending("0", {"lr": 0.1, "batch_size": 16})
    assert searcher.is_excluded({"lr": 0.1 * (1 + 1e-12), "batch_size": 16.2})
    assert not searcher.is_excluded({"lr": 0.1 * (1 + 1e-6), "batch_size": 16})   # continuous stays fine


def test_flat_ei_explores_and_says_why_at_debug(caplog):
    searcher = GPFIFOSearcher(BOUNDARY, metric="loss", random_seed=0, num_init_random=3, **FAST)
    with caplog.at_level(logging.DEBUG, logger="syne_tune.optimizer.schedulers.searchers.gp_searcher"):
        configs = _suggest_all(searcher, _boundary_loss, limit=25, pending=0)
    explored = [r.getMessage() for r in caplog.records if "explores" in r.getMessage()]
    assert explored and all("EI is flat" in m or "already suggested" in m for m in explored)
    assert all("largest predictive std" in m or "random unseen config" in m for m in explored)
    assert len(configs) == 25


def _encoded_distinct_fraction(configs, space, delta):
    """Fraction of configs whose encoding is farther than ``delta`` (L∞) from every earlier one."""
    X = ConfigEncoding(space).encode([{k: c[k] for k in space} for c in configs])
    repeats = sum(1 for i in range(1, len(X)) if np.min(np.max(np.abs(X[:i] - X[i]), axis=1)) <= delta)
    return 1.0 - repeats / len(X)


class _Recording(FIFOScheduler):
    proposed: list

    def _suggest(self, trial_id):
        suggestion = super()._suggest(trial_id)
        if suggestion is not None:
            self.proposed.append(dict(suggestion.config))
        return suggestion


def _tune(space, loss, trials, workers=2, **search_options):
    blackbox = FunctionBlackbox(space, lambda config, _, __: [loss(config), 1.0], ["loss", "time"])
    scheduler = _Recording(space, searcher="bayesopt", metric="loss", mode="min", random_seed=0,
                           search_options=dict(FAST, **search_options))
    scheduler.proposed = []
    backend = UserBlackboxBackend(blackbox, "time", simulator_config=SimulatorConfig(0.0, 0.0, 0.0))
    Tuner(backend, scheduler, StoppingCriterion(max_num_trials_started=trials), n_workers=workers,
          progress="off", tuner_name="no-wasted-worker").run()
    return scheduler.proposed


def test_bayesopt_on_a_boundary_optimum_proposes_distinct_configs():
    """The issue's case: the optimum is lr = 1.0, the upper bound. 1 % of each encoded range (a factor
    1.1 in lr) counts as the same config; before issue 20 about 40 % of the proposals were such repeats."""
    space = {"lr": BOUNDARY["lr"]}
    configs = _tune(space, _boundary_loss, trials=30)[:30]
    assert len(configs) == 30         # the Tuner may start one more per worker (issue 20, item 8)
    assert _encoded_distinct_fraction(configs, space, 0.0) == 1.0
    assert _encoded_distinct_fraction(configs, space, 0.01) >= 0.9
    assert min(_boundary_loss(c) for c in configs) < 0.2501


def test_tuner_ends_when_the_finite_space_is_exhausted_unless_duplicates_are_allowed():
    assert len(_tune(TINY, _tiny_loss, trials=12)) == 6
    assert len(_tune(TINY, _tiny_loss, trials=12, allow_duplicates=True)) >= 12
