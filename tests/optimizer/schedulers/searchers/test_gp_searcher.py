from __future__ import annotations

import dataclasses
import logging

import numpy as np
import pytest

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import choice, finrange, loguniform, randint, uniform
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler
from syne_tune.optimizer.schedulers.searchers.gp_searcher import GPFIFOSearcher, normalization

SPACE = {"x": uniform(0.0, 1.0), "n": randint(1, 20), "lr": loguniform(1e-4, 1e-1),
         "act": choice(["relu", "tanh", "elu"]), "epochs": 5}
FAST = dict(num_init_candidates=50, opt_maxiter=20, num_fantasy_samples=5)


def objective(config):
    return (config["x"] - 0.3) ** 2 + 0.01 * config["n"] + (config["act"] != "tanh")


def _drive(searcher, rounds, pending=1):
    configs, trial = [], 0
    for _ in range(rounds):
        batch = []
        for _ in range(pending):
            config = searcher.get_config(trial_id=str(trial))
            searcher.register_pending(str(trial), config)
            batch.append((str(trial), config))
            trial += 1
        for trial_id, config in batch:
            searcher.on_trial_result(trial_id, config, {"loss": objective(config)}, update=True)
        configs += [c for _, c in batch]
    return configs


def test_standalone_same_seed_same_suggestions():
    a = _drive(GPFIFOSearcher(SPACE, metric="loss", random_seed=3, **FAST), 8)
    b = _drive(GPFIFOSearcher(SPACE, metric="loss", random_seed=3, **FAST), 8)
    c = _drive(GPFIFOSearcher(SPACE, metric="loss", random_seed=4, **FAST), 8)
    assert a == b
    assert a != c


def test_first_config_is_midpoint_then_random_then_model():
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, **FAST)
    configs = _drive(searcher, 6)
    assert configs[0] == {"x": 0.5, "n": 10, "lr": pytest.approx(1e-2 * 10 ** -0.5), "act": "relu"}
    assert searcher.dataset_size() == 6
    params = searcher.model_parameters()
    assert {"noise_variance", "kernel_covariance_scale", "mean_mean_value"} <= set(params)
    assert sum(k.startswith("kernel_inv_bw") for k in params) == 4  # one per hyperparameter: act's 3 one-hot columns share one
    assert params != GPFIFOSearcher(SPACE, metric="loss", **FAST).model_parameters()


def test_pending_and_observed_configs_not_suggested_again():
    space = {"a": randint(0, 3), "b": choice(["u", "v"])}  # 8 configs
    searcher = GPFIFOSearcher(space, metric="loss", random_seed=1, **FAST)
    seen = []
    for trial in range(8):
        config = searcher.get_config(trial_id=str(trial))
        assert config is not None and config not in seen
        seen.append(config)
        searcher.register_pending(str(trial), config)
        if trial % 2:  # half stay pending
            searcher.on_trial_result(str(trial), config, {"loss": float(config["a"])}, update=True)
    assert searcher.get_config(trial_id="8") is None


def test_bo_finds_better_than_initial_points():
    searcher = GPFIFOSearcher({"x": uniform(0, 1)}, metric="loss", random_seed=0, **FAST)
    distances = []
    for trial in range(12):
        config = searcher.get_config(trial_id=str(trial))
        searcher.register_pending(str(trial), config)
        searcher.on_trial_result(str(trial), config, {"loss": (config["x"] - 0.123) ** 2}, update=True)
        distances.append(abs(config["x"] - 0.123))
    # the best, not the last: once EI is flat (optimum found) the searcher explores
    assert min(distances[4:]) < 0.05 and min(distances[4:]) < min(distances[:4])


@pytest.mark.parametrize("targets", ["constant", "huge"])
def test_degenerate_targets(targets):
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, **FAST)
    for trial in range(7):
        config = searcher.get_config(trial_id=str(trial))
        assert config is not None
        searcher.register_pending(str(trial), config)
        value = 1.0 if targets == "constant" else 1e200 * (trial % 3)
        searcher.on_trial_result(str(trial), config, {"loss": value}, update=True)
    assert all(np.isfinite(v) for v in searcher.model_parameters().values())


