"""Analysis plots of a stored experiment, one module per kind (all need matplotlib, the ``plot`` extra):

- ``parallel_coordinates``: one line per trial across its hyperparameters, coloured by the metric;
- ``slice``: the metric against each hyperparameter;
- ``contour``: the metric over a pair of hyperparameters (interpolated, with the trials on top);
- ``edf``: the empirical distribution of trials' values, one curve per experiment or method;
- ``pareto``: two metrics of a multi-objective run and their Pareto front;
- ``importance``: a bar per hyperparameter (``syne_tune.importance``).

``PLOTS`` maps the names ``syne-tune plot --kind`` takes to ``module:function``; modules load
only when used.
"""

PLOTS = {
    "parallel": "syne_tune.plots.parallel_coordinates:plot_parallel_coordinates",
    "slice": "syne_tune.plots.slice:plot_slice",
    "contour": "syne_tune.plots.contour:plot_contour",
    "edf": "syne_tune.plots.edf:plot_edf",
    "pareto": "syne_tune.plots.pareto:plot_pareto",
    "importance": "syne_tune.plots.importance:plot_importance",
}


def plot_function(kind: str):
    """The plotting function of ``kind`` (a key of ``PLOTS``)."""
    from syne_tune._lazy_exports import load_attribute

    if kind not in PLOTS:
        raise ValueError(f"Unknown plot kind {kind!r}; known: {', '.join(PLOTS)}.")
    return load_attribute(PLOTS[kind])
