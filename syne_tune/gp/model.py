"""A GP model = its hyperparameters (specs) + covariance, diagonal and mean, each with its gradients.

The model is data plus functions on plain numpy arrays: ``params`` maps each parameter name to a
``(size,)`` array. Every model defines each function once, with the gradients the rest of the
GP core needs (no autograd):

    covariance(params, X1 (n1, d), X2 (n2, d)) -> K (n1, n2);  diagonal(params, X) -> (n,);  mean -> (n,)
    parameter_gradients(params, X, W (n, n) symmetric, a (n,)) -> {name: Σ W∘∂K(X, X)/∂θ + aᵀ ∂m/∂θ}
    covariance_input_gradient(params, X1, X2, G (n1, n2)) -> Σ_j G_ij ∂K(x1_i, x2_j)/∂x1_i: (n1, d)
    diagonal_input_gradient(params, X, g (n,)), mean_input_gradient(params, X, g) -> g_i ∂f_i/∂x_i: (n, d)

Two fused forms return the covariance together with a function for its gradients at the same
arguments, so that a model can share the work they have in common (distances, warping, the
Matérn profile); by default they just call the functions above:

    covariance_and_parameter_gradients(params, X) -> (K(X, X), (W, a) -> parameter_gradients(...))
    covariance_and_input_gradient(params, X1, X2) -> (K(X1, X2), G -> covariance_input_gradient(...))

The likelihood (``likelihood.py``) uses ``parameter_gradients`` (W = ∂nll/∂K, a = ∂nll/∂m); the
posterior (``posterior.py``) chains the input gradients into the gradient of the predictive mean
and std in the query inputs, for the acquisition (``predict_mean_std_vjp``). The observation noise is always the parameter ``noise_variance``
(Gaussian likelihood, homoscedastic); its gradient is the likelihood's business.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from syne_tune.gp import kernels, priors
from syne_tune.gp.priors import LogPrior


@dataclass(frozen=True)
class Parameter:
    """One (vector) hyperparameter.

    Args:
        init: initial value, used at every reset; ``None`` means "mean of the targets"
            (only sensible for a mean parameter).
        lower, upper: box bounds on the external value.
        log_prior: log density on the external value (with a ``derivative``), or None for a flat prior.
        size: number of entries (e.g. d inverse bandwidths).
        positive: True -> optimized as log(value); False -> optimized as is (identity).
        vector: report entries as ``name0, name1, ...`` even when ``size == 1``.
    """

    name: str
    init: float | None
    lower: float
    upper: float
    log_prior: LogPrior | None = None
    size: int = 1
    positive: bool = True
    vector: bool = False


NOISE_VARIANCE = Parameter("noise_variance", 1e-3, 1e-9, 1e6, priors.gamma(mean=0.1, alpha=0.1))


class GPModel:
    """Base of every model: parameter bookkeeping; subclasses define the functions (module docstring)."""

    name = "gp"
    parameters: tuple[Parameter, ...] = ()

    def initial_params(self, targets: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Init values of all parameters; ``init=None`` takes the mean of ``targets``."""
        values = {}
        for p in self.parameters:
            init = p.init if p.init is not None else (float(np.mean(targets)) if targets is not None
                                                      and np.size(targets) else 0.0)
            values[p.name] = np.full(p.size, float(np.clip(init, p.lower, p.upper)))
        return values

    def flat_parameters(self, params: dict) -> dict[str, float]:
        """``{'kernel_inv_bw': [a, b]}`` -> ``{'kernel_inv_bw0': a, 'kernel_inv_bw1': b}`` (the original library's names)."""
        flat = {}
        for p in self.parameters:
            value = np.atleast_1d(params[p.name])
            if p.vector:
                flat.update({f"{p.name}{i}": float(v) for i, v in enumerate(value)})
            else:
                flat[p.name] = float(value[0])
        return flat

    def log_prior(self, params: dict) -> float:
        """Σ of log priors over all parameters."""
        return float(sum(p.log_prior(params[p.name]) for p in self.parameters if p.log_prior is not None))

    def log_prior_gradients(self, params: dict) -> dict[str, np.ndarray]:
        """{name: d Σ log priors / d value} for the parameters that have a prior."""
        return {p.name: np.asarray(p.log_prior.derivative(np.asarray(params[p.name], dtype=float)), dtype=float)
                for p in self.parameters if p.log_prior is not None}

    def covariance(self, params: dict, X1: np.ndarray, X2: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def diagonal(self, params: dict, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def mean(self, params: dict, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def parameter_gradients(self, params: dict, X: np.ndarray, W: np.ndarray, a: np.ndarray) -> dict:
        raise NotImplementedError

    def covariance_input_gradient(self, params: dict, X1: np.ndarray, X2: np.ndarray, G: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def covariance_and_parameter_gradients(self, params: dict, X: np.ndarray):
        """(K(X, X), ``(W, a) -> parameter_gradients(params, X, W, a)``); the likelihood needs both."""
        return self.covariance(params, X, X), lambda W, a: self.parameter_gradients(params, X, W, a)

    def covariance_and_input_gradient(self, params: dict, X1: np.ndarray, X2: np.ndarray):
        """(K(X1, X2), ``G -> covariance_input_gradient(params, X1, X2, G)``); the acquisition needs both."""
        return self.covariance(params, X1, X2), lambda G: self.covariance_input_gradient(params, X1, X2, G)

    def diagonal_input_gradient(self, params: dict, X: np.ndarray, g: np.ndarray) -> np.ndarray:
        return np.zeros_like(X)            # stationary kernels: k(x, x) does not depend on x

    def mean_input_gradient(self, params: dict, X: np.ndarray, g: np.ndarray) -> np.ndarray:
        return np.zeros_like(X)            # constant means


class Matern52Model(GPModel):
    """Matérn 5/2 ARD kernel over ``dim`` inputs with a constant mean (Rasmussen & Williams, 2006, eq. 4.17).

    ``groups: (dim,)`` (optional) maps each input column to its inverse bandwidth: columns of one group
    share one, e.g. the one-hot columns of a categorical hyperparameter (then r² adds 2·inv_bw² when
    two categories differ, a weighted Hamming distance: the overlap kernel inside the Matérn profile).
    The gradient of a shared entry is the sum over its columns. Default: one per column.
    """

    name = "matern52"

    def __init__(self, dim: int, groups: np.ndarray | None = None):
        self.groups = None if groups is None else np.asarray(groups, dtype=int)
        if self.groups is not None and (self.groups.shape != (dim,) or
                                        set(self.groups.tolist()) != set(range(int(self.groups.max(initial=-1)) + 1))):
            raise ValueError(f"The 'groups' argument of Matern52Model must give each of the {dim} columns a group "
                             f"0..G-1, every group used. Got {groups!r}.")
        size = dim if self.groups is None else int(self.groups.max()) + 1
        if size == dim:
            self.groups = None          # one column per group: plain ARD
        self.parameters = (
            NOISE_VARIANCE,
            Parameter("kernel_inv_bw", 1.0, 1e-4, 100.0, None, size=size, vector=True),
            Parameter("kernel_covariance_scale", 1.0, 1e-3, 1e3, priors.log_normal(0.0, 1.0)),
            Parameter("mean_mean_value", None, -np.inf, np.inf, priors.normal(0.0, 1.0), positive=False),
        )

    def _inv_bw(self, params) -> np.ndarray:
        """Inverse bandwidth per input column: (dim,)."""
        inv_bw = params["kernel_inv_bw"]
        return inv_bw if self.groups is None else inv_bw[self.groups]

    def covariance(self, params, X1, X2):
        return kernels.matern52(X1, X2, self._inv_bw(params), params["kernel_covariance_scale"][0])

    def diagonal(self, params, X):
        return kernels.matern52_diagonal(X, params["kernel_covariance_scale"][0])

    def mean(self, params, X):
        return np.full(X.shape[0], float(params["mean_mean_value"][0]))

    def _grouped(self, params, d_inv_bw: np.ndarray) -> np.ndarray:
        """Per-column inverse-bandwidth gradients summed per group."""
        if self.groups is None:
            return d_inv_bw
        return np.bincount(self.groups, weights=d_inv_bw, minlength=params["kernel_inv_bw"].size)

    # The gradients are defined once, in the fused forms below (which share the Matérn profile with
    # the covariance); the separate forms call them, also for WarpedMatern52Model.
    def parameter_gradients(self, params, X, W, a):
        return self.covariance_and_parameter_gradients(params, X)[1](W, a)

    def covariance_input_gradient(self, params, X1, X2, G):
        return self.covariance_and_input_gradient(params, X1, X2)[1](G)

    def covariance_and_parameter_gradients(self, params, X):
        inv_bw, c = self._inv_bw(params), params["kernel_covariance_scale"][0]
        profile = kernels.matern52_profile_and_derivative(kernels.squared_distances(X, X, inv_bw))

        def gradients(W, a):
            d_inv_bw, d_scale = kernels.matern52_parameter_gradients(X, inv_bw, c, W, profile)
            return {"kernel_inv_bw": self._grouped(params, d_inv_bw), "kernel_covariance_scale": np.array([d_scale]),
                    "mean_mean_value": np.array([np.sum(a)])}

        return c * profile[0], gradients

    def covariance_and_input_gradient(self, params, X1, X2):
        inv_bw, c = self._inv_bw(params), params["kernel_covariance_scale"][0]
        P, dP = kernels.matern52_profile_and_derivative(kernels.squared_distances(X1, X2, inv_bw))
        return c * P, lambda G: kernels.matern52_input_gradient(X1, X2, inv_bw, c, G, dP)


def matern52_model(dim: int, groups: np.ndarray | None = None) -> Matern52Model:
    """Matérn 5/2 ARD kernel over ``dim`` inputs with a constant mean (Rasmussen & Williams, 2006, eq. 4.17);
    ``groups``: see :class:`Matern52Model`."""
    return Matern52Model(dim, groups)