def test_normalization_is_overflow_safe():
    shift, scale = normalization(np.array([1e300, -1e300, 0.0]))
    assert np.isfinite(shift) and np.isfinite(scale) and scale > 1e299
    assert normalization(np.ones(3)) == (1.0, 1e-9)


@pytest.mark.parametrize("options, name", [
    (dict(num_init_candidats=10), "num_init_candidats"),
    (dict(num_init_random="3"), "num_init_random"),
    (dict(num_fantasy_samples=0), "num_fantasy_samples"),
    (dict(opt_warmstart=1), "opt_warmstart"),
    (dict(initial_scoring="ei"), "initial_scoring"),
    (dict(map_reward="1_minus_y"), "map_reward"),
])
def test_bad_options_name_the_option(options, name):
    with pytest.raises(ValueError, match=name):
        GPFIFOSearcher(SPACE, metric="loss", **options)


def test_bad_mode_and_missing_metric():
    with pytest.raises(ValueError, match="mode"):
        GPFIFOSearcher(SPACE, metric="loss", mode="maximize")
    searcher = GPFIFOSearcher(SPACE, metric="loss")
    config = searcher.get_config()
    with pytest.raises(ValueError, match="loss"):
        searcher.on_trial_result("0", config, {"acc": 1.0}, update=True)


def test_map_reward_for_max_mode():
    searcher = GPFIFOSearcher(SPACE, metric="acc", mode="max", map_reward="2_minus_x")
    assert searcher.criterion({"acc": 0.5}) == 1.5
    assert GPFIFOSearcher(SPACE, metric="acc", mode="max").criterion({"acc": 0.25}) == 0.75


def test_failed_trial_drops_pending_but_stays_excluded():
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, **FAST)
    config = searcher.get_config(trial_id="0")
    searcher.register_pending("0", config)
    searcher.evaluation_failed("0")
    assert searcher._pending == {} and searcher.is_excluded(config)


def test_debug_log_one_line_per_decision(caplog):
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, debug_log=True, **FAST)
    with caplog.at_level(logging.INFO, logger="syne_tune.optimizer.schedulers.searchers.gp_searcher"):
        _drive(searcher, 5)
    lines = [r.getMessage() for r in caplog.records if r.name.endswith("gp_searcher")]
    assert len(lines) == 5
    assert "initial config" in lines[0] and "random" in lines[1] and "BO" in lines[4]


def test_fifo_scheduler_bayesopt_max_mode_with_pending():
    scheduler = FIFOScheduler(SPACE, searcher="bayesopt", search_options=dict(FAST, debug_log=False),
                              metric="acc", mode="max", random_seed=7)
    assert isinstance(scheduler.searcher, GPFIFOSearcher)
    running, configs = [], []
    for trial_id in range(10):
        suggestion = scheduler.suggest(trial_id)
        assert suggestion.config["epochs"] == 5
        running.append(Trial(trial_id=trial_id, config=suggestion.config))
        configs.append(suggestion.config)
        if len(running) == 3:
            trial = running.pop(0)
            scheduler.on_trial_complete(trial, {"acc": -objective(trial.config)})
    assert scheduler.searcher.dataset_size() == 8
    assert len({tuple(sorted(c.items())) for c in configs}) == 10


def test_fifo_scheduler_rejects_bad_search_option():
    with pytest.raises(ValueError, match="opt_nstart"):
        FIFOScheduler(SPACE, searcher="bayesopt", search_options={"opt_nstart": 2}, metric="acc")


