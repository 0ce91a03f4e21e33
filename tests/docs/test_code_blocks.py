"""Runs every ```python block of README.md and docs/*.md, so the docs cannot rot.

Each block runs as its own program in a scratch folder that links the repo's
``examples/`` and ``benchmarking/`` and holds a tiny FashionMNIST in IDX format.
Tuning budgets are capped at a few seconds (conftest's short_budget_prelude). A training-script block gets its command
line from a preceding ``<!-- docs-test: args ... -->`` comment; a snippet that needs
what CI cannot have (a running Ray cluster) says so in ``<!-- docs-test: skip (reason) -->``.

Besides running, the claims of ``launcher_claims`` are checked: a block whose scheduler pauses and
resumes trials names a training script that checkpoints, and in every run a block stores, no
trial's resource goes back (a resumed trial never starts again at epoch 1).
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
from launcher_claims import scripts_that_do_not_checkpoint, stored_experiments, trials_that_went_back

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
    went_back = trials_that_went_back()
    assert not went_back, (f"trials whose resource went back (a resume restarted the training; does the script "
                           f"checkpoint?): {went_back}")


def test_blocks_that_pause_and_resume_trials_use_a_checkpointing_script():
    checked, offenders = 0, {}
    for block in _blocks():
        code, directive = block.values
        missing = scripts_that_do_not_checkpoint(code)
        if missing is None:
            continue
        checked += 1
        if missing:
            offenders[block.id] = missing
    assert checked >= 2  # docs/results.md and docs/ray.md teach promotion-type ASHA with a script
    assert not offenders, (f"these blocks pause and resume trials with a script that ignores --st_checkpoint_dir, "
                           f"so resumed trials restart at epoch 1: {offenders}")


def test_the_checkpoint_check_flags_promotion_with_a_script_that_does_not_checkpoint():
    # The block docs/results.md had before issue 20.
    code = ('LocalBackend(entry_point="examples/training_scripts/height_example/train_height.py")\n'
            'ASHA(config_space, type="promotion", max_t=9, resource_attr="epoch")')
    assert scripts_that_do_not_checkpoint(code) == ["examples/training_scripts/height_example/train_height.py"]
    assert scripts_that_do_not_checkpoint(code.replace("train_height.py", "train_height_checkpoint.py")) == []
    assert scripts_that_do_not_checkpoint(code.replace('"promotion"', '"stopping"')) is None


def test_a_resume_without_checkpoint_is_seen_as_a_restart():
    # The docs claim that matters: without a checkpoint, promotion-type ASHA repeats epochs. The run-time check
    # of test_code_block_runs must see that, or it could never fail.
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import randint
    from syne_tune.optimizer.baselines import ASHA

    space = {"steps": 3, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.01}
    script = REPO / "examples" / "training_scripts" / "height_example" / "train_height.py"
    scheduler = ASHA(space, type="promotion", max_t=3, grace_period=1, reduction_factor=3, resource_attr="epoch",
                     metric="mean_loss", mode="min", random_seed=0)
    Tuner(LocalBackend(str(script)), scheduler, StoppingCriterion(max_num_trials_started=8), n_workers=2,
          sleep_time=0.05, progress="off").run()
    assert len(stored_experiments()) == 1
    went_back = trials_that_went_back()
    assert went_back, "promoted trials of a script without checkpoints should restart at epoch 1"
    trial_id, epochs = next(iter(went_back.values()))[0]
    assert epochs[:2] == [1, 1], f"trial {trial_id} reported epochs {epochs}"
