"""Hyperparameter importance of a stored experiment, by PED-ANOVA (numpy only).

PED-ANOVA (Watanabe, Bansal, Hutter: "PED-ANOVA: Efficiently Quantifying Hyperparameter
Importance in Arbitrary Subspaces", IJCAI 2023) measures, for each hyperparameter ``d``, how
far the distribution of its values among the top ``quantile`` of trials, p_top, is from their
distribution among all trials, p_all. The paper's Theorem 1 shows that the local variance
explained by ``d`` (the fANOVA main effect of the indicator "trial is in the top quantile") is

    importance_d = (gamma' / gamma)^2 * D_Pearson(p_top || p_all)
                 = (gamma' / gamma)^2 * sum_x p_all(x) * (p_top(x) / p_all(x) - 1)^2

with gamma the top quantile and gamma' = 1 (all trials). Both densities are one-dimensional
Parzen estimators on a grid of ``N_STEPS`` points, as in Optuna's PedAnovaImportanceEvaluator.
Importances are normalized to sum to 1.

Unlike fANOVA on a random forest it needs no surrogate model (no extra dependency, milliseconds
on thousands of trials), and it reads the question users ask ("what do good configurations
have in common?") directly off the trials.

Encoding: a float or integer hyperparameter is mapped to [0, 1] (its log first if it is log
scaled), bounds from the experiment's config space (metadata), else from the values seen;
integers with fewer than ``N_STEPS`` values are evaluated on their own values. A categorical
(or ordinal) one gets a smoothed histogram. Constants are left out.

Each trial counts once, with its last report (``rung``: its last report at that resource).
A trial whose value is NaN or infinite (diverged) counts as worse than every other: it is
among all trials, never among the top. Trials that reported nothing are left out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from syne_tune.constants import ST_CONFIG_PREFIX, ST_TRIAL_ID

N_STEPS = 50


@dataclass(frozen=True)
class Encoding:
    """How one hyperparameter's values become grid positions: numeric on [0, 1], or categories."""

    categories: tuple | None = None
    lower: float = 0.0
    upper: float = 1.0
    log_scale: bool = False
    integer: bool = False

    def unit(self, values: pd.Series) -> np.ndarray:
        """Numeric values mapped to [0, 1]."""
        x = pd.to_numeric(values, errors="coerce").to_numpy(float)
        low, high = self.lower, self.upper
        if self.log_scale:
            x, low, high = np.log(np.maximum(x, 1e-300)), math.log(low), math.log(high)
        return np.clip((x - low) / (high - low), 0.0, 1.0) if high > low else np.zeros_like(x)

    def category_index(self, values: pd.Series) -> np.ndarray:
        """Index of each value's category (NaN if none): by its text, or as a number, since a
        table read back may hold the category 4 as 4.0."""
        labels = {str(c): i for i, c in enumerate(self.categories)}
        numbers = {}
        for i, c in enumerate(self.categories):
            try:
                numbers.setdefault(float(c), i)
            except (TypeError, ValueError):
                pass

        def index(value):
            if str(value) in labels:
                return labels[str(value)]
            try:
                return numbers.get(float(value), np.nan)
            except (TypeError, ValueError):
                return np.nan

        return np.array([index(v) for v in values], dtype=float)

    def grid(self) -> np.ndarray:
        if self.integer and self.upper - self.lower + 1 < N_STEPS and not self.log_scale:
            return np.linspace(0.0, 1.0, int(self.upper - self.lower) + 1)
        return np.linspace(0.0, 1.0, N_STEPS)


def trial_values(experiment, metric: str | None = None, rung: float | None = None) -> pd.DataFrame:
    """One row per trial that reported: ``trial_id``, the metric's last value (at ``rung``, if
    given: the last report whose resource equals it) and the ``config_*`` columns."""
    metric = metric or experiment.metric_names()[0]
    results = experiment.results
    if results is None or results.empty or metric not in results:
        raise ValueError(f"Experiment {experiment.name} has no reported values of '{metric}' yet.")
    if rung is not None:
        resource_attr = experiment.metadata.get("resource_attr")
        if not resource_attr or resource_attr not in results:
            raise ValueError(f"The 'rung' argument needs a resource attribute in the results of experiment "
                             f"{experiment.name}; it has none. Leave rung=None.")
        results = results[pd.to_numeric(results[resource_attr], errors="coerce") == rung]
        if results.empty:
            levels = sorted(experiment.results[resource_attr].dropna().unique())
            raise ValueError(f"No trial of experiment {experiment.name} reported at {resource_attr}={rung}. "
                             f"Reported levels: {levels[:20]}.")
    columns = [ST_TRIAL_ID, metric] + [c for c in results.columns if c.startswith(ST_CONFIG_PREFIX)]
    return results[columns].groupby(ST_TRIAL_ID, sort=True).tail(1).reset_index(drop=True)


