"""One JSON encoding of values: numpy to Python, non-finite floats kept, strict or never failing."""
import json
import math

import numpy as np
import pytest

from syne_tune import json_values


def test_numpy_scalars_and_arrays_become_python_values():
    text = json_values.dumps({"a": np.float32(0.5), "b": np.int64(3), "c": np.arange(3), "d": np.bool_(True)})
    assert json.loads(text) == {"a": 0.5, "b": 3, "c": [0, 1, 2], "d": True}


def test_non_finite_floats_round_trip():
    back = json.loads(json_values.dumps([float("nan"), float("inf"), np.float64("-inf")]))
    assert math.isnan(back[0]) and back[1:] == [math.inf, -math.inf]


def test_values_that_are_sent_must_encode_records_never_fail():
    with pytest.raises(TypeError, match="object"):
        json_values.dumps({"x": object()})
    assert json.loads(json_values.dumps_record({"x": {1, 2}, "y": np.int8(1)})) == {"x": "{1, 2}", "y": 1}


def test_every_writer_uses_it():
    # the journal, the trial's config.json and the Reporter agree on a numpy value
    from syne_tune.results_journal import journal_form

    assert journal_form({"x": np.arange(2), "y": np.float16(0.5)}) == {"x": [0, 1], "y": 0.5}
