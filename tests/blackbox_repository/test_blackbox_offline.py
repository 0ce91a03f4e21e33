"""BlackboxOffline: a user's DataFrame as a blackbox, also driving a simulation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import BlackboxOffline, UserBlackboxBackend
from syne_tune.config_space import choice, randint
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import ASHA


def _table() -> pd.DataFrame:
    rows = []
    for width in (8, 16, 32):
        for act in ("relu", "tanh"):
            for seed in (0, 1):
                for epoch in (1, 2, 3):
                    loss = 1.0 / (width * epoch) + (0.1 if act == "tanh" else 0.0) + 0.01 * seed
                    rows.append({"width": width, "act": act, "epoch": epoch, "seed": seed,
                                 "metric_loss": loss, "metric_time": 2.0 * epoch * width / 8})
    return pd.DataFrame(rows)


SPACE = {"width": choice([8, 16, 32]), "act": choice(["relu", "tanh"])}


def _blackbox():
    return BlackboxOffline(_table(), SPACE, fidelity_space={"epoch": randint(1, 3)}, seed_col="seed")


def test_lookup_by_config_fidelity_and_seed():
    box = _blackbox()
    assert box.objectives_names == ["metric_loss", "metric_time"]  # the metric_* columns by default
    assert box.num_seeds == 2 and box.fidelity_values.tolist() == [1, 2, 3] and len(box) == 6
    assert box({"width": 16, "act": "tanh"}, fidelity=2, seed=1) == pytest.approx(
        {"metric_loss": 1 / 32 + 0.1 + 0.01, "metric_time": 8.0})
    curve = box({"width": 8, "act": "relu"})
    assert curve.shape == (3, 2) and np.allclose(curve[:, 0], [1 / 8, 1 / 16, 1 / 24])


def test_single_fidelity_table_and_clear_errors():
    final = _table().query("epoch == 3 and seed == 0").drop(columns=["epoch", "seed"])
    box = BlackboxOffline(final, SPACE, objectives_names=["metric_loss"])
    assert box({"width": 32, "act": "relu"}) == pytest.approx({"metric_loss": 1 / 96})
    with pytest.raises(ValueError, match="not in the table"):
        box({"width": 64, "act": "relu"})
    with pytest.raises(ValueError, match="lacks the columns \\['seed'\\]"):
        BlackboxOffline(final, SPACE, seed_col="seed")
    with pytest.raises(ValueError, match="'df_evaluations' argument of BlackboxOffline"):
        BlackboxOffline([], SPACE)


def test_a_table_drives_a_simulated_asha_run():
    box = _blackbox()
    backend = UserBlackboxBackend(box, elapsed_time_attr="metric_time", max_resource_attr="epochs")
    scheduler = ASHA(box.configuration_space_with_max_resource_attr("epochs"), metric="metric_loss", mode="min",
                     resource_attr="epoch", max_resource_attr="epochs", grace_period=1, reduction_factor=3)
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_num_trials_started=10), n_workers=2, progress="off")
    tuner.run()
    df = load_experiment(tuner.name).results
    assert set(df["epoch"]) <= {1, 2, 3} and df["metric_loss"].min() == pytest.approx(1 / 96, abs=0.011)
