"""Training script for the report-flood benchmark: reports as fast as it can for --seconds."""
import argparse
import time

from syne_tune import Reporter

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, default=0.0)
parser.add_argument("--seconds", type=float, default=60.0)
args, _ = parser.parse_known_args()
report = Reporter()
end = time.time() + args.seconds
step = 0
while time.time() < end:
    step += 1
    report(loss=(args.x - 0.5) ** 2 + 1.0 / step, step=step)
