"""Gaussian-process core on numpy/scipy/autograd; knows nothing about schedulers.

Modules, in data-flow order:
    encoding.py      configs <-> X in [0, 1]^d (``ConfigEncoding``)
    kernels.py       covariance functions on arrays (Matérn 5/2 ARD)
    priors.py        log-prior factories (gamma, log_normal, normal)
    model.py         ``Parameter`` specs + ``GPModel`` (covariance, diagonal, mean); ``matern52_model``
    likelihood.py    MAP objective; Gaussian nll as one autograd primitive with analytic VJP;
                     ``matern52_nll``: whole Matérn-ARD nll as one primitive (fit fast path)
    linalg.py        Cholesky with adaptive jitter
    fit.py           θ = flat vector of logs; L-BFGS-B with restarts (``fit_hyperparameters``)
    posterior.py     frozen ``PosteriorState``; ``predict``, ``predict_mean_std``, ``sample_joint``
    fantasize.py     pending evaluations -> fantasy target columns
    acquisition.py   expected improvement, Thompson scores (mean and std only)
    acquisition_optimizer.py  rank candidates, L-BFGS-B on −EI, exclusion fallback

Extension point: a new kernel (e.g. MOBSTER's exp-decay resource kernels over (x, r) inputs)
is a factory returning a :class:`~syne_tune.gp.model.GPModel`:

    def exp_decay_sum_model(dim: int) -> GPModel:
        parameters = (NOISE_VARIANCE,
                      Parameter("kernel_alpha", 1.0, 1e-6, 250.0),
                      Parameter("kernel_mean_lam", 0.5, 1e-4, 50.0),
                      Parameter("kernel_gamma", 0.5, 1e-4, 1.0),
                      Parameter("kernel_kernelx_inv_bw", 1.0, 1e-4, 100.0, size=dim - 1, vector=True), ...)
        def covariance(params, X1, X2): ...   # autograd.numpy only; X[:, -1] is the resource
        def diagonal(params, X): ...
        def mean(params, X): ...              # may use kernel parameters (γ κ(r))
        return GPModel(parameters, covariance, diagonal, mean, name="exp-decay-sum")

``params`` maps each parameter name to a ``(size,)`` array. Positive parameters are fitted as
logs; ``positive=False`` fits the value itself (e.g. a mean or δ ∈ [0, 1]). Priors are optional
log densities on the value. Fit, posterior, fantasizing and acquisition need nothing else.
"""
