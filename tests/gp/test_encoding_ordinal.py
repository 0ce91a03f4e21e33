"""GP encoding of ordinals: one numeric column each (index for kind='equal', (log) value for
kind='nn' and logordinal), decoding snaps to a category, uniform points decode like Domain.sample."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune.config_space import choice, logordinal, ordinal, uniform
from syne_tune.gp.encoding import ConfigEncoding

SPACE = {"e": ordinal(["s", "m", "l", "xl"], kind="equal"), "n": ordinal([1, 2, 4, 8]),
         "g": logordinal([16, 32, 64, 128, 256]), "c": choice(["a", "b", "c"]), "x": uniform(0, 1)}


def test_each_ordinal_is_one_numeric_column():
    enc = ConfigEncoding(SPACE)
    widths = {col.name: (col.width, col.one_hot) for col in enc.columns}
    assert widths == {"c": (3, True), "e": (1, False), "g": (1, False), "n": (1, False), "x": (1, False)}
    assert enc.dim == 7


def test_equal_ordinal_encodes_the_index_like_a_finite_range():
    enc = ConfigEncoding({"e": SPACE["e"]})
    X = enc.encode([{"e": v} for v in ("s", "m", "l", "xl")])
    assert X[:, 0] == pytest.approx([0.125, 0.375, 0.625, 0.875], abs=1e-7)


def test_nearest_neighbour_ordinals_encode_the_value_on_their_scale():
    enc = ConfigEncoding({"n": SPACE["n"]})
    X = enc.encode([{"n": v} for v in (1, 2, 4, 8)])[:, 0]
    assert X == pytest.approx((np.array([1, 2, 4, 8]) + 1 / 6) / (28 / 3))   # interval [-1/6, 55/6]
    enc_log = ConfigEncoding({"g": SPACE["g"]})
    X = enc_log.encode([{"g": v} for v in (16, 32, 64, 128, 256)])[:, 0]
    assert np.diff(X) == pytest.approx(np.full(4, 0.2))                       # equal steps in log
    assert X[0] == pytest.approx(0.1)


def test_any_point_decodes_to_a_category_and_round_trips():
    enc = ConfigEncoding(SPACE)
    rs = np.random.RandomState(0)
    for x in rs.uniform(-0.2, 1.2, size=(200, enc.dim)):
        config = enc.decode(x)
        assert config["e"] in SPACE["e"].categories and config["n"] in (1, 2, 4, 8)
        assert config["g"] in (16, 32, 64, 128, 256)
        assert enc.decode(enc.encode([config])[0]) == config


def test_neighbouring_points_decode_to_neighbouring_categories():
    enc = ConfigEncoding({"g": SPACE["g"]})
    values = [enc.decode(np.array([u]))["g"] for u in np.linspace(0, 1, 101)]
    assert values == sorted(values) and set(values) == {16, 32, 64, 128, 256}


def test_encoded_sampling_follows_domain_sample():
    enc = ConfigEncoding({"n": SPACE["n"]})
    draws = [enc.decode(x)["n"] for x in enc.sample(6000, np.random.RandomState(2))]
    direct = SPACE["n"].sample(size=6000, random_state=np.random.RandomState(3))
    for v in (1, 2, 4, 8):
        assert abs(draws.count(v) - direct.count(v)) / 6000 < 0.03


def test_finite_values_list_every_category_with_its_encoding():
    enc = ConfigEncoding(SPACE)
    by_name = {col.name: col for col in enc.columns}
    values, encoded = enc.finite_values(by_name["g"])
    assert values == [16, 32, 64, 128, 256] and encoded[:, 0] == pytest.approx([0.1, 0.3, 0.5, 0.7, 0.9])
    values, encoded = enc.finite_values(by_name["e"])
    assert values == ["s", "m", "l", "xl"] and encoded.shape == (4, 1)


def test_single_category_ordinals_encode_and_decode():
    enc = ConfigEncoding({"a": ordinal([5]), "b": logordinal([3])})
    assert enc.decode(np.array([0.3, 0.9])) == {"a": 5, "b": 3}
    assert np.all(np.isfinite(enc.encode([{"a": 5, "b": 3}])))
