"""GP encoding of the original library's extra domains: numeric columns, proposals on the q grid,
reverse-log and normal warps, sample_from rejected with a clear message."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune.config_space import (
    qloguniform, qlograndint, qrandint, qrandn, quniform, randn, reverseloguniform, sample_from, uniform,
)
from syne_tune.gp.encoding import ConfigEncoding
from syne_tune.optimizer.schedulers.searchers.gp_searcher import GPFIFOSearcher

SPACE = {"a": quniform(0, 1, 0.25), "b": qloguniform(0.01, 1, 0.01), "c": qrandint(0, 100, 10),
         "d": qlograndint(8, 512, 8), "m": reverseloguniform(0.5, 0.9999), "z": randn(1.0, 2.0),
         "zq": qrandn(0.0, 1.0, 0.5)}
GRIDS = {"a": 0.25, "b": 0.01, "c": 10, "d": 8, "zq": 0.5}


def _on_grid(value, q):
    return abs(round(value / q) * q - value) < 1e-9


def test_every_new_domain_is_one_numeric_column():
    enc = ConfigEncoding(SPACE)
    assert enc.dim == len(SPACE) and not any(col.one_hot for col in enc.columns)


def test_decoding_any_point_proposes_only_grid_values():
    enc = ConfigEncoding(SPACE)
    X = np.random.RandomState(0).uniform(size=(500, enc.dim))
    values = enc.decode_columns(X)
    for name, q in GRIDS.items():
        assert all(_on_grid(v, q) for v in values[name]), name
    assert all(SPACE[name].is_valid(v) for name in SPACE for v in values[name])
    # the q grid is numeric: the column order of values is preserved (monotone decoding)
    u = np.linspace(0, 1, 101)
    X = np.tile(u[:, None], (1, enc.dim))
    decoded = enc.decode_columns(X)
    for name in SPACE:
        assert np.all(np.diff(decoded[name]) >= 0), name


def test_quantized_values_round_trip():
    enc = ConfigEncoding(SPACE)
    config = {"a": 0.75, "b": 0.37, "c": 40, "d": 64, "m": 0.99, "z": -0.3, "zq": 1.5}
    decoded = enc.decode(enc.encode([config])[0])
    assert decoded["a"] == 0.75 and decoded["c"] == 40 and decoded["d"] == 64 and decoded["zq"] == 1.5
    assert decoded["b"] == pytest.approx(0.37) and decoded["m"] == pytest.approx(0.99)
    assert decoded["z"] == pytest.approx(-0.3)


def test_reverse_log_is_encoded_in_its_warped_space():
    enc = ConfigEncoding({"m": reverseloguniform(0.9, 0.9999)})
    # s(x) = -log(1 - x): s(0.9) = log 10, s(0.9999) = log 1e4, s(0.99) = log 100 -> 1/3
    assert enc.encode([{"m": 0.99}])[0, 0] == pytest.approx(1 / 3)
    samples = np.array(enc.decode_columns(enc.sample(5000, np.random.RandomState(0)))["m"])
    assert abs(np.mean(samples >= 0.99) - 2 / 3) < 0.03


def test_normal_is_encoded_by_its_cdf():
    enc = ConfigEncoding({"z": randn(1.0, 2.0)})
    assert enc.encode([{"z": 1.0}])[0, 0] == pytest.approx(0.5)
    assert enc.encode([{"z": 1.0 + 2.0 * 1.959964}])[0, 0] == pytest.approx(0.975, abs=1e-4)
    samples = np.array(enc.decode_columns(enc.sample(5000, np.random.RandomState(0)))["z"])
    assert abs(samples.mean() - 1.0) < 0.1 and abs(samples.std() - 2.0) < 0.1


def test_sample_from_cannot_be_encoded():
    with pytest.raises(ValueError, match="'f'.*searcher='random'"):
        ConfigEncoding({"x": uniform(0, 1), "f": sample_from(lambda: 1)})


def test_bayesopt_proposes_only_grid_values():
    space = {"a": quniform(0, 1, 0.25), "c": qrandint(0, 100, 10), "m": reverseloguniform(0.5, 0.999),
             "z": randn(0.0, 1.0)}
    searcher = GPFIFOSearcher(space, metric="loss", random_seed=0, num_init_random=3, debug_log=False,
                              opt_maxiter=10)
    for i in range(10):
        config = searcher.get_config(trial_id=str(i))
        assert _on_grid(config["a"], 0.25) and config["c"] % 10 == 0 and 0.5 <= config["m"] <= 0.999
        loss = (config["a"] - 0.5) ** 2 + (config["c"] / 100 - 0.3) ** 2 + config["z"] ** 2
        searcher.on_trial_result(str(i), config, {"loss": loss}, update=True)
    assert searcher.dataset_size() == 10
