"""The original library's extra domains: q-grids, reverse-log, normal, sample_from, restrict_domain."""
from __future__ import annotations

import argparse

import numpy as np
import pytest

from syne_tune.config_space import (
    FiniteRange, Float, Function, Integer, Normal, add_to_argparse, config_space_size, default_value, finrange,
    from_dict, is_reverse_log_space, logfinrange, lograndint, loguniform, qloguniform, qlograndint, qrandint,
    qrandn, quniform, randint, randn, restrict_domain, reverseloguniform, sample_from, to_dict, uniform,
)

N = 20000


def _draws(domain, n=N, seed=0):
    return np.array(domain.sample(size=n, random_state=np.random.RandomState(seed)))


def _on_grid(values, q):
    return np.allclose(np.round(values / q) * q, values, rtol=0, atol=1e-9)


def test_quniform_draws_lie_on_the_grid_and_cover_it():
    values = _draws(quniform(0.0, 1.0, 0.25))
    assert _on_grid(values, 0.25) and values.min() == 0.0 and values.max() == 1.0
    levels, counts = np.unique(values, return_counts=True)
    assert list(levels) == [0.0, 0.25, 0.5, 0.75, 1.0]
    # round(v / q) * q of a uniform draw: interior values get q of mass, the ends q / 2
    np.testing.assert_allclose(counts / N, [0.125, 0.25, 0.25, 0.25, 0.125], atol=0.015)
    assert all(type(v) is float for v in values.tolist())


def test_qloguniform_is_on_the_grid_and_denser_at_small_values():
    values = _draws(qloguniform(0.01, 10.0, 0.01))
    assert _on_grid(values, 0.01) and values.min() >= 0.01 and values.max() <= 10.0
    # log-uniform: P(v <= 0.1) = log(10) / log(1000) = 1/3 (up to rounding at 0.1)
    assert abs(np.mean(values <= 0.1) - 1 / 3) < 0.02


def test_quantized_float_bounds_must_be_multiples_of_q():
    with pytest.raises(ValueError, match="'upper' argument of quniform must be a multiple of q"):
        quniform(0, 1, 0.3)
    with pytest.raises(ValueError, match="'q'"):
        quniform(0, 1, 0)


def test_qrandint_rounds_a_uniform_integer_to_multiples_of_q():
    values = _draws(qrandint(0, 10, 5))
    levels, counts = np.unique(values, return_counts=True)
    assert list(levels) == [0, 5, 10]
    # randint(0, 10) then round(v / 5) * 5: 0..2 -> 0, 3..7 -> 5, 8..10 -> 10
    np.testing.assert_allclose(counts / N, [3 / 11, 5 / 11, 3 / 11], atol=0.015)
    assert all(type(v) is int for v in values.tolist())


def test_qrandint_stays_inside_the_bounds():
    # The original could return 0 here (round(1 / 3) * 3); values are kept on the grid inside [1, 10].
    assert set(_draws(qrandint(1, 10, 3)).tolist()) == {3, 6, 9}
    assert len(qrandint(1, 10, 3)) == 3 and config_space_size({"a": qrandint(0, 10, 5)}) == 3
    with pytest.raises(ValueError, match="'q'"):
        qrandint(1, 2, 5)
    with pytest.raises(ValueError, match="'q'"):
        qrandint(0, 10, 2.5)


def test_qlograndint_is_on_the_grid_and_log_distributed():
    values = _draws(qlograndint(10, 10000, 10))
    assert np.all(values % 10 == 0) and values.min() >= 10 and values.max() <= 10000
    assert abs(np.mean(values <= 100) - 1 / 3) < 0.02


def test_reverseloguniform_puts_its_mass_near_the_upper_bound():
    domain = reverseloguniform(0.9, 0.9999)
    values = _draws(domain)
    assert values.min() >= 0.9 and values.max() <= 0.9999
    # 1 - x is log-uniform on [1e-4, 0.1]: P(x >= 0.99) = log(0.01 / 1e-4) / log(0.1 / 1e-4) = 2/3,
    # where a uniform draw would give 0.1.
    assert abs(np.mean(values >= 0.99) - 2 / 3) < 0.015
    assert is_reverse_log_space(domain) and not is_reverse_log_space(uniform(0, 1))
    with pytest.raises(ValueError, match="0 <= lower <= upper < 1"):
        reverseloguniform(0.5, 1.0)


def test_randn_and_qrandn():
    values = _draws(randn(2.0, 3.0))
    assert abs(values.mean() - 2.0) < 0.1 and abs(values.std() - 3.0) < 0.1
    assert _on_grid(_draws(qrandn(0.0, 1.0, 0.5)), 0.5)
    assert len(randn()) == 0 and config_space_size({"z": randn()}) is None
    with pytest.raises(ValueError, match="'sd'"):
        randn(0.0, 0.0)


def test_sample_from_calls_the_function_with_or_without_spec():
    assert sample_from(lambda: 7).sample() == 7
    assert sample_from(lambda spec: spec.get("a", 3)).sample() == 3
    assert sample_from(lambda spec: spec["a"] * 2).sample(spec={"a": 4}) == 8
    assert sample_from(lambda: 1).sample(size=3) == [1, 1, 1]
    with pytest.raises(TypeError, match="'func'"):
        sample_from(3)


def test_randint_and_lograndint_round_float_bounds_as_the_original():
    with pytest.warns(UserWarning):
        domain = lograndint(1, 104857.6)
        rounded_both = randint(0.4, 3.6)
    assert (domain.lower, domain.upper) == (1, 104858)
    assert (rounded_both.lower, rounded_both.upper) == (0, 4)
    assert all(type(v) is int for v in domain.sample(size=10, random_state=np.random.RandomState(0)))


