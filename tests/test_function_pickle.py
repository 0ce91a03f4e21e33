"""Pickling tuned functions by value with the standard library, and the cases left to dill."""
import math
import pickle

import pytest

from syne_tune.function_pickle import ByValueUnsupported, dumps

OFFSET = 0.5


def module_level(x):
    return x + OFFSET


def test_a_closure_travels_by_value_with_its_globals_and_defaults():
    scale = 3.0

    def helper(y):
        return math.sqrt(y)

    def objective(x, *, power=2, shift=1.0):
        return scale * helper(x) ** power + shift + OFFSET + sum(i for i in range(2))

    loaded = pickle.loads(dumps(objective))
    assert loaded is not objective and loaded.__qualname__ == objective.__qualname__
    assert loaded(4.0) == objective(4.0) and loaded(4.0, power=1) == objective(4.0, power=1)


def test_an_importable_function_travels_by_reference():
    assert pickle.loads(dumps(module_level)) is module_level


def test_what_only_dill_can_do_is_refused():
    class Local:
        pass

    def uses_local_class():
        return Local()

    def recursive(n):
        return 1 if n <= 1 else n * recursive(n - 1)

    with pytest.raises(ByValueUnsupported):
        dumps(uses_local_class)
    with pytest.raises(ByValueUnsupported):
        dumps(recursive)
