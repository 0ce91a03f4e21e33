"""A kernel defined here, in a test file, with its value and its parameters only: it meets the
model contract (autograd gives its gradients) and tunes a function end to end with
FIFOScheduler(searcher='bayesopt') and with MOBSTER, through the search option ``gp_model``."""
from __future__ import annotations

import json

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import randint, uniform
from syne_tune.experiments import load_experiment
from syne_tune.gp.kernels import squared_distances
from syne_tune.gp.model import KernelModel, Parameter
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler
from model_contract import DIM, ModelContract  # tests/gp/model_contract.py


class RationalQuadraticModel(KernelModel):
    """k(x, x') = c·(1 + r²/(2α))^(−α), r² the ARD squared distance; noise and constant mean added."""

    name = "rational-quadratic"

    def __init__(self, dim: int):
        self.kernel_parameters = (
            Parameter("inv_bw", 1.0, 1e-4, 100.0, size=dim, vector=True),
            Parameter("scale", 1.0, 1e-3, 1e3),
            Parameter("alpha", 1.0, 1e-2, 1e2),
        )

    def covariance(self, params, X1, X2):
        alpha = params["alpha"][0]
        r2 = squared_distances(X1, X2, params["inv_bw"])
        return params["scale"][0] * (1.0 + r2 / (2.0 * alpha)) ** (-alpha)


@pytest.fixture
def model():
    return RationalQuadraticModel(DIM)


class TestUserKernel(ModelContract):
    pass


SPACE = {"x": uniform(0, 1), "y": uniform(0, 1)}


def _loss(config):
    return (config["x"] - 0.3) ** 2 + (config["y"] - 0.7) ** 2


def _tune(scheduler, blackbox, seconds: float):
    tuner = Tuner(UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time"), scheduler,
                  StoppingCriterion(max_wallclock_time=seconds), n_workers=2, progress="off")
    tuner.run()
    return tuner, load_experiment(tuner.name)


def test_fifo_bayesopt_tunes_with_a_user_kernel():
    blackbox = from_function(SPACE, lambda config, fidelity, seed: {"loss": _loss(config), "elapsed_time": 1.0},
                             objectives_names=["loss", "elapsed_time"])
    scheduler = FIFOScheduler(SPACE, searcher="bayesopt", metric="loss", mode="min", random_seed=0,
                              search_options={"gp_model": RationalQuadraticModel, "num_init_random": 4,
                                              "debug_log": False})
    tuner, experiment = _tune(scheduler, blackbox, 12.0)
    searcher = scheduler.searcher
    assert isinstance(searcher.model, RationalQuadraticModel)
    assert set(searcher.model_parameters()) >= {"inv_bw0", "inv_bw1", "scale", "alpha", "noise_variance"}
    assert searcher.model_parameters()["alpha"] != 1.0            # fitted by autograd's gradients
    assert experiment.results["loss"].min() < 0.01                 # random search: ~0.05 with 20 evaluations
    metadata = json.loads((tuner.tuner_path / "metadata.json").read_text())
    assert "RationalQuadraticModel" in metadata["search_options"]["gp_model"]


def test_mobster_tunes_with_a_user_kernel_over_config_and_resource():
    def curve(config, epoch, seed):
        return {"loss": _loss(config) + 0.5 / epoch, "elapsed_time": 1.0 * epoch}

    space = dict(SPACE, epochs=9)
    blackbox = from_function(SPACE, curve, fidelity_space={"epoch": randint(1, 9)},
                             objectives_names=["loss", "elapsed_time"], fidelity_values=list(range(1, 10)))
    scheduler = HyperbandScheduler(space, searcher="bayesopt", metric="loss", mode="min", resource_attr="epoch",
                                   max_resource_attr="epochs", random_seed=0,
                                   search_options={"gp_model": RationalQuadraticModel, "debug_log": False})
    _, experiment = _tune(scheduler, blackbox, 80.0)
    searcher = scheduler.searcher
    assert isinstance(searcher.model, RationalQuadraticModel)
    assert len(searcher.model_parameters()) == 1 + 3 + 2 + 1     # noise, inv_bw × (2 config + resource), scale, α, mean
    assert searcher._fit_size > 10
    final = experiment.results[experiment.results["epoch"] == 9]
    assert final["loss"].min() - 0.5 / 9 < 0.02


def test_gp_model_must_be_callable():
    with pytest.raises(ValueError, match="gp_model"):
        FIFOScheduler(SPACE, searcher="bayesopt", metric="loss", search_options={"gp_model": "rq"})
