"""Training script for fault-injection tests: misbehaves in the way ``--mode`` names.

Every process it starts appends its pid to ``<trial>/pids.txt``. With ``--hold_after N`` (or ``--mode checkpointing``)
it checkpoints each epoch, and on its first run stops after epoch N, writes ``<trial>/holding``
and sleeps until killed; run again, it continues from its checkpoint to ``--epochs``.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from syne_tune import Reporter

parser = argparse.ArgumentParser()
parser.add_argument("--mode", type=str, default="normal")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--x", type=float, default=0.5)
parser.add_argument("--sleep", type=float, default=0.0)
parser.add_argument("--hold_after", type=int, default=0)
parser.add_argument("--st_checkpoint_dir", type=str, required=True)
args, _ = parser.parse_known_args()

trial_folder = Path(args.st_checkpoint_dir).parent
checkpoint = Path(args.st_checkpoint_dir) / "state.json"
PREFIX = "[tune-metric]: "


def note_pid(pid):
    with open(trial_folder / "pids.txt", "a") as stream:
        stream.write(f"{pid}\n")


def spawn(code, **kwargs):
    """A python child running ``code``; its pid is noted."""
    note_pid(subprocess.Popen([sys.executable, "-c", code], **kwargs).pid)


note_pid(os.getpid())
mode = args.mode
if mode == "crash_start":
    sys.exit(2)
if mode == "grandchildren":
    # a plain child and a detached one in a session of its own
    spawn("import time; time.sleep(600)")
    spawn("import time; time.sleep(600)", start_new_session=True)
    # a grandchild: the child starts it and exits at once, so the grandchild is orphaned
    spawn("import subprocess, sys, time; "
          f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True); "
          f"open({str(trial_folder / 'pids.txt')!r}, 'a').write(str(p.pid) + '\\n')")
    time.sleep(0.5)
if mode == "hidden_child":
    # leaves the session and drops the environment marker: found as a descendant while this process lives
    spawn("import time; time.sleep(600)", start_new_session=True, env={"PATH": os.environ.get("PATH", "")})

start = json.loads(checkpoint.read_text())["epoch"] if checkpoint.exists() else 0
report = Reporter()
for epoch in range(start + 1, args.epochs + 1):
    loss = (args.x - 0.3) ** 2 + 1.0 / epoch

    if mode == "nan" and epoch >= 2:
        loss = float("nan")
    elif mode == "inf" and epoch >= 2:
        loss = float("inf") if epoch % 2 else float("-inf")
    if mode == "string":
        print(PREFIX + json.dumps({"epoch": epoch, "loss": "oops"}), flush=True)
    elif mode == "no_metric":
        report(epoch=epoch)
    elif mode == "garbage":
        print("just some text", flush=True)
        print(PREFIX + "{not json", flush=True)
        print(PREFIX + "[1, 2, 3]", flush=True)
        print(PREFIX + "{" + '"a": ' * 1 + "[" * 100_000 + "]" * 100_000 + "}", flush=True)  # deeply nested
        print(PREFIX + "x" * 3_000_000, flush=True)  # longer than the line bound
        print("y" * 3_000_000, flush=True)
        print(PREFIX + json.dumps({"epoch": epoch, "loss": loss, "st_worker_timestamp": "forged"}), flush=True)
    else:
        report(epoch=epoch, loss=loss)
    if args.hold_after or mode == "checkpointing":  # after the report, atomically
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        checkpoint.with_suffix(".tmp").write_text(json.dumps({"epoch": epoch}))
        checkpoint.with_suffix(".tmp").replace(checkpoint)
    if mode == "crash_mid" and epoch == 2:
        print("simulated crash mid-run", file=sys.stderr)
        os._exit(3)
    if mode in ("hang", "hidden_child") and epoch == 1:
        time.sleep(600)
    if args.hold_after and epoch == args.hold_after and start == 0:
        (trial_folder / "holding").write_text(str(epoch))
        time.sleep(600)
    time.sleep(args.sleep)
