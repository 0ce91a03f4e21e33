"""The discrete acquisition search: finite spaces, enumeration, neighbours, local search, exclusions."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune.config_space import choice, config_to_match_string, finrange, logfinrange, randint, uniform
from syne_tune.gp.discrete_search import (
    choose_next_discrete, discrete_space, local_search, log_ei, neighbours,
)
from syne_tune.gp.encoding import ConfigEncoding

NAS_LIKE = {f"op{i}": choice(["a", "b", "c", "d"]) for i in range(4)}                      # 256 configs
MIXED = {"act": choice(["relu", "tanh"]), "lr": choice([1e-3, 1e-2, 1e-1]), "units": logfinrange(16, 128, 4),
         "dropout": finrange(0.0, 0.6, 3), "layers": randint(1, 3), "batch": 32}                  # 216 configs


def _keys(encoding, X, space):
    names = [c.name for c in encoding.columns]
    return [config_to_match_string(encoding.decode(x), space, names) for x in X]


def _additive_predict(weights):
    """A posterior whose mean is linear in the encoding (so separable) and std is constant."""
    def predict(X):
        return (X @ weights)[:, None], np.full(X.shape[0], 0.1)
    return predict


@pytest.mark.parametrize("space, size", [(NAS_LIKE, 256), (MIXED, 216)])
def test_enumeration_holds_every_config_once(space, size):
    encoding = ConfigEncoding(space)
    discrete = discrete_space(encoding)
    assert discrete.size == size and discrete.X_all.shape == (size, encoding.dim)
    keys = _keys(encoding, discrete.X_all, space)
    assert len(set(keys)) == size
    np.testing.assert_array_equal(encoding.snap(discrete.X_all), discrete.X_all)   # every row is a config


@pytest.mark.parametrize("extra", [uniform(0.0, 1.0), randint(1, 1000)])
def test_continuous_or_large_ranges_are_not_discrete(extra):
    assert discrete_space(ConfigEncoding(dict(NAS_LIKE, x=extra))) is None


def test_large_space_is_not_enumerated():
    discrete = discrete_space(ConfigEncoding(NAS_LIKE), max_enumerate=100)
    assert discrete.size == 256 and discrete.X_all is None


def test_neighbours_differ_in_at_most_one_hyperparameter():
    encoding = ConfigEncoding(MIXED)
    discrete = discrete_space(encoding)
    X = encoding.sample(3, np.random.RandomState(0))
    N = neighbours(discrete, X)
    assert N.shape == (3, 2 + 3 + 4 + 3 + 3, encoding.dim)
    for x, block in zip(X, N):
        origin = encoding.decode(x)
        changed = [sum(encoding.decode(n)[k] != origin[k] for k in origin) for n in block]
        assert max(changed) == 1 and changed.count(0) == len(encoding.columns)
        assert len(set(_keys(encoding, block, MIXED))) == block.shape[0] - len(encoding.columns) + 1


def test_local_search_finds_the_optimum_of_a_separable_score():
    encoding = ConfigEncoding(MIXED)
    discrete = discrete_space(encoding)
    predict = _additive_predict(np.random.RandomState(1).randn(encoding.dim))
    best = np.array([0.0])
    exhaustive = discrete.X_all[np.argmax(log_ei(discrete.X_all, predict, best))]
    X, score = local_search(discrete, encoding.sample(2, np.random.RandomState(2)), predict, best)
    np.testing.assert_array_equal(X[np.argmax(score)], exhaustive)
    assert X.shape[0] == np.unique(X, axis=0).shape[0] < discrete.size       # scored a part of the space only


@pytest.mark.parametrize("max_enumerate", [None, 0])
def test_choice_skips_excluded_configs_and_gives_up_when_all_are(max_enumerate):
    encoding = ConfigEncoding(NAS_LIKE)
    discrete = discrete_space(encoding, max_enumerate=max_enumerate)
    predict = _additive_predict(np.random.RandomState(3).randn(encoding.dim))
    candidates = encoding.sample(20, np.random.RandomState(4))
    first = choose_next_discrete(discrete, candidates, predict, np.array([0.0]), is_excluded=lambda x: False)
    excluded = {tuple(first.x)}
    second = choose_next_discrete(discrete, candidates, predict, np.array([0.0]),
                                  is_excluded=lambda x: tuple(x) in excluded)
    assert tuple(second.x) not in excluded and second.ei <= first.ei and second.rank == 1
    assert first.how == ("enumerated" if max_enumerate is None else "local search")
    assert choose_next_discrete(discrete, candidates, predict, np.array([0.0]), is_excluded=lambda x: True) is None


def test_enumeration_gives_way_to_local_search_when_the_gp_has_many_rows():
    encoding = ConfigEncoding(NAS_LIKE)
    discrete = discrete_space(encoding)
    predict = _additive_predict(np.random.RandomState(3).randn(encoding.dim))
    candidates = encoding.sample(20, np.random.RandomState(4))
    hows = [choose_next_discrete(discrete, candidates, predict, np.array([0.0]), is_excluded=lambda x: False,
                                 num_rows=rows, max_enumerate_work=256 * 10).how for rows in (10, 11)]
    assert hows == ["enumerated", "local search"]


def test_pickle_leaves_out_the_enumerated_configs():
    import pickle

    discrete = discrete_space(ConfigEncoding(NAS_LIKE))
    full = discrete.X_all.copy()
    restored = pickle.loads(pickle.dumps(discrete))
    assert restored._X_all is None and len(pickle.dumps(discrete)) < full.nbytes / 4
    np.testing.assert_array_equal(restored.X_all, full)
