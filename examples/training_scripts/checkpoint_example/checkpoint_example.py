"""A tiny training script that checkpoints after every epoch and resumes from its checkpoint.

Arguments as in the original example: ``--num-epochs`` (required), ``--multiplier`` (1),
``--sleep-time`` (0.1) and ``--st_checkpoint_dir`` (set by the backend). The state
``{"last_epoch", "last_value"}`` lives in ``<st_checkpoint_dir>/checkpoint.json``. Each epoch
computes ``value = (value + 1) * multiplier`` and reports ``train_acc=value``, ``step`` (0-based,
as upstream) and ``epoch`` (1-based, the resource HyperbandScheduler uses). A paused trial that
is resumed continues after ``last_epoch`` and never reports an epoch twice.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from syne_tune import Reporter


def load_checkpoint(checkpoint_dir: str | None) -> tuple[int, float]:
    """(next step, value) from the checkpoint, or (0, 0.0) without one."""
    path = Path(checkpoint_dir) / "checkpoint.json" if checkpoint_dir else None
    if path is None or not path.exists():
        return 0, 0.0
    state = json.loads(path.read_text())
    return state["last_epoch"] + 1, state["last_value"]


def save_checkpoint(checkpoint_dir: str | None, epoch: int, value: float) -> None:
    if not checkpoint_dir:
        return
    folder = Path(checkpoint_dir)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "checkpoint.json.tmp"
    tmp.write_text(json.dumps({"last_epoch": epoch, "last_value": value}))
    os.replace(tmp, folder / "checkpoint.json")  # a kill while writing keeps the old checkpoint


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--num-epochs", type=int, required=True)
    parser.add_argument("--multiplier", type=float, default=1.0)
    parser.add_argument("--sleep-time", type=float, default=0.1)
    parser.add_argument("--st_checkpoint_dir", type=str, default=None)
    args, _ = parser.parse_known_args()

    start_epoch, value = load_checkpoint(args.st_checkpoint_dir)
    report = Reporter()
    for step in range(start_epoch, args.num_epochs):
        time.sleep(args.sleep_time)
        value = (value + 1) * args.multiplier
        save_checkpoint(args.st_checkpoint_dir, step, value)
        report(train_acc=value, step=step, epoch=step + 1)
