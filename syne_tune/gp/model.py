"""A GP model = its hyperparameters (specs) + covariance, diagonal and mean, as values only.

Every function is written with ``autograd.numpy`` on ``params``, a dict from each parameter name to a
``(size,)`` array, and inputs ``X: (n, d)``:

    covariance(params, X1 (n1, d), X2 (n2, d)) -> K (n1, n2)
    diagonal(params, X) -> (n,)       default: the diagonal of ``covariance`` (in blocks of rows)
    mean(params, X) -> (n,)

Nothing else: the gradients of the marginal likelihood in the parameters (:mod:`~syne_tune.gp.likelihood`)
and of the acquisition in the query inputs (:mod:`~syne_tune.gp.posterior`) come from autograd.
The query inputs are always the first argument of ``covariance`` (the training inputs the second),
so a model may treat ``X2`` as data (e.g. precompute on its distinct values).
The observation noise is always the parameter ``noise_variance`` (Gaussian likelihood, homoscedastic).

A new kernel is a :class:`KernelModel`: its parameters and its ``covariance`` (docs/schedulers.md,
"A kernel of your own"); noise and a constant mean are added.
"""
from __future__ import annotations

from dataclasses import dataclass

import autograd.numpy as anp
import numpy as np
from autograd import make_vjp
from autograd.builtins import tuple as traced_tuple

from syne_tune.gp import kernels, priors
from syne_tune.gp.priors import LogPrior


