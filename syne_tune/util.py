"""The original library's ``syne_tune.util`` names, as a thin adapter over :mod:`syne_tune.results_path`.

Kept so that launchers and tests written for the original API import them unchanged; new code
uses :mod:`syne_tune.results_path` directly.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from time import perf_counter
from typing import Callable, Iterator

from syne_tune import results_path

__all__ = ["experiment_path", "name_from_base", "repository_root_path", "script_checkpoint_example_path",
           "script_height_example_path", "RegularCallback", "catchtime"]

# "-" plus the timestamp suffix results_path.name_from_base appends: "%Y-%m-%d-%H-%M-%S-mmm".
_SUFFIX_LENGTH = 24


def experiment_path(tuner_name: str | None = None, local_path: str | Path | None = None) -> Path:
    """Folder of the experiment ``tuner_name`` below ``local_path`` (default: the results root,
    ``~/syne-tune`` or $SYNETUNE_FOLDER); the root itself without a name."""
    root = Path(local_path) if local_path is not None else results_path.results_root()
    return root if tuner_name is None else root / tuner_name


def name_from_base(base: str | None, default: str = "st-tuner", max_length: int = 63) -> str:
    """``base`` (``default`` if None) plus a UTC timestamp with milliseconds, at most ``max_length`` chars."""
    if max_length <= _SUFFIX_LENGTH:
        raise ValueError(f"The 'max_length' argument of name_from_base must be > {_SUFFIX_LENGTH}, the length of "
                         f"the timestamp suffix. Got {max_length!r}.")
    base = base if base is not None else default
    return results_path.name_from_base(base[:max_length - _SUFFIX_LENGTH])


def repository_root_path() -> Path:
    """Root of the source checkout (the package must be used from it or an editable install)."""
    return Path(__file__).resolve().parent.parent


def script_checkpoint_example_path() -> Path:
    """The example training script that checkpoints and resumes (``--num-epochs``, ``--multiplier``,
    ``--sleep-time``)."""
    return _example_script("checkpoint_example", "checkpoint_example.py")


def script_height_example_path() -> Path:
    """The tutorial's height example (``--steps``, ``--width``, ``--height``, ``--sleep_time``)."""
    return _example_script("height_example", "train_height.py")


def _example_script(folder: str, name: str) -> Path:
    """A script of the repository's ``examples/`` folder, which a wheel does not ship."""
    path = repository_root_path() / "examples" / "training_scripts" / folder / name
    if not path.is_file():
        raise FileNotFoundError(f"The example script {path} is not there: examples/ ships with the source "
                                f"repository only. Use syne_tune from a checkout (pip install -e .) to run it.")
    return path


class RegularCallback:
    """Calls ``callback`` only when more than ``call_seconds_frequency`` whole seconds passed since
    the last call (or construction), as the original did."""

    def __init__(self, callback: Callable, call_seconds_frequency: float):
        self.start = datetime.now()
        self.frequency = call_seconds_frequency
        self.callback = callback

    def __call__(self, *args, **kwargs):
        if (datetime.now() - self.start).seconds > self.frequency:
            self.start = datetime.now()
            self.callback(*args, **kwargs)


@contextmanager
def catchtime(name: str) -> Iterator[Callable[[], float]]:
    """Prints the time spent in the block; yields a function returning the seconds so far."""
    start = perf_counter()
    try:
        print(f"start: {name}")
        yield lambda: perf_counter() - start
    finally:
        print(f"Time for {name}: {perf_counter() - start:.4f} secs")
