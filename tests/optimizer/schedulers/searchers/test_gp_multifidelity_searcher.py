"""GPMultiFidelitySearcher (MOBSTER): r_acq rule, data from HyperbandScheduler, pending, seeds, options."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune.backend.trial_status import Trial
from syne_tune.config_space import randint, uniform
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers import HyperbandScheduler
from syne_tune.optimizer.schedulers.searchers.gp_multifidelity_searcher import (
    GPMultiFidelitySearcher, resource_for_acquisition,
)

SPACE = {"x": uniform(0.0, 1.0), "y": randint(0, 100), "epochs": 9}


def _loss(config, epoch):
    return (config["x"] - 0.3) ** 2 + config["y"] / 500 + 1.0 / epoch


@pytest.mark.parametrize("resources, threshold, expected", [
    ([], 3, 1),                                   # before any data
    ([3, 3, 9], 3, 3),                            # nothing reaches the threshold: smallest level
    ([1, 1, 1, 3, 3, 3, 9, 9], 3, 3),             # largest level with >= 3 observations
    ([1, 1, 1, 3, 3, 3, 9, 9, 9], 3, 9),
    ([1, 1, 1, 3, 9, 9, 9], 3, 9),                # need not be contiguous
    ([27, 9], 1, 27),
    ([5, 2, 2], 2, 2),
])
def test_resource_for_acquisition(resources, threshold, expected):
    assert resource_for_acquisition(resources, threshold) == expected


def _searcher(**options):
    options.setdefault("debug_log", False)
    return GPMultiFidelitySearcher(SPACE, metric="loss", resource_attr="epoch", max_t=9, random_seed=3, **options)


def _feed(searcher, trial_id, config, epochs):
    for epoch in epochs:
        searcher.on_trial_result(trial_id, config, {"loss": _loss(config, epoch), "epoch": epoch}, update=True)


def test_r_acq_follows_the_observed_histogram_and_pins_the_resource():
    searcher = _searcher(num_init_random=2)
    configs = {}
    for i in range(4):
        configs[str(i)] = searcher.get_config(trial_id=str(i))
        _feed(searcher, str(i), configs[str(i)], [1, 3] if i < 3 else [1])
    assert searcher.resource_histogram() == {1: 4, 3: 3}
    config = searcher.get_config(trial_id="4")
    assert searcher._r_acq == 3 and "r_acq=3" in searcher._decision
    assert set(config) == {"x", "y"}
    searcher.remove_case("0", epoch=3)
    searcher.get_config(trial_id="5")
    assert searcher._r_acq == 1


def _drive(searcher_data, type="stopping", n_trials=3, max_epoch=9, **kwargs):
    """HyperbandScheduler with the MOBSTER searcher; every trial reports epochs 1..max_epoch while it runs."""
    scheduler = HyperbandScheduler(SPACE, type=type, searcher="bayesopt", searcher_data=searcher_data,
                                   metric="loss", mode="min", resource_attr="epoch", max_t=9, grace_period=1,
                                   reduction_factor=3, random_seed=0,
                                   search_options={"debug_log": False, "num_init_random": 2}, **kwargs)
    trials = {}
    for trial_id in range(n_trials):
        suggestion = scheduler.suggest(trial_id)
        trials[trial_id] = Trial(trial_id, suggestion.config)
        scheduler.on_trial_add(trials[trial_id])
    return scheduler, trials


def _report(scheduler, trial, epoch, loss=None):
    config = {k: trial.config[k] for k in ("x", "y")}
    result = {"epoch": epoch, "loss": _loss(config, epoch) if loss is None else loss}
    return scheduler.on_trial_result(trial, result)


@pytest.mark.parametrize("searcher_data, observed, pending_after_1", [
    ("rungs", [1, 3], [3]),
    ("all", [1, 2, 3, 4], [2, 3]),
    ("rungs_and_last", [1, 3, 4], [2, 3]),
])
def test_searcher_data_variants_reach_the_searcher(searcher_data, observed, pending_after_1):
    scheduler, trials = _drive(searcher_data, n_trials=1)
    searcher = scheduler.searcher
    assert isinstance(searcher, GPMultiFidelitySearcher)
    assert searcher.pending_evaluations() == [("0", 1)]
    assert _report(scheduler, trials[0], 1) == SchedulerDecision.CONTINUE
    assert searcher.pending_evaluations() == [("0", r) for r in pending_after_1]
    for epoch in (2, 3, 4):
        _report(scheduler, trials[0], epoch)
    assert sorted(r for t, r in searcher._observed) == observed
    if searcher_data == "rungs_and_last":     # 4 replaced 4's predecessor but rung results stay
        _report(scheduler, trials[0], 5)
        assert sorted(r for t, r in searcher._observed) == [1, 3, 5]
    # the observation at a resource resolves the pending entry at that resource
    assert all(r > 4 for _, r in searcher.pending_evaluations())


@pytest.mark.parametrize("type", ["stopping", "promotion", "pasha"])
@pytest.mark.parametrize("brackets", [1, 2])
def test_every_hyperband_type_runs_with_the_gp_searcher(type, brackets):
    scheduler, trials = _drive("rungs", type=type, n_trials=4, brackets=brackets,
                               **({"rung_system_kwargs": {"epsilon": 0.01}} if type == "pasha" else {}))
    running = dict(trials)
    next_id = len(trials)
    for step in range(40):
        if not running:
            break
        trial_id = min(running)
        trial = running[trial_id]
        epoch = getattr(trial, "_epoch", 0) + 1
        trial._epoch = epoch
        decision = _report(scheduler, trial, epoch)
        if decision != SchedulerDecision.CONTINUE or epoch == 9:
            if decision == SchedulerDecision.CONTINUE:
                scheduler.on_trial_complete(trial, {"epoch": epoch, "loss": _loss(trial.config, epoch)})
            else:
                scheduler.on_trial_remove(trial)
            del running[trial_id]
            suggestion = scheduler.suggest(next_id)
            if suggestion is not None and suggestion.spawn_new_trial_id:
                running[next_id] = Trial(next_id, suggestion.config)
                scheduler.on_trial_add(running[next_id])
                next_id += 1
    searcher = scheduler.searcher
    assert searcher.dataset_size() >= 4
    assert next_id > 4, "new configs were suggested after data came in"
    keys = [searcher.match_string({k: trial.config[k] for k in ("x", "y")}) for trial in trials.values()]
    assert len(set(keys)) == len(keys)


def test_pending_entries_are_fantasized_and_cleaned_up():
    searcher = _searcher(num_init_random=1)
    c0 = searcher.get_config(trial_id="0")
    searcher.register_pending("0", c0, milestone=1)
    searcher.register_pending("0", c0, milestone=1)      # no-op when already pending
    assert searcher.pending_evaluations() == [("0", 1)]
    _feed(searcher, "0", c0, [1])
    assert searcher.pending_evaluations() == []
    searcher.register_pending("0", c0, milestone=1)      # already observed: ignored
    searcher.register_pending("0", c0, milestone=3)
    c1 = searcher.get_config(trial_id="1")
    searcher.register_pending("1", c1, milestone=1)
    assert searcher.pending_evaluations() == [("0", 3), ("1", 1)]
    c2 = searcher.get_config(trial_id="2")               # BO with two fantasized entries
    assert "BO" in searcher._decision and "pending=2" in searcher._decision
    assert searcher.match_string(c2) not in {searcher.match_string(c) for c in (c0, c1)}
    searcher.cleanup_pending("0")
    assert searcher.pending_evaluations() == [("1", 1)]
    searcher.evaluation_failed("1")
    assert searcher.pending_evaluations() == []
    with pytest.raises(ValueError, match="milestone"):
        searcher.register_pending("3", c2)


def test_same_seed_same_suggestions():
    def run():
        searcher = _searcher(num_init_random=2)
        configs = []
        for i in range(5):
            config = searcher.get_config(trial_id=str(i))
            configs.append(config)
            searcher.register_pending(str(i), config, milestone=1)
            _feed(searcher, str(i), config, [1, 2])
        return configs, searcher.model_parameters()
    first, second = run(), run()
    assert first == second
    assert "warping_a" in first[1]          # parameters of the default kernel, matern52-res-warp


def test_configs_are_never_suggested_twice_in_a_small_space():
    space = {"a": randint(0, 2), "b": randint(0, 1), "epochs": 9}
    searcher = GPMultiFidelitySearcher(space, metric="loss", resource_attr="epoch", max_t=9, random_seed=0,
                                       num_init_random=1, debug_log=False)
    seen = []
    for i in range(6):
        config = searcher.get_config(trial_id=str(i))
        seen.append((config["a"], config["b"]))
        for epoch in (1, 3):
            searcher.on_trial_result(str(i), config, {"loss": config["a"] + 1 / epoch, "epoch": epoch}, update=True)
    assert sorted(seen) == sorted({(a, b) for a in range(3) for b in range(2)})
    assert searcher.get_config(trial_id="6") is None


def test_refit_policy_with_opt_skip_num_max_resource():
    searcher = _searcher(num_init_random=1, opt_skip_num_max_resource=True, opt_skip_init_length=3)
    config = searcher.get_config(trial_id="0")
    _feed(searcher, "0", config, [1, 3])
    _, refit = searcher._posterior()
    assert refit                                     # below init length (2 < 3): always refit
    _feed(searcher, "0", config, [4])
    _, refit = searcher._posterior()
    assert not refit                                 # no new observation at max_t
    _feed(searcher, "0", config, [9])
    _, refit = searcher._posterior()
    assert refit
    _feed(searcher, "0", config, [5])
    assert searcher._posterior()[1] is False
    plain = _searcher(num_init_random=1, opt_skip_init_length=3)
    _feed(plain, "0", config, [1, 3, 4])
    plain._posterior()
    _feed(plain, "0", config, [5])
    assert plain._posterior()[1] is True


@pytest.mark.parametrize("kwargs, name", [
    ({"gp_resource_kernel": "expdecay"}, "gp_resource_kernel"),
    ({"resource_acq_bohb_threshold": 0}, "resource_acq_bohb_threshold"),
    ({"opt_skip_num_max_resource": "yes"}, "opt_skip_num_max_resource"),
    ({"opt_skip_period": 0}, "opt_skip_period"),
    ({"num_init_randm": 3}, "num_init_randm"),
])
def test_bad_options_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        _searcher(**kwargs)


def test_bad_constructor_arguments_and_results():
    with pytest.raises(ValueError, match="max_t"):
        GPMultiFidelitySearcher(SPACE, metric="loss", resource_attr="epoch")
    searcher = _searcher()
    config = searcher.get_config(trial_id="0")
    with pytest.raises(ValueError, match="'epoch'"):
        searcher.on_trial_result("0", config, {"loss": 1.0}, update=True)
    with pytest.raises(ValueError, match="'loss'"):
        searcher.on_trial_result("0", config, {"epoch": 1}, update=True)
    with pytest.raises(ValueError, match="epoch"):
        searcher.remove_case("0")


def test_default_options():
    searcher = _searcher()
    assert searcher.options.num_init_random == 6
    assert searcher.options.gp_resource_kernel == "matern52-res-warp"
    assert searcher.model.name == "matern52-res-warp"


def test_model_finds_good_configs_from_low_resource_data():
    """Trials seen at low resource only still steer BO: later picks beat the random ones at max_t."""
    searcher = _searcher(num_init_random=6)
    finals = []
    for i in range(14):
        config = searcher.get_config(trial_id=str(i))
        _feed(searcher, str(i), config, [1, 3] if i % 2 else [1, 3, 9])
        finals.append(_loss(config, 9))
    assert np.median(finals[8:]) < np.median(finals[:6])


def test_refits_past_init_length_are_one_warm_started_run(monkeypatch):
    from syne_tune.optimizer.schedulers.searchers import gp_searcher

    calls = []
    original = gp_searcher.fit_hyperparameters

    def recording_fit(model, X, y, init_params, **kwargs):
        calls.append((X.shape[0], init_params, kwargs["num_restarts"], kwargs["warm_start"]))
        return original(model, X, y, init_params, **kwargs)

    monkeypatch.setattr(gp_searcher, "fit_hyperparameters", recording_fit)
    searcher = _searcher(num_init_random=1, opt_skip_init_length=4, opt_nstarts=2)
    config = searcher.get_config(trial_id="0")
    _feed(searcher, "0", config, [1, 3])
    searcher._posterior()
    previous = searcher._params
    _feed(searcher, "0", config, [4])
    searcher._posterior()
    assert calls[-1][0] == 3 and calls[-1][2] == 2 and calls[-1][3] is previous   # below init length
    previous = searcher._params
    _feed(searcher, "0", config, [5, 9])
    searcher._posterior()
    n, init, restarts, warm = calls[-1]
    assert (n, restarts, warm) == (5, 1, None) and init is previous


def test_posterior_extends_the_last_factorization_between_refits(monkeypatch):
    from syne_tune.gp import posterior as posterior_module
    from syne_tune.optimizer.schedulers.searchers import gp_searcher

    extended = []
    original = posterior_module.extend_posterior

    def recording_extend(state, X_new, *args):
        extended.append((state.X.shape[0], X_new.shape[0]))
        return original(state, X_new, *args)

    monkeypatch.setattr(gp_searcher, "extend_posterior", recording_extend)
    searcher = _searcher(num_init_random=1, opt_skip_init_length=2, opt_skip_period=100)
    config = searcher.get_config(trial_id="0")
    _feed(searcher, "0", config, [1, 3])
    searcher._posterior()                                  # refit at n = 2: full factorization
    assert extended == []
    other = searcher.get_config(trial_id="1")
    _feed(searcher, "1", other, [1, 3, 9])
    state, refit = searcher._posterior()
    assert not refit and extended == [(2, 3)]
    full = posterior_module.compute_posterior(searcher.model, searcher._params, state.X, state.Y,
                                              state.y_shift, state.y_scale)
    np.testing.assert_allclose(state.L, full.L, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(state.alpha, full.alpha, rtol=1e-6, atol=1e-8)


def test_subsampled_model_data_keeps_observations_at_r_acq_and_the_best():
    searcher = _searcher(max_size_data_for_model=20)
    X, y, keys = [], [], []
    for i in range(16):
        config = {"x": (i * 0.37) % 1.0, "y": (i * 13) % 100}
        epochs = [1, 3, 9] if i % 4 == 0 else [1, 3] if i % 2 else [1]
        _feed(searcher, str(i), config, epochs)
        for epoch in epochs:
            X.append(searcher._extended(config, epoch)); y.append(_loss(config, epoch)); keys.append(epoch)
    X, y, keys = np.array(X), np.array(y), np.array(keys)
    assert searcher.dataset_size() == len(y) == 32
    searcher.get_config(trial_id="16")                                  # the midpoint (points_to_evaluate)
    searcher.get_config(trial_id="17")                                  # BO: sets r_acq
    assert searcher._r_acq == 9
    state, _ = searcher._posterior()
    assert state.X.shape[0] == 20
    kept = [i for i, x in enumerate(X) if np.any(np.all(np.isclose(state.X, x), axis=1))]
    assert set(np.flatnonzero(keys == 9)) <= set(kept)                  # all 4 rows at r_acq
    assert set(np.argsort(y)[:5]) <= set(kept)                          # the 25 % best
    again = _searcher(max_size_data_for_model=20)
    for i in range(16):
        config = {"x": (i * 0.37) % 1.0, "y": (i * 13) % 100}
        _feed(again, str(i), config, [1, 3, 9] if i % 4 == 0 else [1, 3] if i % 2 else [1])
    again.get_config(trial_id="16")
    again.get_config(trial_id="17")
    np.testing.assert_array_equal(again._posterior()[0].X, state.X)   # deterministic given the seed


def test_bad_max_size_data_for_model_is_named_for_mobster():
    with pytest.raises(ValueError, match="max_size_data_for_model"):
        _searcher(max_size_data_for_model=0)
    assert _searcher(max_size_data_for_model=None).options.max_size_data_for_model is None


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_metric_never_aborts_mobster(mode, bad):
    searcher = GPMultiFidelitySearcher(SPACE, metric="m", mode=mode, resource_attr="epoch", max_t=9,
                                       random_seed=3, num_init_random=2, debug_log=False)
    sign = 1.0 if mode == "min" else -1.0
    for i in range(5):
        config = searcher.get_config(trial_id=str(i))
        searcher.register_pending(str(i), config, milestone=1)
        for epoch in (1, 3):
            value = bad if (i == 1 or (i == 3 and epoch == 3)) else sign * _loss(config, epoch)
            searcher.on_trial_result(str(i), config, {"m": value, "epoch": epoch}, update=True)
    searcher.get_config(trial_id="5")
    assert "BO" in searcher._decision
    state, _ = searcher._posterior()
    assert state.X.shape[0] == 10 and np.all(np.isfinite(state.Y))
    assert all(np.isfinite(v) for v in searcher.model_parameters().values())


def test_remove_then_add_at_the_same_size_refreshes_the_posterior():
    searcher = _searcher(num_init_random=1)
    config = searcher.get_config(trial_id="0")
    _feed(searcher, "0", config, [1, 3])
    before, _ = searcher._posterior()
    searcher.remove_case("0", epoch=3)
    _feed(searcher, "0", config, [4])
    after, _ = searcher._posterior()
    assert after is not before
    np.testing.assert_allclose(after.X[:, -1], [searcher.encode_resource(1), searcher.encode_resource(4)])


def test_refits_once_the_data_grew_by_the_multifidelity_refit_growth(monkeypatch):
    from syne_tune.optimizer.schedulers.searchers import gp_searcher

    sizes = []
    original = gp_searcher.fit_hyperparameters

    def recording_fit(model, X, y, init_params, **kwargs):
        sizes.append(X.shape[0])
        return original(model, X, y, init_params, **kwargs)

    monkeypatch.setattr(gp_searcher, "fit_hyperparameters", recording_fit)
    searcher = _searcher(num_init_random=1, opt_maxiter=5, refit_growth_below_init_length=0.25)
    for trial in range(10):
        config = {"x": (trial * 0.37) % 1.0, "y": (trial * 13) % 100, "epochs": 9}
        for epoch in (1, 3):
            _feed(searcher, str(trial), config, [epoch])
            searcher._posterior()
    # once the data grew by 25 % since the last fit: 5 >= 1.25·4, 7 >= 1.25·5, 9, 12, 15, 19
    assert sizes == [1, 2, 3, 4, 5, 7, 9, 12, 15, 19]
