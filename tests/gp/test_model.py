"""Every built-in model meets the contract of tests/gp/model_contract.py."""
from __future__ import annotations

import numpy as np
import pytest

from syne_tune.gp.model import checked_model, matern52_model
from syne_tune.gp.resource_kernels import RESOURCE_KERNELS, resource_kernel_model
from model_contract import DIM, ModelContract  # tests/gp/model_contract.py

MODELS = ["plain-matern52", "grouped-matern52", *sorted(RESOURCE_KERNELS)]


def build(name: str):
    if name == "grouped-matern52":      # columns 0 and 1 share a length scale (as one-hot columns do)
        return matern52_model(DIM, groups=[0, 0, 1])
    return matern52_model(DIM) if name == "plain-matern52" else resource_kernel_model(name, DIM)


@pytest.fixture(params=MODELS)
def model(request):
    return build(request.param)


class TestBuiltinModels(ModelContract):
    pass


def test_grouped_matern52_equals_ard_with_repeated_inverse_bandwidths():
    rs = np.random.RandomState(5)
    grouped, plain = matern52_model(4, groups=[0, 1, 1, 2]), matern52_model(4)
    X = (rs.rand(7, 4) > 0.5).astype(float)
    params = grouped.initial_params(rs.randn(7))
    params["kernel_inv_bw"] = np.array([0.5, 2.0, 3.0])
    expanded = dict(params, kernel_inv_bw=np.array([0.5, 2.0, 2.0, 3.0]))
    np.testing.assert_allclose(grouped.covariance(params, X, X), plain.covariance(expanded, X, X))
    assert list(grouped.flat_parameters(params)) == ["noise_variance", "kernel_inv_bw0", "kernel_inv_bw1",
                                                     "kernel_inv_bw2", "kernel_covariance_scale", "mean_mean_value"]


@pytest.mark.parametrize("groups", [[0, 2], [0, 0, 1], [1, 1]])
def test_matern52_rejects_bad_groups(groups):
    with pytest.raises(ValueError, match="groups"):
        matern52_model(2, groups=groups)


def test_gp_model_factories_must_give_a_model_with_noise():
    assert checked_model(matern52_model, 3).parameters[0].name == "noise_variance"
    with pytest.raises(ValueError, match="gp_model"):
        checked_model(lambda dim: "not a model", 3)


@pytest.mark.parametrize("name", MODELS)
def test_a_pickled_model_still_has_its_gradients(name):
    """A checkpointed searcher is restored by pickle/dill: the model must find autograd's registered
    primitives again (priors hold names and constants only, no closures)."""
    import pickle

    from syne_tune.gp.fit import map_objective, pack

    model = build(name)
    restored = pickle.loads(pickle.dumps(model))
    rs = np.random.RandomState(0)
    X, y = rs.rand(10, DIM), rs.randn(10)
    theta = pack(model, model.initial_params(y))
    np.testing.assert_allclose(map_objective(restored, X, y)(theta)[1], map_objective(model, X, y)(theta)[1])
