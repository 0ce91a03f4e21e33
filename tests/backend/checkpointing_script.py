"""Training script of the Ray backend tests: one report per epoch, a checkpoint before each report.

Reports ``epoch``, ``loss`` (decreasing with ``lr``), ``pid`` and ``resumed_from`` (the epoch found
in the checkpoint), so tests can check that a resumed trial never repeats an epoch.
"""
import argparse
import json
import os
import time
from pathlib import Path

from syne_tune import Reporter

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--sleep", type=float, default=0.1)
    parser.add_argument("--st_checkpoint_dir", type=str, default=None)
    args, _ = parser.parse_known_args()
    checkpoint = Path(args.st_checkpoint_dir) / "state.json" if args.st_checkpoint_dir else None
    start = 0
    if checkpoint is not None and checkpoint.exists():
        start = json.loads(checkpoint.read_text())["epoch"]
    report = Reporter()
    for epoch in range(start + 1, args.epochs + 1):
        time.sleep(args.sleep)
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            checkpoint.write_text(json.dumps({"epoch": epoch}))
        report(epoch=epoch, loss=1.0 / (epoch * args.lr + 0.1), pid=os.getpid(), resumed_from=start)
