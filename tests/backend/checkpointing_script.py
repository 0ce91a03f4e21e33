"""Training script of the Ray backend tests: one report per epoch, a checkpoint before each report.

Reports ``epoch``, ``loss`` (decreasing with ``lr``), ``pid``, ``resumed_from`` (the epoch found
in the checkpoint), so tests can check that a resumed trial never repeats an epoch, and ``torn``
(1 if the checkpoint it started from mixed two epochs, see below).

With ``--payload_bytes N`` the checkpoint is two files, as a model and its metadata often are:
``weights.bin`` (N bytes that depend on the epoch), then ``state.json`` with the epoch and the
SHA-256 of weights.bin, each renamed into place; a copy is torn if the two do not match.
"""
import argparse
import hashlib
import json
import os
import time
from pathlib import Path

from syne_tune import Reporter


def _write(path: Path, data: bytes) -> None:
    staging = path.with_name(path.name + ".tmp")
    staging.write_bytes(data)
    os.replace(staging, path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--sleep", type=float, default=0.1)
    parser.add_argument("--payload_bytes", type=int, default=0)
    parser.add_argument("--st_checkpoint_dir", type=str, default=None)
    args, _ = parser.parse_known_args()
    checkpoint = Path(args.st_checkpoint_dir) / "state.json" if args.st_checkpoint_dir else None
    start, torn = 0, 0
    if checkpoint is not None and checkpoint.exists():
        found = json.loads(checkpoint.read_text())
        start = found["epoch"]
        if "sha" in found:
            weights = checkpoint.with_name("weights.bin")
            torn = int(not weights.exists() or hashlib.sha256(weights.read_bytes()).hexdigest() != found["sha"])
    report = Reporter()
    for epoch in range(start + 1, args.epochs + 1):
        time.sleep(args.sleep)
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            state = {"epoch": epoch}
            if args.payload_bytes:
                weights = epoch.to_bytes(8, "little") * (args.payload_bytes // 8)
                _write(checkpoint.with_name("weights.bin"), weights)
                state["sha"] = hashlib.sha256(weights).hexdigest()
            _write(checkpoint, json.dumps(state).encode())
        report(epoch=epoch, loss=1.0 / (epoch * args.lr + 0.1), pid=os.getpid(), resumed_from=start, torn=torn)