def _observe(searcher, num):
    """Feeds ``num`` fixed configs; returns their encoded inputs (num, d) and criteria (num,)."""
    configs = [{"x": (i * 0.37) % 1.0, "n": 1 + i % 19, "lr": 1e-3, "act": ("relu", "tanh", "elu")[i % 3]}
               for i in range(num)]
    for i, config in enumerate(configs):
        searcher.on_trial_result(str(i), config, {"loss": objective(config)}, update=True)
    return searcher.encoding.encode(configs), np.array([objective(c) for c in configs])


def _rows(state_X, X):
    """Indices of the rows of X that appear in state_X."""
    return sorted(i for i, x in enumerate(X) if np.any(np.all(np.isclose(state_X, x), axis=1)))


def test_model_data_is_subsampled_to_max_size_deterministically():
    states = []
    for _ in range(2):
        searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=5, max_size_data_for_model=12, **FAST)
        X, y = _observe(searcher, 40)
        states.append(searcher._posterior()[0])
    assert states[0].X.shape == (12, X.shape[1])
    np.testing.assert_array_equal(states[0].X, states[1].X)
    kept = _rows(states[0].X, X)
    assert len(kept) == 12
    assert set(np.argsort(y, kind="stable")[:3]) <= set(kept)          # the 25 % best are always kept
    other = GPFIFOSearcher(SPACE, metric="loss", random_seed=6, max_size_data_for_model=12, **FAST)
    _observe(other, 40)
    assert _rows(other._posterior()[0].X, X) != kept                    # the random part follows the seed
    assert searcher.dataset_size() == 40                                # observations are not dropped


def test_below_max_size_nothing_changes():
    a = GPFIFOSearcher(SPACE, metric="loss", random_seed=2, max_size_data_for_model=20, **FAST)
    b = GPFIFOSearcher(SPACE, metric="loss", random_seed=2, max_size_data_for_model=None, **FAST)
    X, _ = _observe(a, 20)
    _observe(b, 20)
    np.testing.assert_array_equal(a._posterior()[0].X, X)
    np.testing.assert_array_equal(a._posterior()[0].L, b._posterior()[0].L)
    assert a.get_config(trial_id="20") == b.get_config(trial_id="20")


def test_decisions_with_subsampled_data_and_pending():
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, max_size_data_for_model=5, **FAST)
    configs = _drive(searcher, 5, pending=2)
    assert len({searcher.match_string(c) for c in configs}) == 10      # exclusion set still covers all
    assert searcher._posterior()[0].X.shape[0] == 5
    assert "BO" in searcher._decision


@pytest.mark.parametrize("value", [0, -3, 2.5, "500", True])
def test_bad_max_size_data_for_model_is_named(value):
    with pytest.raises(ValueError, match="max_size_data_for_model.*integer >= 1 or None"):
        GPFIFOSearcher(SPACE, metric="loss", max_size_data_for_model=value)


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("policy", ["impute", "drop"])
def test_non_finite_metric_never_aborts_and_never_reaches_the_model(mode, bad, policy):
    searcher = GPFIFOSearcher(SPACE, metric="m", mode=mode, random_seed=1, num_init_random=2, non_finite=policy,
                              **FAST)
    sign = 1.0 if mode == "min" else -1.0
    for trial in range(8):
        config = searcher.get_config(trial_id=str(trial))
        searcher.register_pending(str(trial), config)
        value = bad if trial % 3 == 1 else sign * objective(config)
        searcher.on_trial_result(str(trial), config, {"m": value}, update=True)
    assert searcher.criterion({"m": bad}) == np.inf                   # worst in both modes
    assert "BO" in searcher._decision
    state, _ = searcher._posterior()
    assert np.all(np.isfinite(state.Y)) and np.all(np.isfinite(state.alpha))
    assert all(np.isfinite(v) for v in searcher.model_parameters().values())
    finite = [c for _, c in searcher._observed.values() if np.isfinite(c)]
    y = state.y_shift + state.y_scale * state.Y[:, 0]
    if policy == "drop":
        assert state.X.shape[0] == len(finite) == 5
    else:
        assert state.X.shape[0] == 8 and np.sum(y > max(finite) + 1e-9) == 3   # imputed as worse than the worst


