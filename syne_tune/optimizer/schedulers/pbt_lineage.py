"""PBTLineageCallback: writes PopulationBasedTraining's lineage next to the results.

``<experiment folder>/pbt_lineage.json`` lists, per cloned trial, the trial it cloned, the
resource of that checkpoint, when, and both configs; ``ExperimentResult.lineage()`` reads it.
Written whenever the lineage grew during a loop of the Tuner, so a crashed run keeps it too.
"""
from __future__ import annotations

import os
from pathlib import Path

from syne_tune import json_values
from syne_tune.tuner_callback import TunerCallback

LINEAGE_FILE = "pbt_lineage.json"


class PBTLineageCallback(TunerCallback):
    """Pass ``callbacks=[StoreResultsCallback(), PBTLineageCallback()]`` to a Tuner running PBT."""

    def __init__(self):
        self._tuner = None
        self._written = -1

    def on_tuning_start(self, tuner) -> None:
        if not hasattr(tuner.scheduler, "lineage"):
            raise TypeError(f"PBTLineageCallback needs a scheduler with a lineage() method, such as "
                            f"PopulationBasedTraining. Got {type(tuner.scheduler).__name__}.")
        self._tuner = tuner

    def on_loop_end(self) -> None:
        self._write()

    def on_tuning_end(self) -> None:
        self._write()

    def _write(self) -> None:
        lineage = self._tuner.scheduler.lineage()
        if len(lineage) == self._written:
            return
        path = Path(self._tuner.tuner_path) / LINEAGE_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json_values.dumps_record(lineage))
        os.replace(tmp, path)
        self._written = len(lineage)
