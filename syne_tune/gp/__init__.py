"""Gaussian-process core on numpy/scipy (no autograd: every model supplies its gradients); knows
nothing about schedulers.

Modules, in data-flow order:
    encoding.py      configs <-> X in [0, 1]^d (``ConfigEncoding``)
    kernels.py       Matérn 5/2 ARD on arrays: value, gradients in its parameters and inputs
    priors.py        log-prior factories (gamma, log_normal, normal), each with its derivative
    model.py         ``Parameter`` specs + ``GPModel`` (covariance, diagonal, mean, each with its
                     gradients); ``Matern52Model``
    resource_kernels.py  MOBSTER's models over (config, resource): warped Matérn, exp-decay
    likelihood.py    MAP objective and its gradients from the model's own (R&W eq. 5.9)
    linalg.py        Cholesky with adaptive jitter
    fit.py           θ = flat vector of logs; L-BFGS-B with restarts (``fit_hyperparameters``)
    posterior.py     frozen ``PosteriorState``; ``predict``, ``predict_mean_std_vjp`` (gradient in the
                     query inputs from the model's input gradients), ``extend_posterior`` (block/rank-p
                     Cholesky update)
    fantasize.py     pending evaluations -> fantasy target columns
    acquisition.py   expected improvement and its gradients in mean and std, Thompson scores
    acquisition_optimizer.py  rank candidates, L-BFGS-B on −EI, exclusion fallback
    discrete_search.py   finite spaces: score every config, or local search over one-parameter neighbours
    copula.py        Gaussian copula of the targets (ranks -> normal quantiles), for finite spaces

Import direction: kernels <- model <- resource_kernels; model <- likelihood <- fit; model <- posterior.

Extension point: a new kernel is a :class:`~syne_tune.gp.model.GPModel` subclass that defines
``covariance``, ``diagonal``, ``mean``, ``parameter_gradients`` and the three input gradients
(contract in model.py, checked for every model against finite differences by
``tests/gp/test_model.py``). ``params`` maps each parameter name to a ``(size,)`` array. Positive
parameters are fitted as logs; ``positive=False`` fits the value itself (e.g. a mean or δ ∈ [0, 1]).
Priors are optional log densities on the value. Fit, posterior, fantasizing and acquisition need
nothing else.
"""