def test_only_non_finite_observations_give_random_configs():
    searcher = GPFIFOSearcher(SPACE, metric="m", random_seed=1, num_init_random=1, **FAST)
    for trial in range(3):
        config = searcher.get_config(trial_id=str(trial))
        searcher.on_trial_result(str(trial), config, {"m": float("nan")}, update=True)
    assert searcher.get_config(trial_id="3") is not None
    assert "random" in searcher._decision


def test_impute_non_finite():
    from syne_tune.optimizer.schedulers.searchers.gp_searcher import impute_non_finite

    np.testing.assert_array_equal(impute_non_finite(np.array([1.0, np.inf, 3.0])), [1.0, 3.2, 3.0])
    np.testing.assert_array_equal(impute_non_finite(np.array([2.0, np.inf])), [2.0, 3.0])
    np.testing.assert_array_equal(impute_non_finite(np.array([1.0, 2.0])), [1.0, 2.0])


def test_remove_then_add_a_case_refreshes_the_posterior():
    """Stale-cache regression: the data changes at constant size, the posterior must follow."""
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, **FAST)
    _observe(searcher, 6)
    before, _ = searcher._posterior()
    searcher.remove_case("5")
    config = {"x": 0.9, "n": 3, "lr": 1e-2, "act": "elu"}
    searcher.on_trial_result("6", config, {"loss": 7.0}, update=True)
    assert searcher.dataset_size() == 6
    after, _ = searcher._posterior()
    assert after is not before                # same size, new data: not served from the cache
    np.testing.assert_allclose(after.X[-1], searcher.encoding.encode([config])[0])
    assert after.y_shift + after.y_scale * after.Y[-1, 0] == pytest.approx(7.0)


def test_refit_schedule_refits_less_often_as_data_grows(monkeypatch):
    from syne_tune.optimizer.schedulers.searchers import gp_searcher

    sizes = []
    original = gp_searcher.fit_hyperparameters

    def recording_fit(model, X, y, init_params, **kwargs):
        sizes.append((X.shape[0], kwargs["num_restarts"]))
        return original(model, X, y, init_params, **kwargs)

    monkeypatch.setattr(gp_searcher, "fit_hyperparameters", recording_fit)
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, opt_skip_init_length=8, refit_growth=0.25,
                              **FAST)
    for trial in range(20):
        config = {"x": (trial * 0.37) % 1.0, "n": 1 + trial % 19, "lr": 1e-3, "act": "relu"}
        searcher.on_trial_result(str(trial), config, {"loss": objective(config)}, update=True)
        searcher._posterior()
    # once the data grew by 25 % since the last fit: 5 >= 1.25·4, 7 >= 1.25·5, 9, 12, 15, 19
    assert [n for n, _ in sizes] == [1, 2, 3, 4, 5, 7, 9, 12, 15, 19]
    assert [r for _, r in sizes] == [2] * 10           # FIFO: reset + warm restart at every refit


FINITE = {"op0": choice(["a", "b", "c"]), "op1": choice(["a", "b", "c"]), "flag": choice([True, False]),
          "units": finrange(16, 64, 3, cast_int=True)}                                          # 54 configs


def _finite_objective(config):
    return (config["op0"] != "b") + 0.5 * (config["op1"] == "a") + 0.1 * config["flag"] + config["units"] / 640


