"""Every analysis plot renders to a file for single- and multi-objective, finished and running experiments."""
import matplotlib
import numpy as np
import pytest

from syne_tune.cli import main
from syne_tune.plots import PLOTS
from syne_tune.plots.edf import plot_edf

matplotlib.use("Agg")

ONE_EXPERIMENT_KINDS = ["parallel", "slice", "contour", "importance"]


def _saved(axes, path):
    figure = getattr(axes, "figure", None) or np.atleast_1d(axes)[0].figure
    figure.savefig(path)
    matplotlib.pyplot.close(figure)
    assert path.stat().st_size > 5000
    return path


@pytest.mark.parametrize("key", ["single", "multi", "single-running", "multi-running"])
@pytest.mark.parametrize("kind", ONE_EXPERIMENT_KINDS)
def test_analysis_plot_renders(analysis, key, kind, tmp_path):
    experiment = analysis[key]
    assert experiment.path.joinpath("results.csv.zip").exists() != key.endswith("running")
    axes = experiment.plot_analysis(kind)
    _saved(axes, tmp_path / f"{kind}.png")


def test_slice_has_a_panel_per_hyperparameter_with_category_ticks(analysis):
    axes = analysis["single"].plot_analysis("slice")
    assert [a.get_xlabel() for a in axes] == ["x", "lr", "act", "layers"]
    assert [t.get_text() for t in axes[2].get_xticklabels()] == ["relu", "tanh", "elu"]
    assert axes[1].get_xscale() == "log"
    assert len(axes[0].collections[0].get_offsets()) == analysis["single"].results["trial_id"].nunique()


def test_parallel_coordinates_draw_one_line_per_trial(analysis):
    ax = analysis["multi"].plot_analysis("parallel", metric="size")
    lines = ax.collections[0]
    assert len(lines.get_segments()) == analysis["multi"].results["trial_id"].nunique()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "lr", "act", "layers", "size"]
    assert np.allclose(sorted(lines.get_array()), sorted(
        analysis["multi"].results.groupby("trial_id")["size"].last()))


def test_contour_marks_the_best_trial_and_checks_params(analysis):
    ax = analysis["single"].plot_analysis("contour", params=("x", "lr"))
    star = [line for line in ax.get_lines() if line.get_label() == "best"][0]
    last = analysis["single"].results.groupby("trial_id").tail(1)
    best = last.loc[last["error"].idxmin()]
    assert star.get_xdata()[0] == pytest.approx(best["config_x"])
    with pytest.raises(ValueError, match="two hyperparameters"):
        analysis["single"].plot_analysis("contour", params=("x", "nope"))


@pytest.mark.parametrize("key", ["multi", "multi-running"])
def test_pareto_front_renders_for_multi_objective(analysis, key, tmp_path):
    ax = analysis[key].plot_analysis("pareto")
    front = [line for line in ax.get_lines() if line.get_label() == "Pareto front"][0]
    assert len(front.get_xdata()) >= 2
    _saved(ax, tmp_path / "pareto.png")
    with pytest.raises(ValueError, match="two metrics"):
        analysis["single"].plot_analysis("pareto")


def test_edf_compares_experiments(analysis, tmp_path):
    ax = plot_edf([analysis["single"], analysis["multi"], analysis["single-running"]], metric="error")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[0].startswith("asha (") and labels[1].startswith("moasha (")  # runs grouped by method
    share = ax.get_lines()[0].get_ydata()
    assert share[-1] == 1.0 and np.all(np.diff(share) >= 0)
    _saved(ax, tmp_path / "edf.png")
    one = analysis["multi-running"].plot_analysis("edf", metric="size", group_by=None)
    assert one.get_lines()[0].get_label().startswith(analysis["multi-running"].name + " (")


def test_cli_plot_kinds_and_importance(analysis, tmp_path, capsys):
    for kind in PLOTS:
        names = [analysis["single"].name, analysis["multi"].name] if kind == "edf" else \
            [analysis["multi-running" if kind == "pareto" else "single"].name]
        assert main(["plot", *names, "--kind", kind, "-o", str(tmp_path / f"{kind}.png")]) == 0
        assert (tmp_path / f"{kind}.png").stat().st_size > 5000
    assert main(["plot", "asha", "moasha", "--kind", "slice", "-o", str(tmp_path / "x.png")]) == 2
    assert "Only --kind edf compares several" in capsys.readouterr().err
    assert main(["importance", analysis["single-running"].name, "--rung", "1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["hyperparameter", "importance"] and "layers" in out
