"""Checks that an optional package is installed, with a message naming the extra that installs it."""
from __future__ import annotations

import importlib.util


def require(module: str, extra: str, owner: str) -> None:
    """Raises ImportError naming ``extra`` if ``module`` cannot be imported; imports nothing itself.

    Called by constructors, so that a missing package is reported when the object is made,
    not later in the middle of an experiment.
    """
    if importlib.util.find_spec(module) is None:
        raise ImportError(f"{owner} needs the '{module}' package, which is not installed. "
                          f"Install it with: pip install 'syne-tune[{extra}]'")
