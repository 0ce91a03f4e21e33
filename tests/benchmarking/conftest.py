"""Fixtures for benchmarking tests: a tiny, learnable FashionMNIST in IDX format, no network.

The repo root goes on ``sys.path`` so ``benchmarking`` imports even when only ``syne_tune``
is pip-installed.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
for _path in (REPO, Path(__file__).resolve().parent):  # benchmarking, idx_fixtures
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from idx_fixtures import make_fashion_mnist  # noqa: E402


@pytest.fixture(scope="session")
def fashion_mnist_dir(tmp_path_factory) -> Path:
    """A folder holding gzipped IDX files: 600 train and 100 test images."""
    folder = tmp_path_factory.mktemp("fashion_mnist")
    make_fashion_mnist(folder)
    return folder


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """In-process code under these tests must never open a URL."""
    import urllib.request

    def refuse(*args, **kwargs):
        raise AssertionError(f"tests must not use the network (urlopen{args})")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
