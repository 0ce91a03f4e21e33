"""Where a framework callback keeps a trial's checkpoint, written so that a kill never leaves half a file."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


class CheckpointFile:
    """``<checkpoint_dir>/<name>``; ``checkpoint_dir`` None means the trial keeps no checkpoint.

    ``save(write)`` calls ``write(temporary path)`` and then moves the file into place, so a trial
    stopped while writing keeps its previous checkpoint.
    """

    def __init__(self, checkpoint_dir: str | os.PathLike | None, name: str):
        self.path = Path(checkpoint_dir) / name if checkpoint_dir else None

    def existing(self) -> str | None:
        """The checkpoint's path if a previous run of this trial (or its PBT parent) left one, else None."""
        return str(self.path) if self.path is not None and self.path.exists() else None

    def save(self, write: Callable[[str], None]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".partial")
        write(str(temporary))
        os.replace(temporary, self.path)
