"""Module-level ``__getattr__`` that imports an exported name only when it is first used.

Keeps ``import syne_tune`` (and its subpackages) cheap: optional dependencies such as ray
are imported only by the code that needs them.
"""
from __future__ import annotations

import importlib


def lazy_getattr(package: str, exports: dict[str, str]):
    """A ``__getattr__`` for ``package`` resolving ``name`` from module ``exports[name]``."""

    def __getattr__(name: str):
        if name in exports:
            return getattr(importlib.import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def load_attribute(path: str):
    """The object named by ``path``, ``"module:name"``, importing its module now."""
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)
