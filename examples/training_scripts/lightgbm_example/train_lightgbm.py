"""A LightGBM regression on synthetic data, reporting every boosting round with ReportCallback.

Arguments: ``--learning_rate``, ``--num_leaves``, ``--rounds`` (total boosting rounds; a
scheduler with ``max_resource_attr="rounds"`` sets it to the next milestone) and
``--st_checkpoint_dir`` (set by the backend). A resumed trial continues from its saved model.
"""
from __future__ import annotations

import argparse

import lightgbm
import numpy as np

from syne_tune.frameworks.lightgbm import ReportCallback


def synthetic_data(seed: int = 0, n: int = 400, d: int = 6):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + np.sin(3 * X[:, 0]) + 0.1 * rng.normal(size=n)
    return X, y


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--learning_rate", type=float, default=0.1)
    parser.add_argument("--num_leaves", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--st_checkpoint_dir", type=str, default=None)
    args, _ = parser.parse_known_args()

    X, y = synthetic_data()
    train = lightgbm.Dataset(X[:300], y[:300], free_raw_data=False)
    valid = lightgbm.Dataset(X[300:], y[300:], reference=train, free_raw_data=False)
    params = {"objective": "regression", "metric": "l2", "learning_rate": args.learning_rate,
              "num_leaves": args.num_leaves, "verbosity": -1, "num_threads": 1, "seed": 0}
    report = ReportCallback(metrics=["valid_l2"], checkpoint_dir=args.st_checkpoint_dir)
    lightgbm.train(params, train, num_boost_round=report.rounds_left(args.rounds), valid_sets=[valid],
                   valid_names=["valid"], callbacks=[report], init_model=report.resume_from)
