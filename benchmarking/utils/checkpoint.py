"""Checkpointing for training scripts through the ``--st_checkpoint_dir`` folder.

The backend passes ``--st_checkpoint_dir <trial folder>/checkpoints`` to every trial. A
script saves its state there after each epoch and, on start, resumes from whatever it finds,
so a paused trial continues where it stopped. Standard library only (no torch, no numpy):
the state is pickled, written to a temporary file and moved in place with ``os.replace``, so
a trial killed while saving leaves the previous checkpoint intact.

Typical use in a training script::

    load_fn, save_fn = numpy_load_save_functions({"weights": weights}, mutable_state=state)
    resume_from = resume_from_checkpointed_model(config, load_fn)
    for epoch in range(resume_from + 1, config["epochs"] + 1):
        ...
        checkpoint_model_at_rung_level(config, save_fn, epoch)
"""
from __future__ import annotations

import argparse
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, MutableMapping
from pathlib import Path

from syne_tune.constants import ST_CHECKPOINT_DIR

logger = logging.getLogger(__name__)

RESOURCE_KEY = "st_resource"
STATE_DICT_PREFIX = "st_state_dict_"
MUTABLE_STATE_PREFIX = "st_mutable_"
DEFAULT_CHECKPOINT_FNAME = "checkpoint.pkl"

LoadFn = Callable[[str], int]
SaveFn = Callable[[str, int], None]


def add_checkpointing_to_argparse(parser: argparse.ArgumentParser) -> None:
    """Adds the optional ``--st_checkpoint_dir`` (str) argument the backend passes."""
    parser.add_argument(f"--{ST_CHECKPOINT_DIR}", type=str, default=None)


def resume_from_checkpointed_model(config: dict, load_model_fn: LoadFn) -> int:
    """Restores the state saved in the checkpoint dir; returns the resource level it was saved at.

    Returns 0 (start from scratch) when no checkpoint dir is configured, it does not exist, or
    loading fails; ``load_model_fn(local_path)`` decides what "fails" means.
    """
    local_path = config.get(ST_CHECKPOINT_DIR)
    if local_path is None or not Path(local_path).is_dir():
        return 0
    resume_from = int(load_model_fn(local_path))
    if resume_from > 0:
        trial = f"Trial {config['trial_id']}: r" if config.get("trial_id") is not None else "R"
        print(f"{trial}esuming from the checkpoint in {local_path} at resource level {resume_from}",
              flush=True)
    return resume_from


def checkpoint_model_at_rung_level(config: dict, save_model_fn: SaveFn, resource: int) -> None:
    """Saves the state into the checkpoint dir, if one is configured.

    ``resource`` is the level reached (e.g. the epoch). Every level is saved; the argument also
    leaves room for saving at rung levels only.
    """
    local_path = config.get(ST_CHECKPOINT_DIR)
    if local_path is not None:
        save_model_fn(local_path, resource)


def atomic_pickle_dump(obj: object, path: str | os.PathLike) -> None:
    """Pickles ``obj`` into ``path`` via a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def numpy_load_save_functions(
    state_dict_objects: dict[str, MutableMapping],
    mutable_state: MutableMapping | None = None,
    fname: str = DEFAULT_CHECKPOINT_FNAME,
) -> tuple[LoadFn, SaveFn]:
    """``(load_fn, save_fn)`` for checkpointing dicts of numpy arrays and other mutable state.

    The counterpart of the original ``pytorch_load_save_functions``, without torch.

    Args:
        state_dict_objects: name -> dict (e.g. of numpy arrays: weights, Adam moments). Loading
            replaces the entries of each dict in place, so references held by the script stay valid.
        mutable_state: a dict (e.g. Adam step count, RNG state, best metric so far), also
            updated in place on load.
        fname: file name inside the checkpoint dir.

    ``save_fn(local_path, resource)`` pickles ``{st_resource, st_state_dict_<name>,
    st_mutable_state}`` into ``<local_path>/<fname>``; ``load_fn(local_path)`` restores them and
    returns ``st_resource``, or 0 (leaving the objects untouched) if the file is missing or unreadable.
    """

    def save_fn(local_path: str, resource: int) -> None:
        payload = {RESOURCE_KEY: int(resource)}
        for name, obj in state_dict_objects.items():
            payload[STATE_DICT_PREFIX + name] = dict(obj)
        if mutable_state is not None:
            payload[MUTABLE_STATE_PREFIX + "state"] = dict(mutable_state)
        atomic_pickle_dump(payload, Path(local_path) / fname)

    def load_fn(local_path: str) -> int:
        path = Path(local_path) / fname
        if not path.is_file():
            return 0
        try:
            with open(path, "rb") as f:
                payload = pickle.load(f)
            resource = int(payload[RESOURCE_KEY])
            loaded = {name: payload[STATE_DICT_PREFIX + name] for name in state_dict_objects}
            loaded_mutable = payload.get(MUTABLE_STATE_PREFIX + "state") if mutable_state is not None else None
            if mutable_state is not None and loaded_mutable is None:
                raise KeyError(MUTABLE_STATE_PREFIX + "state")
        except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, ValueError,
                AttributeError) as err:
            logger.warning("Could not load the checkpoint %s (%r); starting from scratch.", path, err)
            return 0
        # Only mutate once everything was read, so a failed load leaves the objects untouched.
        for name, obj in state_dict_objects.items():
            obj.clear()
            obj.update(loaded[name])
        if mutable_state is not None:
            mutable_state.clear()
            mutable_state.update(loaded_mutable)
        return resource

    return load_fn, save_fn
