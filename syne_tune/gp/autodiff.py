"""Fast paths: a value as one autograd primitive whose gradients are written out.

autograd costs about 20 µs per traced operation (forward and backward), which dominates at the
sizes the GP core sees (a few query points, a few hundred observations). Where the benchmark
(benchmarking/scripts/run_gp_autograd_benchmark.py) showed it, a value composed of many autograd operations
is also defined as a single primitive: :func:`fused` takes the reference function (autograd.numpy,
kept as the definition and for the tests) and one function returning the gradients of all its
differentiable arguments at once; tests/gp/test_fast_paths.py checks the two against each other.
"""
from __future__ import annotations

from typing import Callable, Sequence

from autograd.extend import defvjp_argnums, primitive


def fused(value: Callable, gradients: Callable, argnums: Sequence[int], forward: Callable | None = None) -> Callable:
    """A primitive equal to ``value(*args)`` whose vector-Jacobian product is
    ``gradients(traced, g, ans, *args, saved) -> {argnum: gradient}`` for at least the arguments in
    ``traced`` (a subset of ``argnums``), computed once per cotangent ``g``. ``forward(*args, saved)``
    (default: ``value``) computes the value and may store intermediate results in the dict ``saved``
    (fresh per call) for ``gradients``. ``.reference`` is ``value``, for autograd to trace;
    ``.value_and_vjp(*args, traced=argnums)`` gives the value and its vector-Jacobian product with no
    trace at all (for objectives written out in numpy around a model's values, fit.py)."""
    compute = forward or (lambda *args, saved, **kwargs: value(*args, **kwargs))
    function = primitive(lambda *args, saved, **kwargs: compute(*args, saved=saved, **kwargs))
    allowed = set(argnums)

    def vjp_argnums(traced, ans, args, kwargs):
        if not set(traced) <= allowed:
            raise NotImplementedError(f"{value.__name__} has no gradient in arguments {sorted(set(traced) - allowed)}.")

        def vjp(g):
            result = gradients(set(traced), g, ans, *args, **kwargs)
            return tuple(result[i] for i in traced)
        return vjp

    defvjp_argnums(function, vjp_argnums)

    def call(*args, **kwargs):
        return function(*args, saved={}, **kwargs)

    def value_and_vjp(*args, traced: Sequence[int] = argnums, **kwargs):
        """``(value, vjp)`` without autograd: ``vjp(g) -> {argnum: gradient}`` for the arguments in ``traced``."""
        saved = {}
        ans = compute(*args, saved=saved, **kwargs)
        return ans, lambda g: gradients(set(traced), g, ans, *args, saved=saved, **kwargs)

    call.reference = value
    call.value_and_vjp = value_and_vjp
    call.__name__ = value.__name__
    return call
