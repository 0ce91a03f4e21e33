"""Runs the MLP training script as the LocalBackend would, on the tiny generated IDX files."""
from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

from benchmarking.definitions.definition_mlp_on_fashion_mnist import mlp_fashionmnist_benchmark
from benchmarking.utils.checkpoint import DEFAULT_CHECKPOINT_FNAME
from idx_fixtures import command_line
from syne_tune.report import retrieve

HYPERPARAMETERS = {"n_units_1": 32, "n_units_2": 16, "batch_size": 32, "dropout_1": 0.1,
                   "dropout_2": 0.05, "learning_rate": 0.003, "weight_decay": 1e-5}


def _run(fashion_mnist_dir, epochs: int, checkpoint_dir=None, seed: int = 0, **overrides) -> list[dict]:
    benchmark = mlp_fashionmnist_benchmark({"dataset_path": str(fashion_mnist_dir), "epochs": epochs})
    config = {name: value for name, value in benchmark["config_space"].items() if name not in HYPERPARAMETERS}
    config.update(HYPERPARAMETERS, seed=seed, **overrides)
    args = command_line(config)
    if checkpoint_dir is not None:
        args += ["--st_checkpoint_dir", str(checkpoint_dir)]
    run = subprocess.run([sys.executable, benchmark["script"], *args, "--unknown_flag", "1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return retrieve(run.stdout.splitlines())


@pytest.fixture(scope="module")
def three_epochs(fashion_mnist_dir):
    return _run(fashion_mnist_dir, epochs=3)


def test_reports_once_per_epoch(fashion_mnist_dir, three_epochs):
    assert [r["epoch"] for r in three_epochs] == [1, 2, 3]
    assert all(set(r) >= {"epoch", "accuracy", "elapsed_time", "st_worker_time"} for r in three_epochs)
    elapsed = [r["elapsed_time"] for r in three_epochs]
    assert all(0 < a < b for a, b in zip(elapsed, elapsed[1:]))
    # 100 validation images of 10 well-separated classes: the MLP must beat chance by far
    assert all(0.0 <= r["accuracy"] <= 1.0 for r in three_epochs)
    assert three_epochs[-1]["accuracy"] > 0.5
    assert all(round(r["accuracy"] * 100) == r["accuracy"] * 100 for r in three_epochs)


def test_same_seed_same_results(fashion_mnist_dir, three_epochs):
    again = _run(fashion_mnist_dir, epochs=2)
    assert [r["accuracy"] for r in again] == [r["accuracy"] for r in three_epochs[:2]]


def test_pause_and_resume_continue_where_stopped(fashion_mnist_dir, three_epochs, tmp_path):
    checkpoints = tmp_path / "checkpoints"
    first = _run(fashion_mnist_dir, epochs=1, checkpoint_dir=checkpoints)
    assert [r["epoch"] for r in first] == [1]
    with open(checkpoints / DEFAULT_CHECKPOINT_FNAME, "rb") as f:
        saved = pickle.load(f)
    assert saved["st_resource"] == 1
    assert saved["st_state_dict_params"]["w1"].shape == (784, 32)
    assert saved["st_mutable_state"]["adam_step"] == 500 // 32  # the last incomplete batch is dropped

    resumed = _run(fashion_mnist_dir, epochs=3, checkpoint_dir=checkpoints)
    assert [r["epoch"] for r in resumed] == [2, 3]
    # weights, Adam moments and RNG state restored: identical to the uninterrupted run
    assert [r["accuracy"] for r in first + resumed] == [r["accuracy"] for r in three_epochs]
    with open(checkpoints / DEFAULT_CHECKPOINT_FNAME, "rb") as f:
        assert pickle.load(f)["st_resource"] == 3

    # a finished trial resumed with the same budget has nothing left to do
    assert _run(fashion_mnist_dir, epochs=3, checkpoint_dir=checkpoints) == []


def test_checkpoint_of_another_architecture_is_ignored(fashion_mnist_dir, tmp_path):
    checkpoints = tmp_path / "checkpoints"
    _run(fashion_mnist_dir, epochs=1, checkpoint_dir=checkpoints)
    other = _run(fashion_mnist_dir, epochs=2, checkpoint_dir=checkpoints, n_units_1=8)
    assert [r["epoch"] for r in other] == [1, 2]


def test_report_current_best(fashion_mnist_dir):
    # a learning rate this small makes the validation accuracy go down at first
    raw = [r["accuracy"] for r in _run(fashion_mnist_dir, epochs=3, learning_rate=3e-4)]
    assert raw != sorted(raw), "the test needs a non-monotone accuracy curve"
    best = _run(fashion_mnist_dir, epochs=3, learning_rate=3e-4, report_current_best="True")
    assert [r["accuracy"] for r in best] == list(np.maximum.accumulate(raw))
