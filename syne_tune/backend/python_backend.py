"""PythonBackend: tunes a Python function instead of a training script.

Each trial runs in its own process, exactly as with LocalBackend (pause, stop, kill, parallel
trials, checkpoints), through the small entry point ``python_entrypoint.py``: it loads the
function and calls it with the trial's config. The function reports with
:class:`~syne_tune.Reporter` as a script would; it gets ``st_checkpoint_dir`` if it takes that
argument (or ``**kwargs``). A function defined in a notebook, in ``__main__`` or in another
function travels by value, pickled with the standard library where it can (trials then start
without importing dill, see ``function_pickle``) and with dill otherwise; a function from a
module is imported again in the trial process, which sees the launcher's ``sys.path``.
"""
from __future__ import annotations

import inspect
import pickle
import sys
from pathlib import Path
from typing import Callable

from syne_tune import function_pickle
from syne_tune.backend.local_backend import LocalBackend
from syne_tune.constants import ST_CHECKPOINT_DIR

ENTRY_POINT = Path(__file__).with_name("python_entrypoint.py")
FUNCTION_FILE = "tune_function.dill"


class PythonBackend(LocalBackend):
    """Runs ``tune_function(**config)`` in a process of its own for every trial.

    Args:
        tune_function: the function to tune; its parameters are names of ``config_space``
            (constants included) and, optionally, ``st_checkpoint_dir``.
        config_space: the search space, as passed to the scheduler.
        rotate_gpus, num_gpus, delete_checkpoints, num_gpus_per_trial, gpus_to_use: as for
            :class:`LocalBackend` (GPU placement included).
    """

    def __init__(self, tune_function: Callable, config_space: dict, rotate_gpus: bool = True,
                 num_gpus: int | None = None, delete_checkpoints: bool = False, num_gpus_per_trial: int = 1,
                 gpus_to_use: list[int] | None = None):
        if not callable(tune_function):
            raise TypeError(f"The 'tune_function' argument of PythonBackend must be a function. "
                            f"Got {tune_function!r}.")
        if not isinstance(config_space, dict):
            raise TypeError(f"The 'config_space' argument of PythonBackend must be a dict. "
                            f"Got {type(config_space).__name__}.")
        self.function_name = getattr(tune_function, "__name__", type(tune_function).__name__)
        _check_parameters(tune_function, self.function_name, config_space)
        self._function = _serialize(tune_function, self.function_name)
        super().__init__(str(ENTRY_POINT), rotate_gpus=rotate_gpus, num_gpus=num_gpus,
                         delete_checkpoints=delete_checkpoints, num_gpus_per_trial=num_gpus_per_trial,
                         gpus_to_use=gpus_to_use)

    def entrypoint_path(self) -> Path:
        """Names the experiment after the function (the Tuner's default tuner name)."""
        return Path(self.function_name)

    def _schedule(self, trial_id: int, config: dict) -> None:
        function_file = self.trial_root / FUNCTION_FILE
        if not function_file.exists():
            function_file.parent.mkdir(parents=True, exist_ok=True)
            function_file.write_bytes(self._function)
        super()._schedule(trial_id, config)

    def _command(self, trial_id: int, config: dict) -> list[str]:
        # The config travels in the trial's config.json, with its types; only paths go on the command line.
        return [sys.executable, self.entry_point, f"--st_tune_function={self.trial_root / FUNCTION_FILE}",
                f"--{ST_CHECKPOINT_DIR}={self.checkpoint_path(trial_id)}"]

    def __str__(self):
        return f"PythonBackend(tune_function={self.function_name})"


def _check_parameters(function: Callable, name: str, config_space: dict) -> None:
    """Raises if ``function`` needs an argument that no trial will pass."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return
    available = set(config_space) | {ST_CHECKPOINT_DIR}
    missing = [p.name for p in parameters.values() if p.default is p.empty and p.name not in available
               and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if missing:
        raise ValueError(f"The 'tune_function' argument of PythonBackend needs {missing}, which config_space does "
                         f"not have (it has {sorted(config_space)}). Add them to config_space or give them defaults.")


def _serialize(function: Callable, name: str) -> bytes:
    """The function for the entry point: by plain pickle when it can (the trial then starts
    without importing dill, see ``function_pickle``), else with dill."""
    try:
        payload = {"loader": "pickle", "function": function_pickle.dumps(function)}
    except function_pickle.ByValueUnsupported:
        import dill

        try:
            payload = {"loader": "dill", "function": dill.dumps(function, recurse=True)}
        except Exception as error:  # noqa: BLE001 - dill raises many kinds
            raise TypeError(f"The 'tune_function' argument of PythonBackend ({name}) cannot be serialised with "
                            f"dill: {type(error).__name__}: {error}. It may not capture open files, locks, "
                            f"sockets, generators or similar objects; create those inside the function.") from error
    payload["sys_path"] = list(sys.path)
    return pickle.dumps(payload)
