import argparse

import numpy as np
import pytest

from syne_tune.config_space import (
    Categorical, add_to_argparse, cast_config_values, choice, config_space_size, finrange, from_dict,
    logfinrange, loguniform, lograndint, randint, to_dict, uniform,
)


def test_randint_includes_both_ends_and_returns_python_ints():
    values = randint(3, 5).sample(size=2000, random_state=np.random.RandomState(0))
    assert set(values) == {3, 4, 5}
    assert all(type(v) is int for v in values)


def test_single_sample_is_a_python_scalar():
    rs = np.random.RandomState(1)
    assert type(uniform(0, 1).sample(random_state=rs)) is float
    assert type(randint(0, 9).sample(random_state=rs)) is int
    assert choice(["a", "b"]).sample(random_state=rs) in ("a", "b")


def test_loguniform_is_uniform_in_log_space():
    values = np.array(loguniform(1e-4, 1).sample(size=20000, random_state=np.random.RandomState(0)))
    assert values.min() >= 1e-4 and values.max() <= 1
    # a quarter of the log range lies below 1e-3
    assert abs(np.mean(values < 1e-3) - 0.25) < 0.02


def test_lograndint_follows_the_tutorial_rule():
    # x ~ U[log(0.5), log(3.5)], value round(exp(x)): P(1) = (log 1.5 - log 0.5) / (log 3.5 - log 0.5)
    values = np.array(lograndint(1, 3).sample(size=40000, random_state=np.random.RandomState(0)))
    expected = (np.log(1.5) - np.log(0.5)) / (np.log(3.5) - np.log(0.5))
    assert abs(np.mean(values == 1) - expected) < 0.01
    assert set(values.tolist()) == {1, 2, 3}


def test_finrange_and_logfinrange_grids():
    assert finrange(0.1, 0.9, 9).values == pytest.approx([0.1 * i for i in range(1, 10)])
    assert logfinrange(8, 512, 7, cast_int=True).values == [8, 16, 32, 64, 128, 256, 512]
    assert len(finrange(0, 1, 5)) == 5


@pytest.mark.parametrize("make, name", [
    (lambda: uniform(2, 1), "lower"),
    (lambda: randint(5, 1), "lower"),
    (lambda: loguniform(0, 1), "lower"),
    (lambda: lograndint(0, 10), "lower"),
    (lambda: choice([]), "categories"),
    (lambda: finrange(0, 1, 0), "size"),
    (lambda: randint(0.5, float("nan")), "upper"),
])
def test_invalid_bounds_raise_naming_the_argument(make, name):
    with pytest.raises(ValueError, match=f"'{name}'"):
        make()


def test_cast_and_size_and_roundtrip():
    space = {"a": randint(1, 4), "b": choice(["x", "y"]), "c": finrange(0, 1, 3), "const": 7}
    assert config_space_size(space) == 4 * 2 * 3
    assert config_space_size({"u": uniform(0, 1)}) is None
    assert cast_config_values({"a": 2.6, "b": "y", "c": 0.49, "other": 1}, space) == {"a": 3, "b": "y", "c": 0.5}
    for domain in (uniform(0, 2), loguniform(1, 5), randint(0, 3), choice(["p", "q"]), logfinrange(1, 8, 4)):
        assert from_dict(to_dict(domain)) == domain


def test_categorical_snaps_nearby_numbers():
    assert Categorical([0.001, 0.01]).cast(0.01000001) == 0.01


def test_add_to_argparse_parses_types():
    parser = argparse.ArgumentParser()
    add_to_argparse(parser, {"n": randint(1, 3), "lr": loguniform(1e-3, 1), "name": choice(["a", "b"]), "epochs": 5})
    args = parser.parse_args(["--n", "2", "--lr", "0.01", "--name", "b", "--epochs", "5"])
    assert (args.n, args.lr, args.name, args.epochs) == (2, 0.01, "b", 5)
