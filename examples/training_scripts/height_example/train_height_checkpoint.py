"""The height toy script with checkpointing, for schedulers that pause and resume trials.

Saves the last finished epoch to ``<st_checkpoint_dir>/checkpoint.json`` and continues
after it when started again, so a resumed trial never repeats an epoch.
"""
import argparse
import json
import os
import time

from syne_tune import Reporter

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--width", type=float, required=True)
    parser.add_argument("--height", type=float, required=True)
    parser.add_argument("--sleep_time", type=float, default=0.1)
    parser.add_argument("--st_checkpoint_dir", type=str, default=None)
    args, _ = parser.parse_known_args()

    checkpoint = os.path.join(args.st_checkpoint_dir, "checkpoint.json") if args.st_checkpoint_dir else None
    start_epoch = 1
    if checkpoint and os.path.exists(checkpoint):
        with open(checkpoint) as f:
            start_epoch = json.load(f)["last_epoch"] + 1

    report = Reporter()
    for epoch in range(start_epoch, args.epochs + 1):
        time.sleep(args.sleep_time)
        mean_loss = 1.0 / (0.1 + args.width * (epoch - 1) / 100) + 0.1 * args.height
        if checkpoint:
            os.makedirs(args.st_checkpoint_dir, exist_ok=True)
            with open(checkpoint + ".tmp", "w") as f:
                json.dump({"last_epoch": epoch}, f)
            os.replace(checkpoint + ".tmp", checkpoint)
        report(epoch=epoch, mean_loss=mean_loss)
