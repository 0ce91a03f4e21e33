"""End-to-end: the runner drives LocalBackend + Tuner on the height benchmark with a tiny budget."""
from __future__ import annotations

import pytest

from benchmarking.scripts.run_benchmark import METHODS, MethodResult, format_table, main, make_scheduler, run_benchmark
from benchmarking.definitions import benchmark_definition

PARAMS = {"sleep_time": 0.01, "max_resource_level": 9}


def _height_loss(config: dict, epoch: int) -> float:
    return 1.0 / (0.1 + config["width"] * (epoch - 1) / 100) + 0.1 * config["height"]


def test_runner_compares_methods_on_height(_results_root):
    results = run_benchmark("height", ["RS", "ASHA-PROM"], PARAMS, max_wallclock_time=2.5, n_workers=2,
                            tuner_sleep_time=0.1)
    assert [r.method for r in results] == ["RS", "ASHA-PROM"]
    for result in results:
        assert result.error is None
        assert result.num_trials >= 2 and result.num_reports >= result.num_trials
        assert result.wallclock_time >= 2.5
        # the best value is what the best trial's config yields at some epoch
        assert any(result.best_value == pytest.approx(_height_loss(result.best_config, epoch))
                   for epoch in range(1, 10))
        assert (_results_root / result.tuner_name / "metadata.json").is_file()
    rs, asha = results
    assert rs.num_completed >= rs.num_trials - 2  # FIFO never stops early; <= 2 still running at the end
    # promotion pauses trials at rung levels: fewer reports per trial than running all to the end
    assert asha.num_reports / asha.num_trials < 9


def test_main_prints_table(_results_root, capsys):
    main(["--benchmark", "height", "--methods", "ASHA", "--max_wallclock_time", "1.5", "--n_workers", "2",
          "--params", "sleep_time=0.01", "max_resource_level=9"])
    out = capsys.readouterr().out
    assert "best mean_loss (min)" in out and "\nASHA " in out


def test_every_method_builds_a_scheduler():
    benchmark = benchmark_definition("height", PARAMS)
    for method in METHODS:
        if METHODS[method].requires:  # more than this benchmark gives: refused, naming what is missing
            with pytest.raises(ValueError, match=repr(METHODS[method].requires[0])):
                make_scheduler(method, benchmark, n_workers=2, random_seed=0)
            continue
        try:
            scheduler = make_scheduler(method, benchmark, n_workers=2, random_seed=0)
        except ImportError:  # BO/MOBSTER need syne_tune's GP searchers
            continue
        assert scheduler.metric_names() == ["mean_loss"] and scheduler.metric_mode() == "min"
    hb = make_scheduler("HB", benchmark, n_workers=2, random_seed=0)
    assert len(hb.bracket_probabilities) == 3  # rung levels 1, 3, 9


def test_unknown_method():
    with pytest.raises(ValueError, match="'ASHA-PROMO'"):
        run_benchmark("height", ["ASHA-PROMO"])


def test_format_table_orders_by_mode():
    rows = [MethodResult("A", 0.5, 1, {}, 3, 3, 9, 1.0, "a"), MethodResult("B", 0.9, 2, {}, 4, 4, 12, 1.0, "b"),
            MethodResult("C", None, None, None, 0, 0, 0, 0.0, None, error="missing extra")]
    table = format_table(rows, "accuracy", "max").splitlines()
    assert table[0].split()[:3] == ["method", "best", "accuracy"]
    assert [line.split()[0] for line in table[2:5]] == ["B", "A", "C"]
    assert table[-1] == "C did not run: missing extra"
    assert [line.split()[0] for line in format_table(rows[:2], "loss", "min").splitlines()[2:]] == ["A", "B"]
