"""Argument checks behind every public error message.

Each helper raises ``ValueError``/``TypeError`` with one sentence shape:
"The '<name>' argument of <owner> must be <rule>. Got <value>."
Standard library only, so that any module may use it.
"""
from __future__ import annotations

import difflib
import math
import numbers
from typing import Any, Iterable


def bad_argument(owner: str, name: str, rule: str, value: Any) -> ValueError:
    """Builds the standard error for an argument that breaks ``rule``."""
    return ValueError(f"The '{name}' argument of {owner} must be {rule}. Got {value!r}.")


def reject_unknown(owner: str, unknown: Iterable[str], known: Iterable[str], what: str = "argument",
                   list_known: bool = False) -> None:
    """Raises for the first name in ``unknown``, suggesting the closest known name.

    The known names are listed when none is close, or always with ``list_known``.
    """
    known = list(dict.fromkeys(known))  # once each, in order
    for name in unknown:
        close = difflib.get_close_matches(str(name), known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        if list_known or not close:
            hint += f" Known: {', '.join(sorted(known))}." if known else f" There are no {what}s."
        raise ValueError(f"{owner} got an unknown {what} {name!r}.{hint}")


def check_int(owner: str, name: str, value: Any, minimum: int | None = None, allow_none: bool = False) -> int | None:
    """Checks that ``value`` is an int (not a bool) and at least ``minimum``."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok or (minimum is not None and value < minimum):
        rule = "an integer" + (f" >= {minimum}" if minimum is not None else "")
        raise bad_argument(owner, name, rule, value)
    return int(value)


def check_number(owner: str, name: str, value: Any, minimum: float | None = None, allow_none: bool = False,
                 finite: bool = False) -> float | None:
    """Checks that ``value`` is a real number (not a bool, not NaN) and at least ``minimum``.

    With ``finite``, +inf and -inf are rejected too (use it wherever arithmetic follows).
    """
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or value != value or (finite and not math.isfinite(value)) or (minimum is not None and value < minimum):
        rule = ("a finite number" if finite else "a number") + (f" >= {minimum}" if minimum is not None else "")
        raise bad_argument(owner, name, rule, value)
    return float(value)


def check_bool(owner: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise bad_argument(owner, name, "True or False", value)
    return value


def check_str(owner: str, name: str, value: Any, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str) or not value:
        raise bad_argument(owner, name, "a non-empty string", value)
    return value


def check_choice(owner: str, name: str, value: Any, choices: Iterable[Any]) -> Any:
    choices = list(choices)
    if value not in choices:
        raise bad_argument(owner, name, "one of " + ", ".join(repr(c) for c in choices), value)
    return value
