"""Trains a two-layer MLP on FashionMNIST with numpy + autograd; reports validation accuracy per epoch.

Model: 784 -> n_units_1 -> dropout_1 -> ReLU -> n_units_2 -> dropout_2 -> ReLU -> 10, trained
with Adam (L2 weight decay added to the gradient, as torch's ``Adam(weight_decay=...)``) on
the cross-entropy. The first 5/6 of the training images (50,000 of 60,000) train, the last
1/6 validate. After every epoch it reports ``epoch``, ``accuracy`` (validation, or the best so
far with ``--report_current_best True``) and ``elapsed_time`` (seconds since the data was
loaded in this process), and saves weights, Adam state, RNG state and epoch to
``--st_checkpoint_dir``; on start it resumes from there, so a paused trial continues.

Run: ``python mlp_on_fashion_mnist.py --epochs 3 --dataset_path ./ --n_units_1 128 ...``
(``--seed`` is optional; without it every run draws fresh randomness).

BLAS runs single-threaded unless ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` /
``MKL_NUM_THREADS`` say otherwise: several trials run side by side, and multithreaded BLAS
on small matrices under contention was 3-4x slower in our measurements.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before numpy loads its BLAS

try:
    import benchmarking  # noqa: F401
except ImportError:  # run as a plain script from a checkout that is not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import autograd.numpy as anp
import numpy as np
from autograd import grad

from benchmarking.definitions.definition_mlp_on_fashion_mnist import _config_space
from benchmarking.utils.checkpoint import (
    add_checkpointing_to_argparse, checkpoint_model_at_rung_level, numpy_load_save_functions,
    resume_from_checkpointed_model,
)
from benchmarking.utils.fashion_mnist import load_fashion_mnist, train_validation_split
from benchmarking.utils.params import parse_bool
from syne_tune import Reporter
from syne_tune.config_space import add_to_argparse

NUM_CLASSES = 10
ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 0.9, 0.999, 1e-8
EVAL_BATCH_SIZE = 2000
DTYPE = np.float32


def layer_shapes(config: dict, num_inputs: int = 784) -> dict[str, tuple[int, ...]]:
    """Parameter name -> shape; weights are (fan_in, fan_out)."""
    n1, n2 = int(config["n_units_1"]), int(config["n_units_2"])
    return {"w1": (num_inputs, n1), "b1": (n1,), "w2": (n1, n2), "b2": (n2,),
            "w3": (n2, NUM_CLASSES), "b3": (NUM_CLASSES,)}


def init_params(shapes: dict[str, tuple[int, ...]], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases, torch.nn.Linear's default."""
    params = {}
    for layer in ("1", "2", "3"):
        fan_in = shapes["w" + layer][0]
        bound = 1.0 / np.sqrt(fan_in)
        for name in ("w" + layer, "b" + layer):
            params[name] = rng.uniform(-bound, bound, size=shapes[name]).astype(DTYPE)
    return params


def forward(params: dict, x, masks=None):
    """Logits ``(batch, 10)`` for inputs ``(batch, 784)``; ``masks`` are scaled dropout masks."""
    h = anp.dot(x, params["w1"]) + params["b1"]
    if masks is not None:
        h = h * masks[0]
    h = anp.maximum(h, 0.0)
    h = anp.dot(h, params["w2"]) + params["b2"]
    if masks is not None:
        h = h * masks[1]
    h = anp.maximum(h, 0.0)
    return anp.dot(h, params["w3"]) + params["b3"]


def cross_entropy(params: dict, x, labels_onehot, masks):
    """Mean cross-entropy: mean_i [logsumexp(z_i) - z_i[y_i]]."""
    logits = forward(params, x, masks)
    shift = anp.max(logits, axis=1, keepdims=True)
    log_norm = anp.log(anp.sum(anp.exp(logits - shift), axis=1, keepdims=True)) + shift
    return -anp.mean(anp.sum((logits - log_norm) * labels_onehot, axis=1))


loss_grad = grad(cross_entropy)


def dropout_mask(rng: np.random.Generator, shape: tuple[int, int], rate: float) -> np.ndarray:
    """Inverted dropout: entries 0 with probability ``rate``, else 1 / (1 - rate)."""
    keep = rng.random(shape, dtype=DTYPE) >= rate
    return keep.astype(DTYPE) * DTYPE(1.0 / (1.0 - rate))


def adam_step(params, grads, m, v, step: int, learning_rate: float, weight_decay: float,
              scratch: dict) -> None:
    """One Adam update in place, as torch.optim.Adam with L2 ``weight_decay`` (g += wd * p).

    ``scratch`` maps each parameter name to two preallocated buffers of its shape, so the
    update allocates nothing (large fresh arrays cost page faults at every step).
    """
    bias1 = 1.0 - ADAM_BETA1 ** step
    inv_sqrt_bias2 = DTYPE(1.0 / np.sqrt(1.0 - ADAM_BETA2 ** step))
    step_size = DTYPE(learning_rate / bias1)
    for name, p in params.items():
        s1, s2 = scratch[name]
        np.multiply(p, DTYPE(weight_decay), out=s1)
        s1 += grads[name]                                   # g = grad + wd * p
        m[name] *= DTYPE(ADAM_BETA1)
        np.multiply(s1, DTYPE(1.0 - ADAM_BETA1), out=s2)
        m[name] += s2                                       # m = b1 m + (1 - b1) g
        np.multiply(s1, s1, out=s1)
        s1 *= DTYPE(1.0 - ADAM_BETA2)
        v[name] *= DTYPE(ADAM_BETA2)
        v[name] += s1                                       # v = b2 v + (1 - b2) g^2
        np.sqrt(v[name], out=s1)
        s1 *= inv_sqrt_bias2
        s1 += DTYPE(ADAM_EPS)                               # sqrt(v / (1 - b2^t)) + eps
        np.divide(m[name], s1, out=s2)
        s2 *= step_size
        p -= s2                                             # p -= lr / (1 - b1^t) * m / denom


