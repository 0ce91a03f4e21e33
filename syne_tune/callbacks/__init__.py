"""Tuner callbacks that send an experiment to a tracking tool: MLflow, TensorBoard, Weights & Biases.

Each needs its own extra (``pip install 'syne-tune[mlflow]'``, ``[tensorboard]``, ``[wandb]``;
``[trackers]`` for all); nothing here imports a tool before a callback is made.
"""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_EXPORTS = {
    "MLflowCallback": "syne_tune.callbacks.mlflow_callback",
    "TensorboardCallback": "syne_tune.callbacks.tensorboard_callback",
    "WandbCallback": "syne_tune.callbacks.wandb_callback",
    "TrackerCallback": "syne_tune.callbacks.tracker",
}

__all__ = list(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS)