@pytest.mark.parametrize("max_enumerate", [None, 0])
def test_finite_space_never_repeats_a_config_and_is_searched_discretely(max_enumerate):
    options = FAST if max_enumerate is None else dict(FAST, max_enumerate=max_enumerate)
    searcher = GPFIFOSearcher(FINITE, metric="loss", random_seed=0, **options)
    assert searcher._discrete is not None
    seen, decisions, trial = set(), [], 0
    while True:
        batch = []
        for _ in range(3):                                   # two pending at each suggestion
            config = searcher.get_config(trial_id=str(trial))
            if config is None:
                break
            key = searcher.match_string(config)
            assert key not in seen, f"trial {trial} repeats {config}"
            seen.add(key)
            decisions.append(searcher._decision)
            searcher.register_pending(str(trial), config)
            batch.append((str(trial), config))
            trial += 1
        for trial_id, config in batch:
            searcher.on_trial_result(trial_id, config, {"loss": _finite_objective(config)}, update=True)
        if len(batch) < 3:
            break
    assert len(seen) == 54
    how = "enumerated" if max_enumerate is None else "local search"
    # no random fallback; flat EI (few configs left, all poor) explores the configs left
    assert all(d.startswith((f"BO {how}", "BO explore")) for d in decisions[3:]), decisions
    assert sum(d.startswith(f"BO {how}") for d in decisions[3:]) >= 5


def test_discrete_search_finds_the_optimum_of_a_finite_space():
    searcher = GPFIFOSearcher(FINITE, metric="loss", random_seed=1, **FAST)
    best = min(_finite_objective(c) for c in _drive_finite(searcher, 15))
    assert best == pytest.approx(_finite_objective({"op0": "b", "op1": "b", "flag": False, "units": 16}))


def _drive_finite(searcher, rounds):
    configs = []
    for trial in range(rounds):
        config = searcher.get_config(trial_id=str(trial))
        searcher.on_trial_result(str(trial), config, {"loss": _finite_objective(config)}, update=True)
        configs.append(config)
    return configs


def test_mixed_space_with_a_float_keeps_the_continuous_search():
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, **FAST)
    assert searcher._discrete is None
    _drive(searcher, 6)
    assert searcher._decision.startswith("BO") and "enumerated" not in searcher._decision


def test_copula_targets_only_in_finite_spaces_and_never_for_the_multi_fidelity_searcher():
    from syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher import GPMultiFidelitySearcher

    assert GPFIFOSearcher(FINITE, metric="loss", **FAST)._copula_targets()
    assert not GPFIFOSearcher(FINITE, metric="loss", normalize_targets=False, **FAST)._copula_targets()
    assert not GPFIFOSearcher(SPACE, metric="loss", **FAST)._copula_targets()
    mobster = GPMultiFidelitySearcher(FINITE, metric="loss", resource_attr="epoch", max_t=9, **FAST)
    assert mobster._discrete is None and not mobster._copula_targets()


def test_candidates_are_uniform_without_pending_and_half_around_the_incumbent_with_pending():
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=2, **FAST)
    incumbent = searcher.encoding.encode([{"x": 0.3, "n": 5, "lr": 1e-3, "act": "tanh"}])[0]
    state = searcher.random_state.get_state()
    uniform_candidates = searcher.encoding.sample(50, searcher.random_state)
    searcher.random_state.set_state(state)
    np.testing.assert_array_equal(searcher._candidates(incumbent, local=False), uniform_candidates)
    searcher.random_state.set_state(state)
    candidates = searcher._candidates(incumbent, local=True)
    k = int(searcher.options.local_candidate_fraction * 50)
    np.testing.assert_array_equal(candidates[k:], uniform_candidates[k:])
    bounds = searcher.encoding.bounds
    assert np.all(candidates >= bounds[:, 0]) and np.all(candidates <= bounds[:, 1])
    np.testing.assert_array_equal(searcher.encoding.snap(candidates), candidates)   # valid configs
    x_column = next(col.start for col in searcher.encoding.columns if col.name == "x")
    # the continuous 'x': local candidates spread around 0.3 with std 0.1, the others uniformly
    assert abs(np.mean(candidates[:k, x_column]) - 0.3) < 0.1
    assert np.std(candidates[:k, x_column]) < 0.15 and np.std(candidates[k:, x_column]) > 0.2
    assert np.max(np.abs(candidates[:k, x_column] - 0.3)) < 0.5


