from __future__ import annotations

import numpy as np
import pytest

from syne_tune.config_space import choice, finrange, loguniform, lograndint, randint, uniform
from syne_tune.gp.encoding import ConfigEncoding

SPACE = {
    "lr": loguniform(1e-6, 1.0), "units": randint(4, 1024), "layers": lograndint(1, 64),
    "act": choice(["relu", "tanh", "elu"]), "bn": choice([True, False]), "drop": finrange(0.1, 0.9, 9),
    "x": uniform(-2.0, 3.0), "epochs": 81, "one": choice(["only"]),
}


def test_dimension_sorted_keys_and_constants_dropped():
    enc = ConfigEncoding(SPACE)
    names = [c.name for c in enc.columns]
    assert names == sorted(k for k in SPACE if k != "epochs")
    # act: 3 one-hot, bn: 1, one: 1 (one-hot width 1), others 1 each
    assert enc.dim == 3 + 1 + 1 + 1 + 1 + 1 + 1 + 1


def test_round_trip_of_random_configs():
    enc = ConfigEncoding(SPACE)
    rs = np.random.RandomState(0)
    for _ in range(50):
        config = {k: v.sample(random_state=rs) for k, v in SPACE.items() if k != "epochs"}
        decoded = enc.decode(enc.encode([config])[0])
        for k, v in config.items():
            if isinstance(v, float):
                assert decoded[k] == pytest.approx(v, rel=1e-9)
            else:
                assert decoded[k] == v


def test_integer_and_two_category_codes():
    enc = ConfigEncoding({"n": randint(0, 3), "b": choice(["a", "b"]), "f": finrange(0.0, 1.0, 4)})
    X = enc.encode([{"n": 0, "b": "a", "f": 0.0}, {"n": 3, "b": "b", "f": 1.0}])
    # column order b, f, n; (v - lower + 0.5) / (upper - lower + 1)
    np.testing.assert_allclose(X, [[0.25, 0.125, 0.125], [0.75, 0.875, 0.875]], atol=1e-7)


def test_decode_clips_and_rounds():
    enc = ConfigEncoding({"n": randint(1, 10), "x": loguniform(1e-3, 1.0)})
    config = enc.decode(np.array([1.7, -0.3]))
    assert config == {"n": 10, "x": pytest.approx(1e-3)}
    assert isinstance(config["n"], int)


def test_log_scale_midpoint():
    enc = ConfigEncoding({"x": loguniform(1e-4, 1.0)})
    assert enc.encode([{"x": 1e-2}])[0, 0] == pytest.approx(0.5)


def test_sample_gives_valid_snapped_points():
    enc = ConfigEncoding(SPACE)
    X = enc.sample(200, np.random.RandomState(1))
    assert X.shape == (200, enc.dim)
    np.testing.assert_allclose(enc.snap(X), X)
    bounds = enc.bounds
    assert np.all(X >= bounds[:, 0]) and np.all(X <= bounds[:, 1])
    acts = {enc.decode(x)["act"] for x in X}
    assert acts == {"relu", "tanh", "elu"}
