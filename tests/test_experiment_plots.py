"""Plots of stored experiments, written to files with the Agg backend."""
import json
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend import SimulatorBackend, SimulatorCallback
from syne_tune.config_space import uniform
from syne_tune.experiment_plots import best_so_far
from syne_tune.optimizer.baselines import RandomSearch
from syne_tune.experiments import load_experiment, plot_experiments

matplotlib.use("Agg")


@pytest.fixture
def experiments(stored_experiments, monkeypatch):
    root, names = stored_experiments
    monkeypatch.setenv("SYNETUNE_FOLDER", str(root))
    return {key: load_experiment(name) for key, name in names.items()}


def _fake_run(root, name, method, seed):
    """A stored experiment with a decreasing loss, as the Tuner writes it."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps(
        {"metric_names": ["loss"], "metric_mode": "min", "method": method, "st_tuner_creation_timestamp": seed}))
    rng = np.random.RandomState(seed)
    times = np.sort(rng.uniform(0, 10, 20))
    pd.DataFrame({"trial_id": np.arange(20), "loss": rng.uniform(0, 1, 20), "st_tuner_time": times}).to_csv(
        folder / "results.csv.zip", index=False)
    return load_experiment(name)


def test_best_so_far_is_monotone(experiments):
    times, best = best_so_far(experiments["asha"])
    assert np.all(np.diff(times) >= 0) and np.all(np.diff(best) <= 0)
    assert best[-1] == experiments["asha"].results["loss"].min()


def test_plot_one_experiment_to_a_file(experiments, tmp_path):
    ax = experiments["fifo"].plot()
    ax.figure.savefig(tmp_path / "best.png")
    assert (tmp_path / "best.png").stat().st_size > 1000
    assert ax.get_ylabel() == "best loss (min)" and ax.get_xlabel() == "wallclock time (s)"


def test_learning_curves_mark_how_trials_ended(experiments, tmp_path):
    best_ax, curves_ax = experiments["asha"].plot(learning_curves=True)
    best_ax.figure.savefig(tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 1000
    legend = [text.get_text() for text in curves_ax.get_legend().get_texts()]
    statuses = experiments["asha"].trials().set_index("trial_id")["status"]
    reported = statuses[statuses.index.isin(experiments["asha"].results["trial_id"])]
    assert "Paused" in legend and sorted(legend) == sorted(set(reported))  # one entry per way trials ended
    assert curves_ax.get_xlabel() == "epoch"
    reported = experiments["asha"].results["trial_id"].nunique()
    assert len(curves_ax.get_lines()) == 2 * reported  # one curve and one end marker per trial


def test_several_experiments_on_one_figure_with_bands(_results_root, tmp_path):
    runs = [_fake_run(_results_root, f"rs-{seed}", "RS", seed) for seed in range(3)]
    runs.append(_fake_run(_results_root, "bo-0", "BO", 7))
    ax = plot_experiments(runs)
    ax.figure.savefig(tmp_path / "several.png")
    assert (tmp_path / "several.png").stat().st_size > 1000
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["RS (3 runs)", "BO (1 run)"]
    assert len(ax.collections) == 1  # a band for the group with several runs only
    median = ax.get_lines()[0].get_ydata()
    assert np.all(np.diff(median[~np.isnan(median)]) <= 1e-12)
    by_name = plot_experiments(["rs-0", "rs-1"], group_by=lambda e: "same")
    assert [line.get_label() for line in by_name.get_lines()] == ["same (2 runs)"]


def test_real_runs_grouped_by_method(experiments, tmp_path):
    ax = plot_experiments(list(experiments.values()))
    assert sorted(line.get_label() for line in ax.get_lines()) == ["ASHA (1 run)", "FIFO (1 run)"]


def test_missing_matplotlib_says_how_to_install(experiments, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"syne-tune\[plot\]"):
        experiments["fifo"].plot()


def test_no_experiments_is_an_error():
    with pytest.raises(ValueError, match="'experiments' argument of plot_experiments"):
        plot_experiments([])


class _TwoMetricBackend(SimulatorBackend):
    """Reports a loss near 0.2 and an accuracy near 91 (%), as FCNet and NAS-Bench-201 do."""

    def _evaluate(self, trial_id, config, checkpoint):
        return [{"val_loss": 0.2 + config["x"] / epoch, "val_acc": 91 - config["x"] / epoch, "epoch": epoch,
                 "t": float(epoch)} for epoch in (1, 2, 3)]


def _simulated_run(name: str, metric: str, mode: str, seed: int) -> str:
    tuner = Tuner(_TwoMetricBackend("t"), RandomSearch({"x": uniform(0, 1)}, metric=metric, mode=mode,
                                                       random_seed=seed),
                  StoppingCriterion(max_wallclock_time=10), n_workers=2, callbacks=[SimulatorCallback()],
                  progress="off", tuner_name=name, metadata={"method": "RS"})
    tuner.run()
    return tuner.name


@pytest.fixture
def two_metrics():
    """Real simulated runs: two tuned for val_loss (min), one for val_acc (max)."""
    return ([_simulated_run(f"fcnet-{seed}", "val_loss", "min", seed) for seed in (1, 2)],
            [_simulated_run("nas201-1", "val_acc", "max", 1)])


def test_several_metrics_are_drawn_one_panel_each_never_averaged(two_metrics, tmp_path):
    losses, accuracies = two_metrics
    axes = plot_experiments(losses + accuracies)
    assert len(axes) == 2 and len(axes[0].figure.axes) == 2
    assert [ax.get_ylabel() for ax in axes] == ["best val_loss (min)", "best val_acc (max)"]
    assert [line.get_label() for line in axes[0].get_lines()] == ["RS (2 runs)"]
    assert [line.get_label() for line in axes[1].get_lines()] == ["RS (1 run)"]
    loss_curve, acc_curve = (ax.get_lines()[0].get_ydata() for ax in axes)
    assert np.nanmax(loss_curve) < 1.5 and np.nanmin(acc_curve) > 89  # each panel holds its own metric only
    axes[0].figure.savefig(tmp_path / "panels.png")
    assert (tmp_path / "panels.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="one axes per metric: the experiments have 2"):
        plot_experiments(losses + accuracies, ax=axes[0])


def test_cli_plot_of_several_metrics_says_one_panel_per_metric(two_metrics, tmp_path, capsys):
    from syne_tune.cli import main

    assert main(["plot", "fcnet-*", "nas201-*", "-o", str(tmp_path / "both.png")]) == 0
    out = capsys.readouterr().out
    assert "Plot of 3 experiments" in out and "one panel per metric: val_loss (min), val_acc (max)" in out
    assert (tmp_path / "both.png").stat().st_size > 1000
