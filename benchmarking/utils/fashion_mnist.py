"""FashionMNIST from its standard IDX files, downloaded when missing.

Reads ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``
and ``t10k-labels-idx1-ubyte`` (each raw or ``.gz``) from ``dataset_path`` or
``dataset_path/FashionMNIST/raw`` (torchvision's layout). Missing files are downloaded into
``dataset_path/FashionMNIST/raw`` under a lock file, so parallel trials download once; when
the network is unavailable, :class:`FashionMNISTNotFoundError` says which files to place where.

Importing this module has no side effects: nothing is read or downloaded before a call.

Shapes: images ``(n, 28, 28)`` uint8, labels ``(n,)`` uint8 with values 0..9.
"""
from __future__ import annotations

import gzip
import logging
import os
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
)
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
SUBFOLDER = Path("FashionMNIST") / "raw"
DOWNLOAD_TIMEOUT_SECONDS = 60.0
LOCK_TIMEOUT_SECONDS = 600.0

# IDX header: two zero bytes, a type code, the number of dimensions; then one big-endian
# uint32 per dimension (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT").
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


class FashionMNISTNotFoundError(FileNotFoundError):
    """The IDX files are neither on disk nor downloadable."""


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """The array stored in an IDX file (``.gz`` files are decompressed)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: its header must start with two zero bytes "
                         f"and a type code in {sorted(_IDX_DTYPES)}. Got {data[:4]!r}.")
    dtype, ndim = _IDX_DTYPES[data[2]], data[3]
    header_size = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(f"{path} is truncated or corrupt: shape {shape} needs {expected} bytes, "
                         f"the file has {len(data)}. Delete it so it is downloaded again.")
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False)


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Writes a uint8 array as an IDX file (gzipped if ``path`` ends in ``.gz``); for tests."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


def _candidate_dirs(dataset_path: Path) -> list[Path]:
    return [dataset_path, dataset_path / SUBFOLDER]


def find_idx_file(dataset_path: str | os.PathLike, name: str) -> Path | None:
    """Where ``name`` (or ``name.gz``) lies below ``dataset_path``, or None."""
    for folder in _candidate_dirs(Path(dataset_path)):
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def download_file(url: str, destination: Path) -> None:
    """Downloads ``url`` to ``destination`` via a temporary file and ``os.replace``."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part",
                                    dir=destination.parent)
    try:
        with os.fdopen(fd, "wb") as out, \
                urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            while chunk := response.read(1 << 20):
                out.write(chunk)
        os.replace(tmp_name, destination)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


class _LockFile:
    """Exclusive lock via ``os.O_EXCL`` creation of a file; stale locks expire after ``timeout``."""

    def __init__(self, path: Path, timeout: float = LOCK_TIMEOUT_SECONDS, poll: float = 0.5):
        self.path, self.timeout, self.poll = path, timeout, poll
        self.acquired = False

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                self.acquired = True
                return self
            except FileExistsError:
                if time.monotonic() > deadline:
                    logger.warning("Lock %s still held after %.0f s; proceeding without it.",
                                   self.path, self.timeout)
                    return self
                time.sleep(self.poll)

    def __exit__(self, *exc):
        if self.acquired:
            self.path.unlink(missing_ok=True)
            self.acquired = False


def _missing_files_message(dataset_path: Path, names: list[str], errors: list[str]) -> str:
    files = ", ".join(f"{name}.gz" for name in names)
    return (
        f"The FashionMNIST files {files} are not in '{dataset_path}' nor in "
        f"'{dataset_path / SUBFOLDER}', and downloading them failed ({'; '.join(errors)}). "
        f"Download them on a machine with network access from {MIRRORS[0]} (or {MIRRORS[1]}) "
        f"and place them (gzipped or uncompressed) in '{dataset_path / SUBFOLDER}' or "
        f"'{dataset_path}', or pass a different --dataset_path."
    )


def ensure_files(dataset_path: str | os.PathLike, split: str = "train") -> tuple[Path, Path]:
    """Paths of the (images, labels) files of ``split``, downloading them if missing.

    Raises:
        FashionMNISTNotFoundError: if a file is missing and cannot be downloaded.
    """
    if split not in FILES:
        raise ValueError(f"The 'split' argument must be one of {sorted(FILES)}. Got {split!r}.")
    dataset_path = Path(dataset_path).expanduser()
    names = list(FILES[split])
    missing = [name for name in names if find_idx_file(dataset_path, name) is None]
    if missing:
        target_dir = dataset_path / SUBFOLDER
        with _LockFile(target_dir / f".{split}.download.lock"):
            errors = []
            for name in missing:
                if find_idx_file(dataset_path, name) is not None:
                    continue  # another trial downloaded it while we waited for the lock
                for mirror in MIRRORS:
                    try:
                        download_file(mirror + f"{name}.gz", target_dir / f"{name}.gz")
                        break
                    except OSError as err:  # URLError, timeouts and HTTP errors are OSErrors
                        errors.append(f"{mirror}{name}.gz: {err}")
            still_missing = [name for name in names if find_idx_file(dataset_path, name) is None]
            if still_missing:
                raise FashionMNISTNotFoundError(
                    _missing_files_message(dataset_path, still_missing, errors))
    images, labels = (find_idx_file(dataset_path, name) for name in names)
    return images, labels


def load_fashion_mnist(dataset_path: str | os.PathLike, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """``(images, labels)`` of ``split`` ('train' or 'test'): ``(n, 28, 28)`` and ``(n,)`` uint8."""
    images_path, labels_path = ensure_files(dataset_path, split)
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"{images_path} and {labels_path} do not match: images must have shape "
                         f"(n, rows, cols) and labels (n,). Got {images.shape} and {labels.shape}.")
    return images, labels


def train_validation_split(n: int) -> tuple[slice, slice]:
    """First 50,000 of 60,000 images train, last 10,000 validate; smaller sets keep the 5:1 ratio."""
    n_valid = max(1, n // 6)
    return slice(0, n - n_valid), slice(n - n_valid, n)