@dataclass(frozen=True)
class Parameter:
    """One (vector) hyperparameter.

    Args:
        init: initial value, used at every reset; ``None`` means "mean of the targets"
            (only sensible for a mean parameter).
        lower, upper: box bounds on the external value.
        log_prior: log density on the external value (autograd.numpy), or None for a flat prior.
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
CONSTANT_MEAN = Parameter("mean_mean_value", None, -np.inf, np.inf, priors.normal(0.0, 1.0), positive=False)
_DIAGONAL_BLOCK = 64


class GPModel:
    """Base of every model: parameter bookkeeping; subclasses define the values (module docstring)."""

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

    def log_prior(self, params: dict):
        """Σ of log priors over all parameters (traceable)."""
        return sum(p.log_prior(params[p.name]) for p in self.parameters if p.log_prior is not None)

    def covariance(self, params: dict, X1, X2):
        raise NotImplementedError(f"{type(self).__name__} must define covariance(params, X1, X2).")

    def diagonal(self, params: dict, X):
        """k(x, x) per row: the diagonal of :meth:`covariance` on blocks of rows (override if cheaper)."""
        blocks = [anp.diag(self.covariance(params, X[i:i + _DIAGONAL_BLOCK], X[i:i + _DIAGONAL_BLOCK]))
                  for i in range(0, X.shape[0], _DIAGONAL_BLOCK)]
        return blocks[0] if len(blocks) == 1 else anp.concatenate(blocks)

    def mean(self, params: dict, X):
        raise NotImplementedError(f"{type(self).__name__} must define mean(params, X).")

    def values_and_parameter_vjp(self, params: dict, X: np.ndarray):
        """``(K (n, n), mean (n,), vjp)`` at the training inputs, ``vjp(gK, g_mean) -> {name: gradient}``
        the vector-Jacobian product in the parameters (what the MAP objective needs, fit.py).
        Default: one autograd trace of :meth:`covariance` and :meth:`mean`; a model may write it out
        (a fast path, tested equal to this)."""
        vjp, (K, mean) = make_vjp(lambda p: traced_tuple((self.covariance(p, X, X), self.mean(p, X))))(params)
        return K, mean, lambda gK, g_mean: vjp((gK, g_mean))

    def query_values_and_vjp(self, params: dict, Xq: np.ndarray, X: np.ndarray):
        """``(k(Xq, X) (q, n), diagonal (q,), mean (q,), vjp)``, ``vjp(gK, g_diagonal, g_mean) -> (q, d)``
        the vector-Jacobian product in the query inputs (what the acquisition needs, posterior.py).
        Default: one autograd trace; a model may write it out (a fast path, tested equal to this)."""
        vjp, values = make_vjp(lambda Z: traced_tuple((self.covariance(params, Z, X), self.diagonal(params, Z),
                                                      self.mean(params, Z))))(Xq)
        return (*values, lambda gK, g_diagonal, g_mean: vjp((gK, g_diagonal, g_mean)))


class KernelModel(GPModel):
    """A kernel with Gaussian noise and a constant mean: define ``kernel_parameters`` and
    ``covariance`` (autograd.numpy), nothing else. Parameters: ``noise_variance``, the kernel's,
    ``mean_mean_value`` (in this order)."""

    kernel_parameters: tuple[Parameter, ...] = ()

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return (NOISE_VARIANCE, *self.kernel_parameters, CONSTANT_MEAN)

    def mean(self, params, X):
        return params["mean_mean_value"][0] * anp.ones(X.shape[0])

    def _constant_mean_gradients(self, params: dict, g_mean) -> dict:
        """Gradients of Σ g_mean∘mean, plus zeros for the noise (added by the likelihood)."""
        return {"noise_variance": np.zeros(1), "mean_mean_value": np.array([np.sum(g_mean)])}


class Matern52Model(KernelModel):
    """Matérn 5/2 ARD kernel over ``dim`` inputs with a constant mean (Rasmussen & Williams, 2006, eq. 4.17).

    ``groups: (dim,)`` (optional) maps each input column to its inverse bandwidth: columns of one group
    share one, e.g. the one-hot columns of a categorical hyperparameter (then r² adds 2·inv_bw² when
    two categories differ, a weighted Hamming distance: the overlap kernel inside the Matérn profile).
    Default: one per column.
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
        # Upper bound 10 (length scale 0.1 of the unit box), not the original library's 100: with a
        # handful of observations the MAP fit otherwise often ends at inverse bandwidths of 30-100,
        # K ≈ c·I between the observations, and refits warm-started there stay (Hartmann6 sequential:
        # 15 of 40 runs in the local minimum at 50 evaluations against 7; docs/benchmarks-bayesopt.md).
        self.kernel_parameters = (
            Parameter("kernel_inv_bw", 1.0, 1e-4, 10.0, None, size=size, vector=True),
            Parameter("kernel_covariance_scale", 1.0, 1e-3, 1e3, priors.log_normal(0.0, 1.0)),
        )

    def _inv_bw(self, params):
        """Inverse bandwidth per input column: (dim,)."""
        inv_bw = params["kernel_inv_bw"]
        return inv_bw if self.groups is None else inv_bw[self.groups]

    def covariance(self, params, X1, X2):
        return kernels.matern52(X1, X2, self._inv_bw(params), params["kernel_covariance_scale"][0])

    def diagonal(self, params, X):
        return kernels.matern52_diagonal(X, params["kernel_covariance_scale"][0])

    # Fast paths (the measured hot spots of FIFO bayesopt and MOBSTER, docs/benchmarks-bayesopt.md):
    # the vector-Jacobian products of the base class written out with the Matérn primitive's gradients.

    def _per_group(self, gradient: np.ndarray) -> np.ndarray:
        """Gradient per input column (dim,) -> per inverse bandwidth (size,)."""
        if self.groups is None:
            return gradient
        return np.bincount(self.groups, weights=gradient, minlength=int(self.groups.max()) + 1)

    def values_and_parameter_vjp(self, params, X):
        K, vjp = kernels.matern52.value_and_vjp(X, X, self._inv_bw(params), params["kernel_covariance_scale"][0],
                                                 traced=(2, 3))
        mean = self.mean(params, X)

        def parameter_vjp(gK, g_mean):
            g = vjp(gK)
            return dict(self._constant_mean_gradients(params, g_mean), kernel_inv_bw=self._per_group(g[2]),
                        kernel_covariance_scale=np.array([g[3]]))
        return K, mean, parameter_vjp

    def query_values_and_vjp(self, params, Xq, X):
        c = params["kernel_covariance_scale"][0]
        Kq, vjp = kernels.matern52.value_and_vjp(Xq, X, self._inv_bw(params), c, traced=(0,))
        return (Kq, self.diagonal(params, Xq), self.mean(params, Xq),
                lambda gK, g_diagonal, g_mean: vjp(gK)[0])


def matern52_model(dim: int, groups: np.ndarray | None = None) -> Matern52Model:
    """Matérn 5/2 ARD kernel over ``dim`` inputs with a constant mean (Rasmussen & Williams, 2006, eq. 4.17);
    ``groups``: see :class:`Matern52Model`."""
    return Matern52Model(dim, groups)


def checked_model(factory, dim: int) -> GPModel:
    """``factory(dim)`` (search option ``gp_model``: a GPModel subclass or a function of the input
    dimension), checked to be a GPModel with a ``noise_variance`` parameter."""
    model = factory(dim)
    if not isinstance(model, GPModel) or "noise_variance" not in {p.name for p in model.parameters}:
        raise ValueError(f"The search option 'gp_model' must be called with the input dimension ({dim}) to give "
                         f"a GPModel with a 'noise_variance' parameter, such as a KernelModel subclass "
                         f"(docs/schedulers.md). {factory!r} gave {model!r}.")
    return model
