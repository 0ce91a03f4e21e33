"""A toy network with a trade-off: wider layers are more accurate but slower.

Reports ``accuracy`` (higher is better, grows with ``--width`` and the epochs) and ``latency``
(lower is better, grows with ``--width``) after every epoch; for multi-objective schedulers.
"""
import argparse
import math
import time

from syne_tune import Reporter

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=27)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--sleep_time", type=float, default=0.05)
    args, _ = parser.parse_known_args()

    report = Reporter()
    for epoch in range(1, args.epochs + 1):
        time.sleep(args.sleep_time)
        lr_penalty = (math.log10(args.lr) + 2.0) ** 2 / 4.0  # best at lr = 1e-2
        accuracy = (1.0 - math.exp(-args.width / 64)) * (1.0 - math.exp(-epoch / 5)) / (1.0 + lr_penalty)
        latency = 0.5 + args.width / 100
        report(epoch=epoch, accuracy=accuracy, latency=latency)