def test_local_candidates_only_for_decisions_with_pending_evaluations(monkeypatch):
    flags = []
    original = GPFIFOSearcher._candidates

    def spy(self, incumbent, local):
        flags.append(local)
        return original(self, incumbent, local)

    monkeypatch.setattr(GPFIFOSearcher, "_candidates", spy)
    _drive(GPFIFOSearcher(SPACE, metric="loss", random_seed=0, **FAST), 6, pending=1)
    assert flags and not any(flags)
    flags.clear()
    _drive(GPFIFOSearcher(SPACE, metric="loss", random_seed=0, **FAST), 4, pending=3)
    assert flags and all(flags[i] for i in range(len(flags)) if i % 3)   # 2nd and 3rd of a batch


# --- settings are search options (each one changes what it says) ------------------------------

def test_discrete_search_and_copula_targets_are_search_options():
    continuous = GPFIFOSearcher(FINITE, metric="loss", discrete_search=False, **FAST)
    assert continuous._discrete is None and not continuous._copula_targets()
    assert not GPFIFOSearcher(FINITE, metric="loss", copula_targets="never", **FAST)._copula_targets()
    assert GPFIFOSearcher(SPACE, metric="loss", copula_targets="always", **FAST)._copula_targets()


def test_shared_one_hot_length_scale_is_a_search_option():
    shared = GPFIFOSearcher(SPACE, metric="loss", **FAST).model_parameters()
    separate = GPFIFOSearcher(SPACE, metric="loss", shared_one_hot_length_scale=False, **FAST).model_parameters()
    assert len(separate) == len(shared) + 2      # 'act' has 3 one-hot columns: 3 length scales instead of 1


def test_num_local_starts_reaches_the_acquisition_optimizer(monkeypatch):
    from syne_tune.optimizer.schedulers.searchers import gp_searcher

    starts = []
    original = gp_searcher.choose_next

    def spy(*args, **kwargs):
        starts.append(kwargs["num_local_starts"])
        return original(*args, **kwargs)

    monkeypatch.setattr(gp_searcher, "choose_next", spy)
    _drive(GPFIFOSearcher(SPACE, metric="loss", random_seed=0, num_local_starts=2, **FAST), 5)
    assert starts and set(starts) == {2}


def test_local_candidate_fraction_zero_keeps_uniform_candidates():
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=2, local_candidate_fraction=0.0, **FAST)
    state = searcher.random_state.get_state()
    uniform_candidates = searcher.encoding.sample(50, searcher.random_state)
    searcher.random_state.set_state(state)
    np.testing.assert_array_equal(searcher._candidates(uniform_candidates[0], local=True), uniform_candidates)


def test_max_size_top_fraction_sets_the_best_rows_kept():
    searcher = GPFIFOSearcher(SPACE, metric="loss", max_size_top_fraction=0.5, **FAST)
    y = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 0.0])
    np.testing.assert_array_equal(searcher._rows_to_keep(list(range(6)), y, size=4), [5, 1])


@pytest.mark.parametrize("explore", [True, False])
def test_flat_ei_and_explore_when_flat_are_search_options(explore):
    # every EI is below a huge flat_ei: with explore_when_flat, every BO decision explores
    searcher = GPFIFOSearcher(SPACE, metric="loss", random_seed=0, flat_ei=1e9, explore_when_flat=explore, **FAST)
    decisions = []
    for trial in range(6):
        config = searcher.get_config(trial_id=str(trial))
        searcher.on_trial_result(str(trial), config, {"loss": objective(config)}, update=True)
        decisions.append(searcher._decision)
    bo = [d for d in decisions if d.startswith("BO")]
    assert bo and all(("explore" in d) == explore for d in bo)


def test_metadata_names_the_searcher_and_every_option():
    searcher = GPFIFOSearcher(SPACE, metric="loss", refit_growth=0.2, **FAST)
    metadata = searcher.metadata()
    assert metadata["searcher"] == "GPFIFOSearcher"
    options = metadata["search_options"]
    assert options["refit_growth"] == 0.2 and options["copula_targets"] == "finite"
    assert options == dataclasses.asdict(searcher.options)
