"""HyperTuneSearcher (searcher='hypertune'): level weights from ranking quality, the ensemble EI,
HyperbandScheduler drawing brackets from the searcher's distribution, and HyperTune / SyncMOBSTER
with the original library's spellings end to end through the Tuner in simulated time."""
from __future__ import annotations

import dill
import numpy as np
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import randint, uniform
from syne_tune.optimizer.baselines import MOBSTER, HyperTune, SyncMOBSTER
from syne_tune.optimizer.schedulers import HyperbandScheduler
from syne_tune.optimizer.schedulers.searchers.hypertune import HyperTuneSearcher
from syne_tune.optimizer.schedulers.searchers.searcher import RandomSearcher

SPACE = {"x": uniform(0, 1), "y": uniform(0, 1)}


def g(config: dict) -> float:
    return (config["x"] - 0.3) ** 2 + (config["y"] - 0.7) ** 2


def _feed(searcher: HyperTuneSearcher, level_values: dict[int, callable], counts: dict[int, int]) -> None:
    """Reports for ``counts[r]`` configs at level r (the first configs reach the higher levels)."""
    rs = np.random.RandomState(0)
    configs = [{"x": rs.rand(), "y": rs.rand()} for _ in range(max(counts.values()))]
    for index, config in enumerate(configs):
        for r in sorted(counts):
            if index < counts[r]:
                result = {"loss": level_values[r](config, rs), "epoch": r}
                searcher.on_trial_result(str(index), config, result, update=True)


def _searcher(**options) -> HyperTuneSearcher:
    return HyperTuneSearcher(SPACE, metric="loss", points_to_evaluate=[], random_seed=1, resource_attr="epoch", max_t=9,
                             rung_levels=[1, 3, 9], debug_log=False, num_init_random=0, **options)


def test_levels_that_rank_like_the_top_level_get_the_weight_and_reversed_levels_none():
    counts = {1: 24, 3: 14, 9: 10}
    agreeing = _searcher()
    _feed(agreeing, {r: (lambda c, rs: g(c)) for r in counts}, counts)
    agreeing.get_config(trial_id="100")     # fits the GP, then computes the weights
    # lower levels rank the top configs exactly as the top level: they win every draw (ties: both)
    assert agreeing.ensemble == {1: 0.5, 3: 0.5}
    reversed_ = _searcher()
    _feed(reversed_, {1: lambda c, rs: -g(c), 3: lambda c, rs: -g(c), 9: lambda c, rs: g(c)}, counts)
    reversed_.get_config(trial_id="100")
    assert reversed_.ensemble == {9: 1.0}
    default = [0.6, 0.3, 0.1]
    # w ∝ θ / r: cheap brackets gain where low levels rank well, the top bracket where they do not
    assert agreeing.bracket_distribution(default) == pytest.approx([0.75, 0.25, 0.0])
    assert reversed_.bracket_distribution(default) == pytest.approx([0.0, 0.0, 1.0])


def test_before_two_levels_hold_six_results_ei_is_at_the_lowest_level_and_brackets_are_default():
    searcher = _searcher()
    _feed(searcher, {1: lambda c, rs: g(c), 3: lambda c, rs: g(c)}, {1: 12, 3: 5})
    searcher.get_config(trial_id="100")
    assert searcher.ensemble == {1: 1.0}
    assert searcher.bracket_distribution([0.7, 0.3]) == [0.7, 0.3]


def test_hyperband_draws_brackets_from_the_searchers_distribution():
    class LastBracketSearcher(RandomSearcher):
        def bracket_distribution(self, default):
            return [0.0] * (len(default) - 1) + [1.0]

    scheduler = HyperbandScheduler({**SPACE, "epochs": 9}, searcher=LastBracketSearcher({**SPACE, "epochs": 9}, metric="loss"),
                                   metric="loss", resource_attr="epoch", max_resource_attr="epochs", brackets=3,
                                   type="promotion")
    first_levels = {scheduler.suggest(i).config["epochs"] for i in range(10)}
    assert first_levels == {9}


def test_searcher_hypertune_is_multi_fidelity_only_and_options_are_checked():
    from syne_tune.optimizer.schedulers import FIFOScheduler

    with pytest.raises(ValueError, match="HyperbandScheduler"):
        FIFOScheduler(SPACE, searcher="hypertune", metric="loss")
    with pytest.raises(ValueError, match="hypertune_distribution_num_samples"):
        _searcher(hypertune_distribution_num_samples=0)
    with pytest.raises(ValueError, match="'model'"):
        HyperTune(SPACE, metric="loss", resource_attr="epoch", max_t=9, search_options={"model": "gp"})


@pytest.mark.parametrize("model", ["gp_independent", "gp_multitask"])
def test_models_and_the_hyperband_rung_levels_reach_the_searcher(model):
    scheduler = HyperTune(SPACE, metric="loss", resource_attr="epoch", max_t=27, grace_period=3,
                          search_options={"model": model, "hypertune_distribution_num_samples": 10})
    searcher = scheduler.searcher
    assert searcher.rung_levels == (3, 9, 27) and searcher.num_samples == 10
    assert searcher.model.base.name == ("gp_independent" if model == "gp_independent" else "matern52-res-warp")
    if model == "gp_independent":
        assert searcher.model.base.levels == (3, 9, 27)
    assert MOBSTER(SPACE, metric="loss", resource_attr="epoch", max_t=27,
                   search_options={"model": "gp_independent"}).searcher.model.name == "gp_independent"


def _blackbox():
    def evaluate(config, epoch, seed):
        return {"loss": g(config) + 0.3 / epoch, "elapsed_time": float(epoch)}

    return from_function(SPACE, evaluate, fidelity_space={"epoch": randint(1, 9)},
                         objectives_names=["loss", "elapsed_time"], fidelity_values=list(range(1, 10)))


def _tune(scheduler, seconds: float = 120.0) -> Tuner:
    backend = UserBlackboxBackend(_blackbox(), elapsed_time_attr="elapsed_time", max_resource_attr="epochs")
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=seconds), n_workers=4, progress="off")
    tuner.run()
    return tuner


def test_hypertune_with_the_original_spelling_through_the_tuner(tmp_path):
    scheduler = HyperTune({**SPACE, "epochs": 9}, metric="loss", resource_attr="epoch", max_resource_attr="epochs",
                          brackets=3, random_seed=2, search_options={"model": "gp_independent"})
    tuner = _tune(scheduler)
    _, best = tuner.best_trial()
    searcher = scheduler.searcher
    assert best < 0.3 + 0.05
    assert searcher.bracket_distribution(scheduler.bracket_probabilities) != scheduler.bracket_probabilities
    restored = dill.loads(dill.dumps(scheduler))
    assert restored.searcher.ensemble == searcher.ensemble and restored.suggest(10_000) is not None


def test_sync_mobster_with_the_original_spelling_through_the_tuner():
    scheduler = SyncMOBSTER({**SPACE, "epochs": 9}, metric="loss", resource_attr="epoch", max_resource_level=9,
                            max_resource_attr="epochs", random_seed=3)
    assert scheduler.max_t == 9 and scheduler.searcher.model.name == "gp_independent"
    assert scheduler.searcher.model.levels == (1, 3, 9)
    tuner = _tune(scheduler)
    _, best = tuner.best_trial()
    assert best < 0.3 / 9 + 0.05 and scheduler.searcher.dataset_size() > 10
