"""Trivial training script for throughput benchmarks: one report, optional sleep."""
import argparse
import time

from syne_tune import Reporter

parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float, default=0.0)
parser.add_argument("--sleep", type=float, default=0.0)
args, _ = parser.parse_known_args()
time.sleep(args.sleep)
Reporter()(loss=(args.x - 0.5) ** 2, epoch=1)
