"""Training script whose checkpoint is two files that must agree: ``weights.bin`` (the epoch,
repeated) and ``meta.json`` (the epoch and the SHA-256 of weights.bin), rewritten every epoch.

On start it checks the checkpoint it found: a torn one (files from two epochs) is reported as
``torn=1`` in every report, so a test can see which trials started from a torn copy.
"""
import argparse
import hashlib
import json
import os
import time
from pathlib import Path

from syne_tune import Reporter

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--lr", type=float, default=0.5)
parser.add_argument("--sleep", type=float, default=0.02)
parser.add_argument("--payload_bytes", type=int, default=2_000_000)
parser.add_argument("--st_checkpoint_dir", type=str, required=True)
args, _ = parser.parse_known_args()

folder = Path(args.st_checkpoint_dir)
start, torn = 0, 0
if (folder / "meta.json").exists():
    meta = json.loads((folder / "meta.json").read_text())
    weights = (folder / "weights.bin").read_bytes()
    torn = int(hashlib.sha256(weights).hexdigest() != meta["sha"])
    start = meta["epoch"]
report = Reporter()
for epoch in range(start + 1, args.epochs + 1):
    time.sleep(args.sleep)
    weights = epoch.to_bytes(8, "little") * (args.payload_bytes // 8)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "weights.bin.tmp").write_bytes(weights)
    os.replace(folder / "weights.bin.tmp", folder / "weights.bin")
    (folder / "meta.json.tmp").write_text(json.dumps({"epoch": epoch, "sha": hashlib.sha256(weights).hexdigest()}))
    os.replace(folder / "meta.json.tmp", folder / "meta.json")
    report(epoch=epoch, loss=args.lr / epoch, torn=torn)
