"""Gaussian-process core on numpy/scipy and autograd; knows nothing about schedulers.

A model is its value: covariance, diagonal and mean written with ``autograd.numpy``; the gradients
of the MAP objective in the hyperparameters and of the acquisition in the query inputs come from
autograd. The fit and the acquisition optimizer need only one vector-Jacobian product of the model's
values per L-BFGS-B step (``GPModel.values_and_parameter_vjp``, ``GPModel.query_values_and_vjp``:
one autograd trace by default); the rest of their objectives is written out in numpy. Where measured
necessary (benchmarking/scripts/run_gp_autograd_benchmark.py) a value is also a single primitive with
its gradients written out (``autodiff.fused``) and the built-in models write their vector-Jacobian
products out, all tested equal to autograd on the values (tests/gp/test_fast_paths.py).

Modules, in data-flow order:
    encoding.py      configs <-> X in [0, 1]^d (``ConfigEncoding``)
    autodiff.py      ``fused``: a value as one primitive with written-out gradients (fast paths)
    kernels.py       Matérn 5/2 ARD: squared distances, profile (primitive), kernel (fast path)
    priors.py        log-prior factories (gamma, log_normal, normal)
    model.py         ``Parameter`` specs + ``GPModel`` (covariance, diagonal, mean); ``KernelModel``
                     (a kernel + noise + constant mean); ``Matern52Model``
    resource_kernels.py  MOBSTER's models over (config, resource): warped Matérn, exp-decay
    likelihood.py    MAP objective; the Cholesky part is one primitive (R&W eq. 5.9 as its VJP)
    linalg.py        Cholesky with adaptive jitter
    fit.py           θ = flat vector of logs; L-BFGS-B with restarts on the MAP objective and its gradient
    posterior.py     frozen ``PosteriorState``; ``predict``, ``predict_mean_std`` (traceable in the
                     query inputs), ``Predictor`` (the same with its VJP, untraced),
                     ``extend_posterior`` (block/rank-p Cholesky update)
    fantasize.py     pending evaluations -> fantasy target columns
    acquisition.py   expected improvement and log EI (values; fast paths), Thompson scores
    acquisition_optimizer.py  rank candidates, one batched L-BFGS-B run on −log EI from all starts
    discrete_search.py   finite spaces: score every config, or local search over one-parameter neighbours
    copula.py        Gaussian copula of the targets (ranks -> normal quantiles), for finite spaces

Import direction: autodiff <- kernels <- model <- resource_kernels; model <- likelihood <- fit; model <- posterior.

Extension point: a new kernel is a :class:`~syne_tune.gp.model.KernelModel` subclass with its
``kernel_parameters`` and ``covariance`` (or a :class:`~syne_tune.gp.model.GPModel` subclass with
``parameters``, ``covariance``, ``mean`` and optionally ``diagonal``), passed to the searchers as the
search option ``gp_model`` (docs/schedulers.md, "A kernel of your own"). ``tests/gp/model_contract.py``
is the contract every model meets (autograd gradients equal central differences).
"""
