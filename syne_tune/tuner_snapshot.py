"""``tuner.dill``: the snapshot of a Tuner from which ``Tuner.load(path).run()`` continues.

It is written when ``run()`` begins and when it ends, never in between: a snapshot pickles the
whole tuner, O(trials), while the journal, appended to as things happen, costs O(change). A
resume replays the journal from the line the snapshot accounts for (see
:mod:`syne_tune.tuner_replay`), so the cost of keeping an experiment resumable stays flat however
long it runs. Unpickling runs code: load only experiments you trust.
"""
from __future__ import annotations

import time
from pathlib import Path

from syne_tune import function_pickle
from syne_tune.results_journal import JOURNAL_NAME
from syne_tune.results_path import experiment_folder, results_root

SNAPSHOT_NAME = "tuner.dill"


class SnapshotCount:
    """The ``tuner.dill`` saves of a run and the seconds they took (``Tuner.snapshots``)."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def take(self, save) -> None:
        """Calls ``save()`` and counts it."""
        start = time.perf_counter()
        save()
        self.seconds += time.perf_counter() - start
        self.count += 1


SnapshotSchedule = SnapshotCount  # the name tuner.dill files of earlier versions refer to


def write_snapshot(tuner, folder: Path) -> None:
    """Pickles ``tuner`` into ``folder/tuner.dill``, atomically, with the standard library's C pickler
    where it can (several times faster than dill; functions defined in ``__main__`` travel by
    value, see ``function_pickle``) and with dill where only dill can. :func:`read_snapshot` reads both."""
    try:
        data = function_pickle.dumps(tuner)
    except function_pickle.ByValueUnsupported:
        import dill

        data = dill.dumps(tuner)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / (SNAPSHOT_NAME + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(folder / SNAPSHOT_NAME)


def read_snapshot(folder: Path):
    """The tuner pickled in ``folder/tuner.dill``; ValueError naming the file if it is damaged."""
    import dill

    path = folder / SNAPSHOT_NAME
    try:
        with open(path, "rb") as stream:
            return dill.load(stream)
    except FileNotFoundError:
        raise
    except Exception as error:  # noqa: BLE001 - unpickling raises many kinds
        raise ValueError(f"{path} cannot be read ({type(error).__name__}: {error}): it is damaged "
                         f"or was written by an incompatible version. The results stay readable with "
                         f"load_experiment; the experiment cannot be continued from this file.") from error


def snapshot_folder(tuner_path: str | Path) -> Path:
    """The folder holding ``tuner.dill``: ``tuner_path`` itself, or the experiment of that name."""
    path = Path(tuner_path).expanduser()
    if (path / SNAPSHOT_NAME).is_file():
        return path
    looked = [path]
    if isinstance(tuner_path, str) and tuner_path == path.name and tuner_path not in (".", ".."):
        named = experiment_folder(tuner_path)
        if (named / SNAPSHOT_NAME).is_file():
            return named
        looked.append(named)
    for folder in dict.fromkeys(looked):
        if (folder / JOURNAL_NAME).is_file():
            raise FileNotFoundError(
                f"The experiment in {folder} has no tuner.dill, so Tuner.load cannot continue it: it ran with "
                f"save_tuner=False (or was killed before its first save). Its results stay readable with "
                f"load_experiment({folder.name!r}); run with save_tuner=True to be able to continue an experiment.")
    raise FileNotFoundError(
        f"The 'tuner_path' argument of Tuner.load must be an experiment folder holding tuner.dill, or the name of "
        f"an experiment in {results_root()}. Got {str(tuner_path)!r}; looked for "
        f"{' and '.join(str(p / SNAPSHOT_NAME) for p in dict.fromkeys(looked))}: not found. "
        f"list_experiments() (or 'syne-tune list') shows the experiments there.")
