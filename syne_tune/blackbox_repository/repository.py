"""load_blackbox: the built-in blackboxes by name, each a {data set name: Blackbox} mapping."""
from __future__ import annotations

from collections.abc import Mapping

from syne_tune.blackbox_repository import synthetic
from syne_tune.blackbox_repository.blackbox import Blackbox

_SYNTHETIC = {
    "synthetic-mf": synthetic.synthetic_multifidelity,
    "branin": synthetic.branin,
    "hartmann6": synthetic.hartmann6,
    "height": synthetic.height,
}


def blackbox_list() -> list[str]:
    """Names ``load_blackbox`` accepts; the tabulated ones need the extra ``blackboxes``."""
    from syne_tune.blackbox_repository.learning_curves import CURVES
    from syne_tune.blackbox_repository.tabulated import TABULATED

    return list(TABULATED) + [f"{name}-mf" for name in CURVES] + list(_SYNTHETIC)


def load_blackbox(name: str) -> Mapping[str, Blackbox]:
    """{data set: blackbox} of benchmark ``name``, e.g. ``load_blackbox("fcnet")["protein_structure"]``,
    ``load_blackbox("nasbench201")["cifar10"]``.

    Tabulated benchmarks (``fcnet``, ``nasbench201``, ``hpobench``) load a data set's table on first
    lookup; ``fcnet-mf`` and ``nasbench201-mf`` are those tables with an ``epoch`` fidelity and
    modelled learning curves ending at the tabulated values (``learning_curves.py``). The synthetic
    ones (``synthetic-mf``, ``branin``, ``hartmann6``, ``height``) have one data set named like the
    benchmark.
    """
    from syne_tune.blackbox_repository.tabulated import TABULATED, LazyBlackboxes

    if name in TABULATED:
        return LazyBlackboxes(name)
    if name.endswith("-mf"):
        from syne_tune.blackbox_repository.learning_curves import CURVES, LearningCurveBlackboxes

        if name[:-3] in CURVES:
            return LearningCurveBlackboxes(name[:-3])
    if name in _SYNTHETIC:
        return {name: _SYNTHETIC[name]()}
    raise ValueError(f"The 'name' argument of load_blackbox must be one of {blackbox_list()}. Got {name!r}.")