def hyperparameter_importance(experiment, metric: str | None = None, mode: str | None = None,
                              rung: float | None = None, quantile: float = 0.1) -> pd.DataFrame:
    """PED-ANOVA importance of each hyperparameter (see the module docstring): a frame with
    ``hyperparameter`` and ``importance`` (summing to 1), most important first.

    Args:
        metric: default the experiment's first metric; ``mode`` default its mode.
        rung: a resource level (multi-fidelity runs): values reported there, else each trial's last.
        quantile: the share of trials counted as "top" (at least 2 trials).
    """
    from syne_tune.experiment_pareto import experiment_metric_modes

    if not 0.0 < quantile < 1.0:
        raise ValueError(f"The 'quantile' argument of hyperparameter_importance must be in (0, 1). Got {quantile!r}.")
    names = experiment.metric_names()
    metric = metric or names[0]
    if mode is None and metric not in names:
        raise ValueError(f"The 'metric' argument of hyperparameter_importance must be one of the metrics of experiment "
                         f"{experiment.name}, {names}, or come with mode='min' or 'max'. Got {metric!r}.")
    if mode not in (None, "min", "max"):
        raise ValueError(f"The 'mode' argument of hyperparameter_importance must be 'min', 'max' or None. Got {mode!r}.")
    mode = mode or experiment_metric_modes(experiment, [metric])[0]
    table = trial_values(experiment, metric, rung)
    values = pd.to_numeric(table[metric], errors="coerce").to_numpy(float)
    losses = np.where(np.isfinite(values), values if mode == "min" else -values, np.inf)
    n_top = max(2, math.ceil(quantile * len(table)))
    if np.isfinite(losses).sum() < n_top or len(table) <= n_top:
        raise ValueError(f"Importance needs more trials with a finite '{metric}' than the {n_top} top ones; "
                         f"experiment {experiment.name} has {int(np.isfinite(losses).sum())} of {len(table)}.")
    top = np.argsort(losses, kind="stable")[:n_top]
    encodings = hyperparameter_encodings(experiment, table)
    scores = {name: _pearson_divergence(encoding, table[ST_CONFIG_PREFIX + name], top)
              for name, encoding in encodings.items()}
    total = sum(scores.values())
    frame = pd.DataFrame({"hyperparameter": list(scores),
                          "importance": [s / total if total > 0 else 0.0 for s in scores.values()]})
    return frame.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def hyperparameter_encodings(experiment, table: pd.DataFrame) -> dict[str, Encoding]:
    """An encoding for every hyperparameter with a ``config_`` column that varies (or is a domain)."""
    from syne_tune.config_space import from_dict
    from syne_tune.domains import Categorical, Float, FiniteRange, Integer

    space = experiment.metadata.get("config_space") or {}
    encodings = {}
    for column in [c for c in table.columns if c.startswith(ST_CONFIG_PREFIX)]:
        name = column[len(ST_CONFIG_PREFIX):]
        described = space.get(name)
        domain = None
        if isinstance(described, dict) and "domain_cls" in described:
            try:
                domain = from_dict(described)
            except (ValueError, TypeError):
                domain = None
        elif name in space:
            continue  # a constant
        values = table[column]
        if isinstance(domain, Categorical):
            encodings[name] = Encoding(categories=tuple(domain.categories))
        elif isinstance(domain, (Float, Integer, FiniteRange)):
            encodings[name] = Encoding(lower=float(domain.lower), upper=float(domain.upper),
                                        log_scale=bool(domain.log_scale),
                                        integer=isinstance(domain, Integer))
        elif values.nunique(dropna=True) > 1:  # no domain stored: read it off the values
            numeric = pd.to_numeric(values, errors="coerce")
            if numeric.notna().all():
                encodings[name] = Encoding(lower=float(numeric.min()), upper=float(numeric.max()),
                                            integer=bool((numeric == numeric.round()).all()))
            else:
                encodings[name] = Encoding(categories=tuple(sorted(values.dropna().astype(str).unique())))
    return encodings


def _pearson_divergence(encoding: Encoding, values: pd.Series, top: np.ndarray) -> float:
    """sum_x p_all(x) (p_top(x) / p_all(x) - 1)^2 over the grid (or the categories)."""
    if encoding.categories is not None:
        p_all, p_top = _histogram(encoding, values), _histogram(encoding, values.iloc[top])
    else:
        x, grid = encoding.unit(values), encoding.grid()
        x = x[np.isfinite(x)]
        x_top = encoding.unit(values.iloc[top])
        p_all, p_top = _parzen(x, grid), _parzen(x_top[np.isfinite(x_top)], grid)
    eps = 1e-12
    return float(np.sum((p_all + eps) * ((p_top + eps) / (p_all + eps) - 1.0) ** 2))


def _histogram(encoding: Encoding, values: pd.Series) -> np.ndarray:
    """Share of each category, smoothed by a prior of weight one spread over the categories."""
    index = encoding.category_index(values)
    counts = np.bincount(index[~np.isnan(index)].astype(int), minlength=len(encoding.categories)).astype(float)
    return (counts + 1.0 / len(counts)) / (counts.sum() + 1.0)


def _parzen(x: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Gaussian Parzen estimate of ``x`` (on [0, 1]) at the grid points, normalized to sum 1.

    Bandwidth by Scott's rule, 1.059 * min(std, IQR / 1.34) * n^(-1/5), at least one grid step.
    """
    if len(x) == 0:
        return np.full(len(grid), 1.0 / len(grid))
    spread = np.std(x)
    iqr = np.subtract(*np.percentile(x, [75, 25])) / 1.34
    if iqr > 0:
        spread = min(spread, iqr)
    step = 1.0 / max(len(grid) - 1, 1)
    bandwidth = max(1.059 * spread * len(x) ** -0.2, step)
    density = np.exp(-0.5 * ((grid[:, None] - x[None, :]) / bandwidth) ** 2).sum(axis=1)
    return density / density.sum()
