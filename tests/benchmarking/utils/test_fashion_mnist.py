from __future__ import annotations

import shutil
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from benchmarking.utils import fashion_mnist
from benchmarking.utils.fashion_mnist import (
    FashionMNISTNotFoundError, load_fashion_mnist, read_idx, train_validation_split, write_idx,
)
from idx_fixtures import NUM_TEST, NUM_TRAIN, make_fashion_mnist


@pytest.mark.parametrize("gzipped", [True, False])
def test_reads_generated_idx_files(tmp_path, gzipped):
    arrays = make_fashion_mnist(tmp_path, gzipped=gzipped)
    suffix = ".gz" if gzipped else ""
    assert (tmp_path / f"train-images-idx3-ubyte{suffix}").is_file()
    images, labels = load_fashion_mnist(tmp_path, split="train")
    assert images.shape == (NUM_TRAIN, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (NUM_TRAIN,)
    np.testing.assert_array_equal(images, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(labels, arrays["train-labels-idx1-ubyte"])
    test_images, test_labels = load_fashion_mnist(tmp_path, split="test")
    assert test_images.shape == (NUM_TEST, 28, 28)
    np.testing.assert_array_equal(test_labels, arrays["t10k-labels-idx1-ubyte"])


def test_reads_torchvision_layout(tmp_path):
    arrays = make_fashion_mnist(tmp_path / "FashionMNIST" / "raw", gzipped=False)
    images, _ = load_fashion_mnist(tmp_path)
    np.testing.assert_array_equal(images, arrays["train-images-idx3-ubyte"])


def test_read_idx_big_endian_header(tmp_path):
    array = np.arange(2 * 3 * 5, dtype=np.uint8).reshape(2, 3, 5)
    write_idx(tmp_path / "a.idx", array)
    raw = (tmp_path / "a.idx").read_bytes()
    assert raw[:4] == bytes([0, 0, 8, 3]) and raw[4:8] == bytes([0, 0, 0, 2])
    np.testing.assert_array_equal(read_idx(tmp_path / "a.idx"), array)


def test_read_idx_rejects_bad_header_and_truncation(tmp_path):
    (tmp_path / "bad").write_bytes(b"PK\x03\x04whatever")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad")
    write_idx(tmp_path / "short", np.zeros((4, 28, 28), dtype=np.uint8))
    data = (tmp_path / "short").read_bytes()
    (tmp_path / "short").write_bytes(data[:-10])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(tmp_path / "short")


def test_missing_files_without_network_name_files_and_folder(tmp_path, monkeypatch):
    attempts = []

    def offline(url, destination):
        attempts.append(url)
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(fashion_mnist, "download_file", offline)
    with pytest.raises(FashionMNISTNotFoundError) as info:
        load_fashion_mnist(tmp_path / "data")
    message = str(info.value)
    assert "train-images-idx3-ubyte.gz" in message and "train-labels-idx1-ubyte.gz" in message
    assert str(tmp_path / "data" / "FashionMNIST" / "raw") in message
    assert "no network" in message
    assert fashion_mnist.MIRRORS[0] in message
    # each missing file tried on every mirror; no lock file left behind
    assert len(attempts) == 2 * len(fashion_mnist.MIRRORS)
    assert not list((tmp_path / "data").rglob("*.lock"))


def test_downloads_only_missing_files_into_raw_folder(tmp_path, monkeypatch):
    source = tmp_path / "mirror"
    make_fashion_mnist(source)
    dataset = tmp_path / "data"
    dataset.mkdir()
    shutil.copy(source / "train-labels-idx1-ubyte.gz", dataset)
    fetched = []

    def fake_download(url, destination: Path):
        fetched.append(url.rsplit("/", 1)[1])
        if "amazonaws" in url:
            raise urllib.error.URLError("first mirror down")
        shutil.copy(source / destination.name, destination)

    monkeypatch.setattr(fashion_mnist, "download_file", fake_download)
    images, labels = load_fashion_mnist(dataset)
    assert fetched == ["train-images-idx3-ubyte.gz"] * 2
    assert (dataset / "FashionMNIST" / "raw" / "train-images-idx3-ubyte.gz").is_file()
    assert images.shape == (NUM_TRAIN, 28, 28) and labels.shape == (NUM_TRAIN,)


def test_unknown_split(tmp_path):
    with pytest.raises(ValueError, match="'split'"):
        load_fashion_mnist(tmp_path, split="valid")


@pytest.mark.parametrize("n, n_train", [(60_000, 50_000), (600, 500), (7, 6)])
def test_train_validation_split(n, n_train):
    train, valid = train_validation_split(n)
    assert (train.start, train.stop, valid.start, valid.stop) == (0, n_train, n_train, n)


def test_lock_file_is_exclusive_and_released(tmp_path, caplog):
    lock_path = tmp_path / "raw" / ".train.download.lock"
    with fashion_mnist._LockFile(lock_path) as first:
        assert first.acquired and lock_path.is_file()
        # a second trial waits, then goes ahead without the lock rather than hang forever
        with fashion_mnist._LockFile(lock_path, timeout=0.2, poll=0.05) as second:
            assert not second.acquired
        assert "still held" in caplog.text
        assert lock_path.is_file()
    assert not lock_path.exists()
