"""The original library's search option ``model`` and the rung levels a multi-fidelity GP searcher needs.

Kept free of GP imports so that the Hyperband schedulers stay cheap to import.
"""
from __future__ import annotations

from functools import partial

MODELS = ("gp_independent", "gp_multitask")


def independent_levels_model(levels: list[int], max_t: int):
    """Search option ``gp_model`` building an IndependentLevelsModel over ``levels`` (picklable)."""
    from syne_tune.optimizer.schedulers.searchers.hypertune.models import IndependentLevelsModel

    return partial(IndependentLevelsModel, levels=tuple(levels), max_t=max_t)


def resolve_model_option(search_options: dict, levels: list[int], max_t: int, default: str) -> dict:
    """``search_options`` with ``model`` resolved (popped): 'gp_independent' becomes ``gp_model`` =
    IndependentLevelsModel over ``levels`` (unless a ``gp_model`` is given), 'gp_multitask' the
    resource kernel (search option ``gp_resource_kernel``)."""
    options = dict(search_options)
    model = options.pop("model", default)
    if model not in MODELS:
        raise ValueError(f"The search option 'model' must be one of {', '.join(map(repr, MODELS))}. "
                         f"Got {model!r}.")
    if model == "gp_independent" and options.get("gp_model") is None:
        options["gp_model"] = independent_levels_model(levels, max_t)
    return options


def level_search_options(searcher, search_options, rung_levels: list[int], max_t: int, all_levels: bool,
                         default_model: str):
    """``search_options`` completed with what a level-aware GP searcher needs from its scheduler.

    'hypertune': ``rung_levels`` and ``model_levels`` (the levels the model's processes are
    indexed by: the rung levels, or every resource 1..max_t when ``all_levels``, i.e. the searcher
    learns from every report). 'bayesopt': ``model`` resolved, ``default_model`` if absent.
    Anything else (or a bad ``search_options``, which the searcher factory reports) is returned as is.
    """
    if searcher not in ("hypertune", "bayesopt") or not isinstance(search_options, (dict, type(None))):
        return search_options
    options = dict(search_options or {})
    model_levels = list(range(1, max_t + 1)) if all_levels else list(rung_levels)
    if searcher == "hypertune":
        options.setdefault("rung_levels", list(rung_levels))
        options.setdefault("model_levels", model_levels)
        return options
    return resolve_model_option(options, model_levels, max_t, default_model)
