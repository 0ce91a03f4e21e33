"""Training script for tests: reports `loss` per epoch, and misbehaves on request.

Writes its pid (and that of a sleeping child with --spawn_child) to <trial>/pids.txt,
so tests can check that every process of a trial was ended.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from syne_tune import Reporter

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--x", type=float, default=0.0)
parser.add_argument("--sleep", type=float, default=0.0)
parser.add_argument("--start_delay", type=float, default=0.0)
parser.add_argument("--text", type=str, default="")
parser.add_argument("--crash", type=int, default=0)
parser.add_argument("--omit_metric", type=int, default=0)
parser.add_argument("--spawn_child", type=int, default=0)
parser.add_argument("--st_checkpoint_dir", type=str, required=True)
args, _ = parser.parse_known_args()

trial_folder = Path(args.st_checkpoint_dir).parent
pids = [os.getpid()]
if args.spawn_child:
    pids.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"]).pid)
with open(trial_folder / "pids.txt", "a") as f:
    f.write(" ".join(map(str, pids)) + "\n")
(trial_folder / "received_text.txt").write_text(args.text)
(trial_folder / "cuda.txt").write_text(os.environ.get("CUDA_VISIBLE_DEVICES", ""))

time.sleep(args.start_delay)
report = Reporter()
for epoch in range(1, args.epochs + 1):
    if args.crash and epoch == 2:
        print("simulated failure in epoch 2", file=sys.stderr)
        sys.exit(3)
    if args.omit_metric:
        report(epoch=epoch)
    else:
        report(epoch=epoch, loss=(args.x - 0.3) ** 2 + 1.0 / epoch, text=args.text)
    time.sleep(args.sleep)
