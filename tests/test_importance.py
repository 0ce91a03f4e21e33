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


def _two_objective_experiment(root, n=200, seed=2):
    """``loss`` (min) is decided by ``strong``, ``cost`` (max) by ``steps``; ``noise`` decides neither.
    A few trials failed: no value of either (NaN), or an infinite cost."""
    rng = np.random.RandomState(seed)
    space = {"strong": uniform(0, 1), "steps": randint(1, 8), "noise": choice(["a", "b", "c"])}
    strong, steps = rng.uniform(0, 1, n), rng.randint(1, 8, n)
    loss = 10 * (strong - 0.7) ** 2 + 0.05 * rng.randn(n)
    cost = steps + 0.1 * rng.randn(n)
    loss[:4], cost[:4] = np.nan, [np.nan, np.nan, np.inf, -np.inf]
    folder = root / "two-objectives"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps({
        "metric_names": ["loss", "cost"], "metric_mode": "min", "metric_modes": ["min", "max"],
        "config_space": {k: to_dict(v) for k, v in space.items()}}))
    pd.DataFrame({"trial_id": range(n), "loss": loss, "cost": cost, "st_tuner_time": np.arange(n, dtype=float),
                  "config_strong": strong, "config_steps": steps,
                  "config_noise": ["abc"[i] for i in rng.randint(3, size=n)]}).to_csv(folder / "results.csv.zip",
                                                                                     index=False)
    return load_experiment("two-objectives")


def test_importance_per_objective_of_a_multi_objective_run(_results_root, capsys):
    from syne_tune.cli import main

    experiment = _two_objective_experiment(_results_root)
    assert experiment.importance()["hyperparameter"][0] == "strong"  # the first objective by default
    assert experiment.importance(metric="loss")["hyperparameter"][0] == "strong"
    by_cost = experiment.importance(metric="cost").set_index("hyperparameter")["importance"]
    assert by_cost.idxmax() == "steps" and by_cost["steps"] > 0.5  # maximized: the large steps are the top
    assert main(["importance", "two-objectives", "--metric", "cost"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["hyperparameter", "importance"] and lines[1].split()[0] == "steps"
    axes = experiment.plot_analysis("importance", metric="cost")
    assert axes.get_title().endswith("importance for cost")
    assert [t.get_text() for t in axes.get_yticklabels()][-1] == "steps"  # the top bar


def test_importance_of_an_unknown_metric_names_the_known_ones(_results_root):
    experiment = _two_objective_experiment(_results_root)
    with pytest.raises(ValueError, match="must be one of the metrics.*Got .cots.") as error:
        experiment.importance(metric="cots")
    assert "cost" in str(error.value)
