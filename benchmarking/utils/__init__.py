"""Helpers for benchmark training scripts: checkpointing and parameter parsing.

Standard library only, so a training script pays nothing to import them. The FashionMNIST
reader lives in :mod:`benchmarking.utils.fashion_mnist` (needs numpy) and is not re-exported.
"""
from __future__ import annotations

from benchmarking.utils.checkpoint import (
    add_checkpointing_to_argparse,
    checkpoint_model_at_rung_level,
    numpy_load_save_functions,
    resume_from_checkpointed_model,
)
from benchmarking.utils.params import dict_get, parse_bool

__all__ = [
    "add_checkpointing_to_argparse",
    "checkpoint_model_at_rung_level",
    "dict_get",
    "numpy_load_save_functions",
    "parse_bool",
    "resume_from_checkpointed_model",
]
