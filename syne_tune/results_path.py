"""Where experiments are stored: ``~/syne-tune/<tuner name>/``, or below $SYNETUNE_FOLDER."""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

from syne_tune.constants import SYNE_TUNE_FOLDER, SYNE_TUNE_FOLDER_ENV

TUNER_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def results_root() -> Path:
    """Folder holding all experiments; $SYNETUNE_FOLDER moves it (tests use that)."""
    override = os.environ.get(SYNE_TUNE_FOLDER_ENV)
    return Path(override).expanduser() if override else Path.home() / SYNE_TUNE_FOLDER


def experiment_path(tuner_name: str) -> Path:
    return results_root() / tuner_name


def experiment_folder(tuner_name: str) -> Path:
    """The folder of ``tuner_name``, which must be a folder directly inside the results root
    (a name, not a path: ValueError otherwise)."""
    root = results_root().resolve()
    if not isinstance(tuner_name, str) or not tuner_name or Path(tuner_name).name != tuner_name \
            or tuner_name in (".", ".."):
        raise ValueError(f"The 'tuner_name' argument of load_experiment must be the name of an experiment folder "
                         f"in {root}, without any path. Got {tuner_name!r}.")
    path = (root / tuner_name).resolve()
    if path.parent != root:
        raise ValueError(f"The 'tuner_name' argument of load_experiment must name a folder inside {root}. "
                         f"Got {tuner_name!r}, which leads to {path}.")
    return path


def create_experiment_folder(name: str, base: str) -> tuple[str, Path]:
    """Creates the folder of experiment ``name`` exclusively and returns (name, path). If it
    exists (another launcher took the name in the same millisecond), a new name is made from
    ``base`` until one is free: two launchers never share a folder."""
    while True:
        path = experiment_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.mkdir()
            return name, path
        except FileExistsError:
            time.sleep(0.001)
            name = name_from_base(base)


def name_from_base(base: str) -> str:
    """``base`` plus a UTC timestamp with milliseconds, at most 63 characters."""
    now = time.time()
    suffix = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(now)) + f"-{int((now % 1) * 1000):03d}"
    return f"{base[:63 - len(suffix) - 1]}-{suffix}"
