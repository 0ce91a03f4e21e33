"""Runs every ```python block of README.md and docs/*.md, so the docs cannot rot.

Each block runs as its own program in a scratch folder that links the repo's
``examples/`` and ``benchmarking/`` and holds a tiny FashionMNIST in IDX format.
Tuning budgets are capped at a few seconds (conftest's short_budget_prelude). A training-script block gets its command
line from a preceding ``<!-- docs-test: args ... -->`` comment; a snippet that needs
what CI cannot have (a running Ray cluster) says so in ``<!-- docs-test: skip (reason) -->``.
"""
from __future__ import annotations

import gzip
import os
import re
import shlex
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).parents[2]
DOCS = [REPO / "README.md"] + sorted((REPO / "docs").glob("**/*.md"))
BLOCK = re.compile(r"(?:<!-- docs-test: (?P<directive>.*?) -->\s*\n)?```python\n(?P<code>.*?)```", re.S)


def _blocks():
    for path in DOCS:
        text = path.read_text()
        for match in BLOCK.finditer(text):
            line = text[:match.start("code")].count("\n") + 1
            yield pytest.param(match.group("code"), match.group("directive") or "",
                               id=f"{path.relative_to(REPO)}:{line}")


def _write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def _tiny_fashion_mnist(folder: Path) -> None:
    rng = np.random.RandomState(0)
    for prefix, n in (("train", 240), ("t10k", 60)):
        labels = rng.randint(0, 10, n)
        images = (rng.rand(n, 28, 28) * 40 + labels[:, None, None] * 20).astype(np.uint8)
        _write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
        _write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    for name in ("examples", "benchmarking"):
        (folder / name).symlink_to(REPO / name)
    _tiny_fashion_mnist(folder)
    return folder


def test_docs_have_code_blocks():
    assert len(list(_blocks())) >= 5


@pytest.mark.parametrize("code, directive", list(_blocks()))
def test_code_block_runs(code, directive, scratch, tmp_path, short_budget_prelude):
    if directive.startswith("skip"):
        pytest.skip(directive)
    if "RayBackend" in code:
        pytest.importorskip("ray", reason="this block runs trials on Ray: it needs the extra 'ray'")
    program = tmp_path / "block.py"
    args = []
    if directive.startswith("args"):
        args = shlex.split(directive[len("args"):])
        program.write_text(code)
    else:
        program.write_text(short_budget_prelude + "\n" + code)
    env = dict(os.environ, PYTHONPATH=str(REPO), MPLBACKEND="Agg")
    run = subprocess.run([sys.executable, str(program), *args], cwd=scratch, env=env, capture_output=True,
                         text=True, timeout=240)
    assert run.returncode == 0, f"stdout:\n{run.stdout[-3000:]}\nstderr:\n{run.stderr[-3000:]}"
