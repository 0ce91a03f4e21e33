from __future__ import annotations

import argparse
import os
import pickle

import numpy as np
import pytest

from benchmarking.utils import (
    add_checkpointing_to_argparse, checkpoint_model_at_rung_level, numpy_load_save_functions,
    resume_from_checkpointed_model,
)
from benchmarking.utils import checkpoint as checkpoint_module


def _state(seed: int):
    rng = np.random.RandomState(seed)
    weights = {"w": rng.randn(3, 4).astype(np.float32), "b": rng.randn(4)}
    mutable = {"step": seed, "rng_state": np.random.default_rng(seed).bit_generator.state}
    return weights, mutable


def test_argparse_adds_optional_checkpoint_dir():
    parser = argparse.ArgumentParser()
    add_checkpointing_to_argparse(parser)
    assert parser.parse_args([]).st_checkpoint_dir is None
    assert parser.parse_args(["--st_checkpoint_dir", "/x"]).st_checkpoint_dir == "/x"


def test_round_trip_restores_arrays_and_mutable_state_in_place(tmp_path):
    saved_weights, saved_mutable = _state(1)
    _, save_fn = numpy_load_save_functions({"weights": saved_weights}, mutable_state=saved_mutable)
    config = {"st_checkpoint_dir": str(tmp_path / "checkpoints")}
    checkpoint_model_at_rung_level(config, save_fn, 7)

    weights, mutable = _state(2)
    held_reference = weights  # the script keeps this dict; loading must update it in place
    load_fn, _ = numpy_load_save_functions({"weights": weights}, mutable_state=mutable)
    assert resume_from_checkpointed_model(config, load_fn) == 7
    assert held_reference is weights
    assert set(weights) == {"w", "b"}
    np.testing.assert_array_equal(weights["w"], saved_weights["w"])
    assert weights["w"].dtype == np.float32
    np.testing.assert_array_equal(weights["b"], saved_weights["b"])
    assert mutable["step"] == 1
    restored = np.random.default_rng()
    restored.bit_generator.state = mutable["rng_state"]
    assert restored.random() == np.random.default_rng(1).random()


def test_resume_returns_zero_without_checkpoint(tmp_path):
    weights, mutable = _state(3)
    load_fn, _ = numpy_load_save_functions({"weights": weights}, mutable_state=mutable)
    assert resume_from_checkpointed_model({}, load_fn) == 0
    assert resume_from_checkpointed_model({"st_checkpoint_dir": None}, load_fn) == 0
    assert resume_from_checkpointed_model({"st_checkpoint_dir": str(tmp_path / "absent")}, load_fn) == 0
    (tmp_path / "empty").mkdir()
    assert resume_from_checkpointed_model({"st_checkpoint_dir": str(tmp_path / "empty")}, load_fn) == 0
    assert mutable["step"] == 3


def test_corrupt_checkpoint_starts_from_scratch_and_leaves_state_untouched(tmp_path):
    (tmp_path / checkpoint_module.DEFAULT_CHECKPOINT_FNAME).write_bytes(b"not a pickle")
    weights, mutable = _state(4)
    before = weights["w"].copy()
    load_fn, _ = numpy_load_save_functions({"weights": weights}, mutable_state=mutable)
    assert resume_from_checkpointed_model({"st_checkpoint_dir": str(tmp_path)}, load_fn) == 0
    np.testing.assert_array_equal(weights["w"], before)
    assert mutable["step"] == 4


def test_checkpoint_missing_an_entry_is_not_loaded(tmp_path):
    weights, _ = _state(5)
    _, save_fn = numpy_load_save_functions({"weights": weights})
    save_fn(str(tmp_path), 2)
    other, mutable = _state(6)
    load_fn, _ = numpy_load_save_functions({"other": other}, mutable_state=mutable)
    assert load_fn(str(tmp_path)) == 0
    assert mutable["step"] == 6


def test_save_without_checkpoint_dir_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    calls = []
    checkpoint_model_at_rung_level({}, lambda path, resource: calls.append(resource), 3)
    checkpoint_model_at_rung_level({"st_checkpoint_dir": "ckpt"}, lambda path, resource: calls.append(resource), 4)
    assert calls == [4]
    assert os.listdir(tmp_path) == []


def test_save_is_atomic_when_pickling_fails(tmp_path):
    weights, _ = _state(7)
    _, save_fn = numpy_load_save_functions({"weights": weights})
    save_fn(str(tmp_path), 1)
    weights["bad"] = lambda: None  # lambdas cannot be pickled
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        save_fn(str(tmp_path), 2)
    assert os.listdir(tmp_path) == [checkpoint_module.DEFAULT_CHECKPOINT_FNAME]
    del weights["bad"]
    load_fn, _ = numpy_load_save_functions({"weights": weights})
    assert load_fn(str(tmp_path)) == 1
