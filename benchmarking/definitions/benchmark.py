"""The one shape of a benchmark definition: what is tuned, how well, for how long, and how trials run.

A :class:`Benchmark` names its metric(s) and mode(s), resources, budget and workers, and runs
its trials in one of three ways, which only decide :meth:`Benchmark.backend` and
:meth:`Benchmark.config_space`:

- ``script``: a training script run for real by LocalBackend (``height``, ``mlp_fashionmnist``);
- ``blackbox_name``/``dataset`` (or ``make_blackbox``): a blackbox of ``syne_tune.blackbox_repository``
  simulated in simulated time (``fcnet-*``, ``nas201-*``, ``branin``, ...);
- ``backend_class``: a SimulatorBackend subclass for state a table cannot hold (``lr-schedule``),
  named by import path (``"module:name"``, as ``config_space_fn``) so that definitions stay
  cheap to import and runs can go to other processes.

It also reads like the original library's definition dict (``benchmark["script"]``,
``benchmark["config_space"]``, ``benchmark["default_params"]``, ...).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

_DICT_KEYS = ("script", "config_space", "metric", "mode", "resource_attr", "max_resource_attr",
              "elapsed_time_attr", "simulated", "map_reward", "default_params")


def _load(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Benchmark(Mapping):
    """A benchmark definition.

    Attributes:
        blackbox_name, dataset: as ``load_blackbox(blackbox_name)[dataset]``; for the other kinds,
            the benchmark's name (twice).
        metric, mode: a list each for a multi-objective benchmark, which also needs ``reference_point``
            (one value per metric, worse than any that should count): comparisons show hypervolume.
        elapsed_time_attr: the reported time (simulated seconds for simulated trials).
        max_wallclock_time: seconds per run (simulated ones for simulated trials).
        max_resource_attr: the config entry holding the maximum resource (epochs); the resource
            reported is then ``epoch``.
        optimum: best possible value of ``metric`` (regret = distance to it); None: the best value
            in the table is used, if there is one.
        make_blackbox: makes the blackbox instead of ``load_blackbox`` (e.g. other noise levels).
        noise_free: the noise-free value of ``metric`` of a config; when given, a run's best-so-far
            is this value of its incumbent (the trial with the best report so far), not the noisy report.
        backend_class, config_space_fn, backend_kwargs: a SimulatorBackend subclass that runs the
            trials (``backend_class(random_seed=seed, **backend_kwargs)``) and the function returning
            the config space, each as ``"module:name"``.
        script, script_config_space, map_reward, default_params: a training script run for real,
            its config space (with the constants passed to every trial), how the original library
            mapped its metric to a reward, and the parameters the definition was made with.
    """

    blackbox_name: str
    dataset: str
    metric: str | list[str]
    mode: str | list[str]
    elapsed_time_attr: str | None
    max_wallclock_time: float
    n_workers: int = 4
    max_resource_attr: str | None = None
    optimum: float | None = None
    make_blackbox: Callable | None = None
    noise_free: Callable[[dict], float] | None = None
    reference_point: tuple[float, ...] | None = None  # multi-objective: hypervolume reference, in metric units
    backend_class: str | None = None
    config_space_fn: str | None = None
    backend_kwargs: dict = field(default_factory=dict)
    script: str | None = None
    script_config_space: dict | None = None
    map_reward: str | None = None
    default_params: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.dataset

    @property
    def simulated(self) -> bool:
        """True if trials run in simulated time (a blackbox or a SimulatorBackend), False for a script."""
        return self.script is None

    @property
    def multi_objective(self) -> bool:
        return isinstance(self.metric, (list, tuple))

    @property
    def resource_attr(self) -> str | None:
        return "epoch" if self.max_resource_attr is not None else None

    def blackbox(self):
        if self.make_blackbox is not None:
            return self.make_blackbox()
        from syne_tune.blackbox_repository import load_blackbox

        return load_blackbox(self.blackbox_name)[self.dataset]

    def config_space(self) -> dict:
        if self.script is not None:
            return dict(self.script_config_space or {})
        if self.config_space_fn is not None:
            return _load(self.config_space_fn)()
        box = self.blackbox()
        if self.max_resource_attr is not None:
            return box.configuration_space_with_max_resource_attr(self.max_resource_attr)
        return dict(box.configuration_space)

    def best_value(self) -> float | None:
        """``optimum``, or the best value of the metric over the whole table (mean over seeds);
        None when neither is known (comparisons then show the best metric, not a regret)."""
        if self.optimum is not None or self.multi_objective or self.script is not None \
                or self.backend_class is not None:
            return self.optimum
        best_value = getattr(self.blackbox(), "best_value", None)
        return None if best_value is None else best_value(self.metric, self.mode)

    def backend(self, seed: int | None = None):
        """The trial backend that runs this benchmark's trials (``seed``: of simulated noise)."""
        if self.script is not None:
            from syne_tune.backend import LocalBackend

            return LocalBackend(entry_point=self.script)
        if self.backend_class is not None:
            return _load(self.backend_class)(random_seed=seed or 0, **self.backend_kwargs)
        from syne_tune.blackbox_repository import BlackboxRepositoryBackend, UserBlackboxBackend

        if self.make_blackbox is not None:
            return UserBlackboxBackend(self.make_blackbox(), self.elapsed_time_attr,
                                       max_resource_attr=self.max_resource_attr, random_seed=seed or 0)
        return BlackboxRepositoryBackend(self.blackbox_name, self.elapsed_time_attr, dataset=self.dataset,
                                         max_resource_attr=self.max_resource_attr, random_seed=seed or 0)

    # The original library's definition dict: benchmark["script"], benchmark["config_space"], ...
    def __getitem__(self, key: str):
        if key not in _DICT_KEYS:
            raise KeyError(key)
        return self.config_space() if key == "config_space" else getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(_DICT_KEYS)

    def __len__(self) -> int:
        return len(_DICT_KEYS)
