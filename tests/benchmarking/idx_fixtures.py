"""Writes a tiny, learnable FashionMNIST in IDX format for the benchmarking tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarking.utils.fashion_mnist import write_idx

NUM_TRAIN, NUM_TEST = 600, 100


def make_fashion_mnist(folder: Path, num_train: int = NUM_TRAIN, num_test: int = NUM_TEST,
                       gzipped: bool = True, seed: int = 0) -> dict[str, np.ndarray]:
    """Writes the four IDX files: class templates plus noise, so an MLP learns them in an epoch.

    Returns the arrays written, keyed by file name without suffix.
    """
    rng = np.random.RandomState(seed)
    templates = rng.randint(0, 256, size=(10, 28, 28))
    arrays = {}
    for prefix, n in (("train", num_train), ("t10k", num_test)):
        labels = rng.randint(0, 10, n).astype(np.uint8)
        noise = rng.randint(0, 256, size=(n, 28, 28))
        images = (0.6 * templates[labels] + 0.4 * noise).astype(np.uint8)
        arrays[f"{prefix}-images-idx3-ubyte"] = images
        arrays[f"{prefix}-labels-idx1-ubyte"] = labels
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        write_idx(folder / (f"{name}.gz" if gzipped else name), array)
    return arrays


def command_line(config: dict) -> list[str]:
    """``--name value`` for every config entry, as the LocalBackend passes them."""
    return [item for name, value in config.items() for item in (f"--{name}", str(value))]
