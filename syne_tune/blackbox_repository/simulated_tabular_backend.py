"""Simulated backends answering trials from a blackbox: UserBlackboxBackend and BlackboxRepositoryBackend.

A run of a trial reports the blackbox's objectives at each fidelity from the smallest (or the
one after its checkpoint) up to ``config[max_resource_attr]`` (all, if absent), plus the fidelity
under its name (e.g. ``epoch``). ``elapsed_time_attr`` names the blackbox's cumulative time
objective; reports carry it as seconds since the run started, so a resumed trial pays only
for the epochs it adds. A single-fidelity blackbox gives one report per trial.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from syne_tune._validation import bad_argument, check_int, check_str
from syne_tune.backend.simulator_backend.simulator_backend import SimulatorBackend, SimulatorConfig
from syne_tune.blackbox_repository.blackbox import Blackbox


class _Curve(Sequence):
    """The reports of one run, built when the simulator asks for them (most runs are stopped early)."""

    def __init__(self, names: list[str], values: np.ndarray, fidelity_name: str | None, fidelities,
                 elapsed_index: int, elapsed_offset: float):
        self.names, self.values, self.fidelity_name, self.fidelities = names, values, fidelity_name, fidelities
        self.elapsed_index, self.elapsed_offset = elapsed_index, elapsed_offset

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, index: int) -> dict:
        row = self.values[index].tolist()
        report = dict(zip(self.names, row))
        report[self.names[self.elapsed_index]] = row[self.elapsed_index] - self.elapsed_offset
        if self.fidelity_name is not None:
            report[self.fidelity_name] = self.fidelities[index]
        return report


class UserBlackboxBackend(SimulatorBackend):
    """Simulates trials of ``blackbox`` (see the module docstring).

    Args:
        blackbox: the benchmark.
        elapsed_time_attr: the blackbox objective holding cumulative elapsed seconds.
        max_resource_attr: config key with the largest fidelity a trial may reach (e.g. ``epochs``).
        seed: blackbox seed of every trial; None draws one per trial (reproducibly, from ``random_seed``).
        support_checkpointing: a resumed trial continues after its last fidelity; False reruns it from scratch.
        simulator_config: simulated delays.
        random_seed: seeds the per-trial seed draws.
    """

    def __init__(self, blackbox: Blackbox, elapsed_time_attr: str, max_resource_attr: str | None = None,
                 seed: int | None = None, support_checkpointing: bool = True,
                 simulator_config: SimulatorConfig | None = None, random_seed: int = 0):
        super().__init__(elapsed_time_attr, simulator_config)
        owner = type(self).__name__
        self.max_resource_attr = check_str(owner, "max_resource_attr", max_resource_attr, allow_none=True)
        self.seed = check_int(owner, "seed", seed, minimum=0, allow_none=True)
        self.support_checkpointing = bool(support_checkpointing)
        self._random_state = np.random.RandomState(check_int(owner, "random_seed", random_seed, minimum=0))
        self._trial_seeds: dict[int, int] = {}
        self._blackbox = None
        if blackbox is not None:
            self._set_blackbox(blackbox)

    def _set_blackbox(self, blackbox: Blackbox) -> None:
        if not isinstance(blackbox, Blackbox):
            raise bad_argument(type(self).__name__, "blackbox", "a Blackbox", blackbox)
        if self.elapsed_time_attr not in blackbox.objectives_names:
            raise ValueError(f"The 'elapsed_time_attr' argument of {type(self).__name__} must be one of the "
                             f"blackbox's objectives {blackbox.objectives_names}. Got {self.elapsed_time_attr!r}.")
        self._blackbox = blackbox
        self._elapsed_index = blackbox.objectives_names.index(self.elapsed_time_attr)

    @property
    def blackbox(self) -> Blackbox:
        return self._blackbox

    @property
    def resource_attr(self) -> str | None:
        """The fidelity's name (reports carry it), None for a single-fidelity blackbox."""
        return self.blackbox.fidelity_name() if self.blackbox.fidelity_space else None

    def _trial_seed(self, trial_id: int) -> int:
        if self.seed is not None:
            return self.seed
        if trial_id not in self._trial_seeds:
            self._trial_seeds[trial_id] = int(self._random_state.randint(self.blackbox.num_seeds))
        return self._trial_seeds[trial_id]

    def _evaluate(self, trial_id: int, config: dict, checkpoint: dict | None) -> Sequence[dict]:
        blackbox = self.blackbox
        box_config = {name: config[name] for name in blackbox.configuration_space if name in config}
        seed = self._trial_seed(trial_id)
        values = blackbox.objective_function(box_config, None, seed)
        if not blackbox.fidelity_space:
            row = np.array([[values[name] for name in blackbox.objectives_names]], dtype=float)
            return _Curve(blackbox.objectives_names, row, None, None, self._elapsed_index, 0.0)
        fidelities = blackbox.fidelity_values
        keep = np.ones(len(fidelities), dtype=bool)
        if self.max_resource_attr is not None and self.max_resource_attr in config:
            keep &= fidelities <= config[self.max_resource_attr]
        offset = 0.0
        name = blackbox.fidelity_name()
        if self.support_checkpointing and checkpoint is not None and name in checkpoint:
            reached = fidelities <= checkpoint[name]
            if reached.any():
                offset = float(values[np.flatnonzero(reached)[-1], self._elapsed_index])
            keep &= ~reached
        values = np.array(values[keep], dtype=float)
        values[:, self._elapsed_index] = np.maximum.accumulate(values[:, self._elapsed_index])  # time never runs back
        fidelity_list = [f.item() for f in fidelities[keep]]
        return _Curve(blackbox.objectives_names, values, name, fidelity_list, self._elapsed_index, offset)


class BlackboxRepositoryBackend(UserBlackboxBackend):
    """Simulates trials of a named blackbox of the repository (``load_blackbox(blackbox_name)[dataset]``),
    loaded when first needed.

    Example: ``BlackboxRepositoryBackend("fcnet", elapsed_time_attr="train_time", dataset="protein_structure")``.
    """

    def __init__(self, blackbox_name: str, elapsed_time_attr: str, dataset: str | None = None,
                 max_resource_attr: str | None = None, seed: int | None = None, support_checkpointing: bool = True,
                 simulator_config: SimulatorConfig | None = None, random_seed: int = 0):
        super().__init__(None, elapsed_time_attr, max_resource_attr, seed, support_checkpointing,
                         simulator_config, random_seed)
        self.blackbox_name = check_str(type(self).__name__, "blackbox_name", blackbox_name)
        self.dataset = dataset

    @property
    def blackbox(self) -> Blackbox:
        if self._blackbox is None:
            from syne_tune.blackbox_repository.repository import load_blackbox

            boxes = load_blackbox(self.blackbox_name)
            if self.dataset is None:
                if len(boxes) != 1:
                    raise ValueError(f"The 'dataset' argument of BlackboxRepositoryBackend must name one of "
                                     f"{list(boxes)} for {self.blackbox_name}. Got None.")
                self.dataset = next(iter(boxes))
            if self.dataset not in boxes:
                raise ValueError(f"The 'dataset' argument of BlackboxRepositoryBackend must be one of {list(boxes)} "
                                 f"for {self.blackbox_name}. Got {self.dataset!r}.")
            self._set_blackbox(boxes[self.dataset])
        return self._blackbox
