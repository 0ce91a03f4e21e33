"""Parsing of benchmark parameters as they arrive from the command line or a params dict."""
from __future__ import annotations

from typing import Any


def parse_bool(value: str | bool) -> bool:
    """'True'/'False' in any case (as the backend passes them on the command line) to a bool."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false"):
        raise ValueError(f"Expected 'True' or 'False' (any case). Got {value!r} instead.")
    return text == "true"


def dict_get(params: dict, key: str, default: Any) -> Any:
    """``params[key]``, or ``default`` when the key is missing or its value is None."""
    value = params.get(key)
    return default if value is None else value
