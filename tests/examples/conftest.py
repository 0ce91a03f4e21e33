"""Puts tests/docs on sys.path: the example tests check the same launcher claims as the docs test."""
import sys
from pathlib import Path

_path = str(Path(__file__).parents[1] / "docs")
if _path not in sys.path:
    sys.path.insert(0, _path)
