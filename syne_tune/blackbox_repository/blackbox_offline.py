"""BlackboxOffline: a blackbox looked up in a user's own table of evaluations (a pandas DataFrame).

Expected format, one row per evaluation::

    lr     batch  epoch  seed  metric_loss  metric_time
    0.01   32     1      0     0.71         12.0
    0.01   32     2      0     0.55         24.1
    0.01   32     1      1     0.73         11.8
    ...

- one column per hyperparameter of ``configuration_space`` (values exactly as configs take them,
  so use ``choice([...])`` of the values in the table);
- optionally one fidelity column (the key of ``fidelity_space``), every config evaluated at the
  same fidelity values;
- optionally a seed column (``seed_col``): repetitions of the same evaluation;
- objective columns: ``objectives_names``, by default every column starting with ``metric_``.
  For simulations, one objective is the cumulative elapsed time up to that fidelity.
"""
from __future__ import annotations

import numpy as np

from syne_tune._validation import bad_argument
from syne_tune.blackbox_repository.blackbox import Blackbox


class BlackboxOffline(Blackbox):
    """A blackbox from ``df_evaluations`` (see the module docstring for the format)."""

    def __init__(self, df_evaluations, configuration_space: dict, fidelity_space: dict | None = None,
                 objectives_names: list[str] | None = None, seed_col: str | None = None):
        import pandas as pd

        if not isinstance(df_evaluations, pd.DataFrame) or df_evaluations.empty:
            raise bad_argument("BlackboxOffline", "df_evaluations", "a non-empty pandas DataFrame", df_evaluations)
        if objectives_names is None:
            objectives_names = [c for c in df_evaluations.columns if str(c).startswith("metric_")]
        super().__init__(configuration_space, fidelity_space, objectives_names)
        key_columns = list(self.configuration_space) + list(self.fidelity_space) + ([seed_col] if seed_col else [])
        missing = [c for c in key_columns + self.objectives_names if c not in df_evaluations.columns]
        if missing:
            raise ValueError(f"The 'df_evaluations' argument of BlackboxOffline lacks the columns {missing} "
                             f"(it has {list(df_evaluations.columns)}).")
        self._hp_names = list(self.configuration_space)
        self._seeds = sorted(df_evaluations[seed_col].unique().tolist()) if seed_col else [None]
        self.num_seeds = len(self._seeds)
        if self.fidelity_space:
            self._fidelities = np.array(sorted(df_evaluations[self.fidelity_name()].unique().tolist()))
        else:
            self._fidelities = None
        values = df_evaluations[self.objectives_names].to_numpy(dtype=float)
        fidelity_index = {f: i for i, f in enumerate(self._fidelities.tolist())} if self._fidelities is not None else {}
        seed_index = {s: i for i, s in enumerate(self._seeds)}
        # (config key) -> array (num seeds, num fidelities, num objectives); NaN where the table has no row
        self._table: dict[tuple, np.ndarray] = {}
        hp_rows = df_evaluations[self._hp_names].itertuples(index=False, name=None)
        fidelity_rows = df_evaluations[self.fidelity_name()].tolist() if self.fidelity_space else [None] * len(values)
        seed_rows = df_evaluations[seed_col].tolist() if seed_col else [None] * len(values)
        width = len(fidelity_index) or 1
        for key, fidelity, seed, row in zip(hp_rows, fidelity_rows, seed_rows, values):
            entry = self._table.get(key)
            if entry is None:
                entry = self._table[key] = np.full((self.num_seeds, width, len(self.objectives_names)), np.nan)
            entry[seed_index[seed], fidelity_index.get(fidelity, 0)] = row

    @property
    def fidelity_values(self) -> np.ndarray | None:
        return self._fidelities

    def __len__(self) -> int:
        return len(self._table)

    def all_configurations(self) -> list[dict]:
        """Every config in the table, as dicts."""
        return [dict(zip(self._hp_names, key)) for key in self._table]

    def _objective_function(self, configuration: dict, fidelity, seed: int) -> np.ndarray:
        key = tuple(configuration[name] for name in self._hp_names)
        entry = self._table.get(key)
        if entry is None:
            raise ValueError(f"The configuration {configuration} is not in the table of {type(self).__name__} "
                             f"({len(self._table)} configurations): sample configs from a choice() of the values "
                             "in the table.")
        curve = entry[seed]
        if fidelity is None:
            return curve if self.fidelity_space else curve[0]
        matches = np.flatnonzero(self._fidelities == fidelity)
        if not len(matches):
            raise ValueError(f"The fidelity {fidelity!r} is not in the table; it has {self._fidelities.tolist()}.")
        return curve[matches[0]]
