"""One JSON encoding of values, for everything the library writes or sends.

numpy scalars and arrays become Python numbers and lists (without importing numpy); non-finite
floats are written as ``NaN``/``Infinity``, which Python's ``json`` reads back. Values that are
sent (reports, configs) must encode: anything else is a TypeError. Records that must never fail
(the journal, metadata, lineage files) write anything else as its ``str()``.
"""
from __future__ import annotations

import json


def to_builtin(value):
    """The ``default`` of ``json.dumps``: numpy scalars and arrays as Python numbers and lists."""
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def to_builtin_or_str(value):
    """As :func:`to_builtin`, and anything else as its ``str()``: for records that must never fail."""
    try:
        return to_builtin(value)
    except TypeError:
        return str(value)


def dumps(value, **kwargs) -> str:
    """``value`` as JSON text; TypeError for a value JSON cannot hold."""
    return json.dumps(value, default=to_builtin, **kwargs)


def dumps_record(value, **kwargs) -> str:
    """``value`` as JSON text, never failing (see :func:`to_builtin_or_str`)."""
    return json.dumps(value, default=to_builtin_or_str, **kwargs)
