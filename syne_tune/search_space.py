"""Deprecated: the original library's old name of :mod:`syne_tune.config_space`.

Importing it warns once (DeprecationWarning); use ``syne_tune.config_space`` instead.
"""
from __future__ import annotations

import warnings

from syne_tune.config_space import (  # noqa: F401  (re-exported)
    add_to_argparse, choice, finrange, logfinrange, lograndint, loguniform, qloguniform, qlograndint, qrandint,
    qrandn, quniform, randint, randn, reverseloguniform, sample_from, uniform,
)

__all__ = ["uniform", "loguniform", "choice", "randint", "lograndint", "finrange", "logfinrange",
           "add_to_argparse", "quniform", "qloguniform", "qrandint", "qlograndint", "reverseloguniform",
           "randn", "qrandn", "sample_from"]

warnings.warn("syne_tune.search_space is deprecated; import these names from syne_tune.config_space.",
              DeprecationWarning, stacklevel=2)
