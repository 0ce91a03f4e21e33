"""Benchmark scripts keep their experiments out of the user's results folder."""
from __future__ import annotations

import contextlib
import os
import tempfile


@contextlib.contextmanager
def temporary_experiment_folder():
    """Points SYNETUNE_FOLDER at a temporary folder (removed afterwards) for the experiments inside."""
    from syne_tune.constants import SYNE_TUNE_FOLDER_ENV

    previous = os.environ.get(SYNE_TUNE_FOLDER_ENV)
    with tempfile.TemporaryDirectory() as folder:
        os.environ[SYNE_TUNE_FOLDER_ENV] = folder
        try:
            yield folder
        finally:
            if previous is None:
                os.environ.pop(SYNE_TUNE_FOLDER_ENV, None)
            else:
                os.environ[SYNE_TUNE_FOLDER_ENV] = previous