def to_inputs(images: np.ndarray) -> np.ndarray:
    """uint8 ``(batch, 784)`` to float32 in [0, 1]."""
    return images.astype(DTYPE) * DTYPE(1.0 / 255.0)


def train_epoch(config: dict, state: dict, x_train: np.ndarray, y_train: np.ndarray) -> None:
    """One pass over shuffled minibatches (the last incomplete batch is dropped)."""
    params, rng = state["params"], state["rng"]
    batch_size = min(int(config["batch_size"]), len(x_train))
    d1, d2 = float(config["dropout_1"]), float(config["dropout_2"])
    n1, n2 = params["w1"].shape[1], params["w2"].shape[1]
    eye = np.eye(NUM_CLASSES, dtype=DTYPE)
    scratch = {name: (np.empty_like(p), np.empty_like(p)) for name, p in params.items()}
    order = rng.permutation(len(x_train))
    for start in range(0, len(order) - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        masks = (dropout_mask(rng, (batch_size, n1), d1), dropout_mask(rng, (batch_size, n2), d2))
        grads = loss_grad(params, to_inputs(x_train[idx]), eye[y_train[idx]], masks)
        state["mutable"]["adam_step"] += 1
        adam_step(params, grads, state["adam_m"], state["adam_v"], state["mutable"]["adam_step"],
                  float(config["learning_rate"]), float(config["weight_decay"]), scratch)


def validate(params: dict, x_valid: np.ndarray, y_valid: np.ndarray) -> float:
    """Fraction of correctly classified validation images (no dropout)."""
    correct = 0
    for start in range(0, len(x_valid), EVAL_BATCH_SIZE):
        logits = forward(params, to_inputs(x_valid[start:start + EVAL_BATCH_SIZE]))
        correct += int(np.sum(np.argmax(logits, axis=1) == y_valid[start:start + EVAL_BATCH_SIZE]))
    return correct / len(x_valid)


def fresh_state(shapes: dict[str, tuple[int, ...]], rng: np.random.Generator) -> dict:
    """Everything a checkpoint holds: weights, Adam moments and step, best accuracy, RNG state."""
    params = init_params(shapes, rng)
    return {
        "params": params,
        "adam_m": {name: np.zeros_like(p) for name, p in params.items()},
        "adam_v": {name: np.zeros_like(p) for name, p in params.items()},
        "mutable": {"adam_step": 0, "best_accuracy": 0.0, "rng_state": None},
    }


def resume(config: dict, state: dict, shapes: dict, rng: np.random.Generator, load_fn) -> int:
    """Loads the checkpoint into ``state`` in place; returns the epoch to continue after (0: none).

    A checkpoint of another architecture (e.g. copied from a different trial) is ignored.
    """
    resume_from = resume_from_checkpointed_model(config, load_fn)
    if resume_from == 0:
        return 0
    loaded_shapes = {name: tuple(p.shape) for name, p in state["params"].items()}
    if loaded_shapes != shapes:
        logging.warning("The checkpoint holds layers %s, this config needs %s; training from scratch.",
                        loaded_shapes, shapes)
        for key, value in fresh_state(shapes, rng).items():
            state[key].clear()
            state[key].update(value)
        return 0
    rng.bit_generator.state = state["mutable"]["rng_state"]
    return resume_from


def objective(config: dict) -> None:
    images, labels = load_fashion_mnist(config["dataset_path"], split="train")
    images = images.reshape(len(images), -1)
    train_part, valid_part = train_validation_split(len(images))
    x_train, y_train = images[train_part], labels[train_part].astype(np.int64)
    x_valid, y_valid = images[valid_part], labels[valid_part].astype(np.int64)

    report = Reporter()  # created after loading the data, so elapsed_time excludes the download
    start_time = time.time()

    rng = np.random.default_rng(config.get("seed"))
    shapes = layer_shapes(config, images.shape[1])
    state = fresh_state(shapes, rng)
    load_fn, save_fn = numpy_load_save_functions(
        {"params": state["params"], "adam_m": state["adam_m"], "adam_v": state["adam_v"]},
        mutable_state=state["mutable"])
    resume_from = resume(config, state, shapes, rng, load_fn)
    state["rng"] = rng

    report_current_best = parse_bool(config["report_current_best"])
    for epoch in range(resume_from + 1, int(config["epochs"]) + 1):
        train_epoch(config, state, x_train, y_train)
        accuracy = validate(state["params"], x_valid, y_valid)
        mutable = state["mutable"]
        mutable["best_accuracy"] = max(mutable["best_accuracy"], accuracy)
        mutable["rng_state"] = rng.bit_generator.state
        checkpoint_model_at_rung_level(config, save_fn, epoch)  # before reporting: a pause may follow
        report(epoch=epoch, accuracy=mutable["best_accuracy"] if report_current_best else accuracy,
               elapsed_time=time.time() - start_time)


def parse_args(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--dataset_path", type=str, required=True)
    parser.add_argument("--report_current_best", type=str, default="False")
    parser.add_argument("--seed", type=int, default=None)
    add_to_argparse(parser, _config_space)
    add_checkpointing_to_argparse(parser)
    args, _ = parser.parse_known_args(argv)
    return vars(args)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    objective(parse_args())
