"""PED-ANOVA importance on experiments whose answer is known."""
import json

import numpy as np
import pandas as pd
import pytest

from syne_tune.config_space import choice, loguniform, randint, to_dict, uniform
from syne_tune.experiments import load_experiment


def _known_experiment(root, name="known", n=300, seed=0, mode="min"):
    """``strong`` decides the loss, ``weak`` (log scaled) nudges it, ``noise`` (categorical) and
    ``steps`` (integer) do nothing; a few trials diverged (NaN, inf)."""
    rng = np.random.RandomState(seed)
    space = {"strong": uniform(0, 1), "weak": loguniform(1e-4, 1e-1), "noise": choice(["a", "b", "c"]),
             "steps": randint(1, 8), "epochs": 3}
    strong, weak = rng.uniform(0, 1, n), np.exp(rng.uniform(np.log(1e-4), np.log(1e-1), n))
    loss = 10 * (strong - 0.3) ** 2 + 0.6 * np.abs(np.log10(weak) + 2.5) + 0.05 * rng.randn(n)
    loss[:3] = [np.nan, np.inf, -np.inf if mode == "max" else np.nan]
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps({
        "metric_names": ["loss"], "metric_mode": mode, "resource_attr": "epoch",
        "config_space": {k: to_dict(v) if hasattr(v, "sample") else v for k, v in space.items()}}))
    rows = []
    for trial in range(n):
        for epoch in (1, 2):  # the first epoch's value is noise: the ranking must come from the last
            value = loss[trial] if epoch == 2 else rng.uniform(0, 5)
            rows.append({"trial_id": trial, "epoch": epoch, "loss": value if mode == "min" else -value,
                         "st_tuner_time": trial + epoch / 10, "config_strong": strong[trial],
                         "config_weak": weak[trial], "config_noise": "abc"[rng.randint(3)],
                         "config_steps": rng.randint(1, 8), "config_epochs": 3})
    pd.DataFrame(rows).to_csv(folder / "results.csv.zip", index=False)
    return load_experiment(name)


@pytest.mark.parametrize("mode", ["min", "max"])
def test_importance_recovers_strong_weak_irrelevant(_results_root, mode):
    table = _known_experiment(_results_root, mode=mode).importance()
    assert list(table["hyperparameter"][:2]) == ["strong", "weak"]
    assert set(table["hyperparameter"]) == {"strong", "weak", "noise", "steps"}  # the constant is left out
    assert table["importance"].sum() == pytest.approx(1.0)
    importance = table.set_index("hyperparameter")["importance"]
    assert importance["strong"] > 0.5 and importance["weak"] > 2 * max(importance["noise"], importance["steps"])


def test_importance_per_rung_reads_that_level(_results_root):
    experiment = _known_experiment(_results_root)
    at_one = experiment.importance(rung=1).set_index("hyperparameter")["importance"]
    assert at_one["strong"] < 0.5  # epoch 1 is noise: nothing stands out
    assert experiment.importance(rung=2)["hyperparameter"][0] == "strong"
    with pytest.raises(ValueError, match="Reported levels"):
        experiment.importance(rung=7)


def test_importance_without_config_space_reads_domains_off_the_values(_results_root):
    experiment = _known_experiment(_results_root)
    experiment.metadata.pop("config_space")
    assert list(experiment.importance()["hyperparameter"][:2]) == ["strong", "weak"]


def test_importance_needs_enough_finite_trials(_results_root):
    experiment = _known_experiment(_results_root, n=4)
    with pytest.raises(ValueError, match="more trials with a finite 'loss'"):
        experiment.importance()
    with pytest.raises(ValueError, match="'quantile'"):
        experiment.importance(quantile=1.5)


def test_importance_of_a_real_run(stored_experiments, monkeypatch):
    root, names = stored_experiments
    monkeypatch.setenv("SYNETUNE_FOLDER", str(root))
    table = load_experiment(names["asha"]).importance(quantile=0.3)
    assert list(table["hyperparameter"]) == ["x"] and table["importance"][0] == pytest.approx(1.0)


def test_numeric_categories_read_back_as_floats_still_count(_results_root):
    """choice([16, 32, 64]) comes back as 16.0 ... when the column also holds a NaN."""
    rng = np.random.RandomState(1)
    batch = rng.choice([16, 32, 64], 120).astype(float)
    batch[0] = np.nan
    x = rng.uniform(0, 1, 120)
    folder = _results_root / "numeric-choice"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps({
        "metric_names": ["loss"], "metric_mode": "min",
        "config_space": {"batch": to_dict(choice([16, 32, 64])), "x": to_dict(uniform(0, 1))}}))
    pd.DataFrame({"trial_id": range(120), "loss": np.where(batch == 32, 0.0, 1.0) + 0.1 * rng.randn(120),
                  "config_batch": batch, "config_x": x}).to_csv(folder / "results.csv.zip", index=False)
    table = load_experiment("numeric-choice").importance()
    assert table["hyperparameter"][0] == "batch" and table["importance"][0] > 0.8
