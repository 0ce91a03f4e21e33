from __future__ import annotations

import pytest

from benchmarking.utils import dict_get, parse_bool


@pytest.mark.parametrize("text, expected", [("True", True), ("FALSE", False), ("true", True),
                                            (" false ", False), (True, True)])
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


@pytest.mark.parametrize("text", ["yes", "1", ""])
def test_parse_bool_rejects_other_strings(text):
    with pytest.raises(ValueError, match="'True' or 'False'"):
        parse_bool(text)


def test_dict_get_uses_default_for_missing_and_none():
    params = {"a": 1, "b": None, "c": 0}
    assert dict_get(params, "a", 5) == 1
    assert dict_get(params, "b", 5) == 5
    assert dict_get(params, "missing", 5) == 5
    assert dict_get(params, "c", 5) == 0