@pytest.mark.parametrize("make, message", [
    (lambda: randint(1.5, 3), r"randint\(1.5, 3\) takes integer bounds: rounded 'lower' 1.5 to 2, "
                              r"so the domain is randint\(2, 3\)"),
    (lambda: lograndint(2, 7.7), r"rounded 'upper' 7.7 to 8, so the domain is lograndint\(2, 8\)"),
    (lambda: qrandint(0.4, 9.6, 2), r"rounded 'lower' 0.4 to 0 and 'upper' 9.6 to 10"),
])
def test_a_rounded_integer_bound_warns_with_the_argument_and_its_new_value(make, message):
    # The original rounded silently, so randint(1.5, 3) never sampled the 1 its author may have meant.
    with pytest.warns(UserWarning, match=message) as caught:
        make()
    assert len(caught) == 1
    assert caught[0].filename == __file__  # points at the line that wrote the domain


def test_integral_bounds_do_not_warn():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert repr(randint(2.0, np.int64(3))) == "randint(2, 3)"
        assert repr(lograndint(1, 8)) == "lograndint(1, 8)"


def test_a_log_bound_that_rounds_to_zero_is_refused_with_the_rounded_value():
    with pytest.warns(UserWarning), pytest.raises(ValueError, match=r"'lower' argument of lograndint must be >= 1 "
                                                                    r"on a log scale. Got 0.4, which rounds to 0"):
        lograndint(0.4, 3)


@pytest.mark.parametrize("domain", [
    quniform(0, 1, 0.25), qloguniform(0.01, 1, 0.01), reverseloguniform(0.5, 0.999), qrandint(0, 10, 5),
    qlograndint(10, 1000, 10), randn(1.0, 2.0), qrandn(0.0, 1.0, 0.5), uniform(0, 1), randint(3, 9),
    lograndint(1, 104858), logfinrange(1, 64, 7, cast_int=True),
])
def test_to_dict_from_dict_round_trip(domain):
    import json
    rebuilt = from_dict(json.loads(json.dumps(to_dict(domain))))
    assert rebuilt == domain and repr(rebuilt) == repr(domain)


def test_sample_from_is_described_but_cannot_be_rebuilt():
    def draw():
        return 1
    description = to_dict(sample_from(draw))
    assert description["domain_cls"] == "Function" and "draw" in description["domain_kwargs"]["func"]
    with pytest.raises(ValueError, match="Function"):
        from_dict(description)


def test_cast_and_is_valid_snap_to_the_grid():
    assert quniform(0, 1, 0.25).cast(0.3) == 0.25 and qrandint(0, 10, 5).cast(8) == 10
    assert quniform(0, 1, 0.25).is_valid(0.5) and not quniform(0, 1, 0.25).is_valid(0.3)
    assert qrandint(0, 10, 5).is_valid(5) and not qrandint(0, 10, 5).is_valid(4)
    assert randn().is_valid(-1e6) and not randn().is_valid(float("nan"))


@pytest.mark.parametrize("domain, lower, upper, expected", [
    (uniform(0, 10), 2, 3, Float(2, 3)),
    (loguniform(1e-4, 1), 1e-3, 1e-2, Float(1e-3, 1e-2, log_scale=True)),
    (reverseloguniform(0.5, 0.999), 0.9, 0.99, Float(0.9, 0.99, reverse_log=True)),
    (quniform(0, 1, 0.25), 0.2, 0.8, Float(0.25, 0.75, q=0.25)),
    (randint(0, 100), 10.4, 20, Integer(10, 20)),
    (qrandint(0, 100, 10), 12, 48, Integer(10, 50, q=10)),
    (finrange(0, 1, 11), 0.2, 0.5, FiniteRange(0.2, 0.5, 4)),
])
def test_restrict_domain_keeps_the_kind_of_domain(domain, lower, upper, expected):
    restricted = restrict_domain(domain, lower, upper)
    assert restricted == expected


def test_restrict_domain_rejects_bad_input():
    with pytest.raises(ValueError, match="numerical_domain"):
        restrict_domain(randn(), 0, 1)
    with pytest.raises(ValueError, match="'lower'"):
        restrict_domain(uniform(0, 1), 0.8, 0.2)


def test_default_values_of_the_new_domains():
    assert default_value(reverseloguniform(0.9, 0.9999)) == pytest.approx(1 - np.sqrt(0.1 * 0.0001))
    assert default_value(quniform(0, 1.5, 0.5)) == 1.0      # 0.75 rounds half to even: 2 * 0.5
    assert default_value(qrandint(0, 100, 30)) == 60
    assert default_value(randn(3.0, 1.0)) == 3.0 and default_value(qrandn(0.2, 1.0, 0.5)) == 0.0
    assert default_value(sample_from(lambda: "x")) == "x"


def test_add_to_argparse_with_the_new_domains():
    parser = argparse.ArgumentParser()
    add_to_argparse(parser, {"q": qrandint(0, 10, 5), "m": reverseloguniform(0.5, 0.9), "z": randn(),
                             "f": sample_from(lambda: "a")})
    args = parser.parse_args(["--q", "5", "--m", "0.7", "--z", "-1.5", "--f", "a"])
    assert (args.q, args.m, args.z, args.f) == (5, 0.7, -1.5, "a")


def test_domain_classes_of_the_factories():
    assert isinstance(randn(), Normal) and isinstance(sample_from(lambda: 1), Function)
    assert isinstance(quniform(0, 1, 0.5), Float) and isinstance(qlograndint(1, 8, 2), Integer)
