import pytest

from syne_tune.config_space import choice, finrange, logfinrange, loguniform, lograndint, randint, uniform
from syne_tune.optimizer.schedulers.searchers import RandomSearcher, impute_points_to_evaluate


def test_midpoint_rule():
    space = {"a": randint(4, 1024), "b": loguniform(1e-6, 1), "c": lograndint(3, 15), "d": finrange(0.1, 0.9, 9),
             "e": uniform(0, 1), "f": choice(["x", "y"]), "g": logfinrange(1, 64, 7), "const": 3}
    (point,) = impute_points_to_evaluate(None, space)
    assert point["a"] == 514 and point["b"] == pytest.approx(1e-3) and point["c"] == 7
    assert point["d"] == pytest.approx(0.5) and point["e"] == 0.5 and point["f"] == "x" and point["g"] == pytest.approx(8)
    assert "const" not in point


def test_partial_points_are_completed_and_duplicates_dropped():
    space = {"a": randint(0, 10), "b": choice(["x", "y"])}
    points = impute_points_to_evaluate([{"b": "y"}, {"a": 5, "b": "y"}, {}], space)
    assert points == [{"a": 5, "b": "y"}, {"a": 5, "b": "x"}]
    assert impute_points_to_evaluate([], space) == []
    with pytest.raises(ValueError, match="a=11"):
        impute_points_to_evaluate([{"a": 11}], space)


def test_random_searcher_never_repeats_and_returns_none_when_exhausted():
    space = {"a": randint(0, 2), "b": choice(["x", "y"])}
    searcher = RandomSearcher(space, metric="loss", random_seed=0)
    configs = [searcher.get_config() for _ in range(6)]
    assert len({(c["a"], c["b"]) for c in configs}) == 6
    assert configs[0] == {"a": 1, "b": "x"}  # midpoint first
    assert searcher.get_config() is None


def test_same_seed_same_configs():
    space = {"u": uniform(0, 1), "n": randint(0, 100)}
    first = [RandomSearcher(space, "loss", random_seed=5).get_config() for _ in range(1)]
    a, b = RandomSearcher(space, "loss", random_seed=5), RandomSearcher(space, "loss", random_seed=5)
    assert [a.get_config() for _ in range(5)] == [b.get_config() for _ in range(5)]
    assert first[0] == {"u": 0.5, "n": 50}


def test_unknown_search_option_is_named():
    with pytest.raises(ValueError, match="debug_lg"):
        RandomSearcher({"u": uniform(0, 1)}, "loss", debug_lg=False)


def test_random_searcher_with_the_original_extra_domains():
    from syne_tune.config_space import qrandint, randn, reverseloguniform, sample_from
    space = {"q": qrandint(0, 100, 10), "m": reverseloguniform(0.5, 0.99), "z": randn(0.0, 1.0),
             "f": sample_from(lambda: "fixed")}
    searcher = RandomSearcher(space, metric="loss", random_seed=0)
    first = searcher.get_config()
    assert first["q"] == 50 and first["z"] == 0.0 and first["f"] == "fixed"
    assert first["m"] == pytest.approx(1 - (0.5 * 0.01) ** 0.5)
    for _ in range(5):
        config = searcher.get_config()
        assert config["q"] % 10 == 0 and 0.5 <= config["m"] <= 0.99 and config["f"] == "fixed"
