"""Toy training script: a learning curve whose final loss depends on width and height.

mean_loss at step s is 1 / (0.1 + width * s / 100) + 0.1 * height; the best config is
width=20, height=-100. Reports once per step; ``epoch`` (= step + 1) is the resource.
"""
import argparse
import time

from syne_tune import Reporter

report = Reporter()

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--width", type=float, required=True)
    parser.add_argument("--height", type=float, required=True)
    parser.add_argument("--sleep_time", type=float, default=0.1)
    args, _ = parser.parse_known_args()
    for step in range(args.steps):
        mean_loss = 1.0 / (0.1 + args.width * step / 100) + 0.1 * args.height
        report(step=step, mean_loss=mean_loss, epoch=step + 1)
        time.sleep(args.sleep_time)
