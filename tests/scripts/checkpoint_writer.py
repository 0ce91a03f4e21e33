"""Rewrites a two-file checkpoint over and over, as a training script does at each epoch.

``<folder>/weights.bin`` holds the epoch and a payload; ``<folder>/meta.json`` holds the epoch and
the SHA-256 of weights.bin. Each file is written outside the folder and renamed in, the two renames
``GAP_SECONDS`` apart (0: back to back; more stands for a writer descheduled between them), so the
folder is consistent except between those two renames. A copy is torn if meta.json's hash does not
match weights.bin. With ``report`` as fifth argument the epoch is then reported through the
Reporter, which records the folder's state (run with SYNETUNE_CHECKPOINT_DIR=FOLDER); with
``report-first`` the previous epoch is reported before the next one is written, as scripts do that
checkpoint after reporting.
Usage: checkpoint_writer.py FOLDER SIZE_BYTES PAUSE_SECONDS [GAP_SECONDS [report|report-first]]
"""
import hashlib
import json
import os
import sys
import time

folder, size, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
gap = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
report = None
report_first = len(sys.argv) > 5 and sys.argv[5] == "report-first"
if len(sys.argv) > 5 and sys.argv[5] in ("report", "report-first"):
    from syne_tune import Reporter

    report = Reporter()
staging = folder + ".staging"
os.makedirs(folder, exist_ok=True)
os.makedirs(staging, exist_ok=True)
epoch = 0
while True:
    if report_first and epoch:
        report(epoch=epoch)
    epoch += 1
    weights = epoch.to_bytes(8, "little") * (size // 8)
    with open(os.path.join(staging, "weights.bin"), "wb") as stream:
        stream.write(weights)
    with open(os.path.join(staging, "meta.json"), "w") as stream:
        json.dump({"epoch": epoch, "sha": hashlib.sha256(weights).hexdigest()}, stream)
    os.replace(os.path.join(staging, "weights.bin"), os.path.join(folder, "weights.bin"))
    if gap:
        time.sleep(gap)
    os.replace(os.path.join(staging, "meta.json"), os.path.join(folder, "meta.json"))
    if report is not None and not report_first:
        report(epoch=epoch)
    print(epoch, flush=True)
    time.sleep(pause)
