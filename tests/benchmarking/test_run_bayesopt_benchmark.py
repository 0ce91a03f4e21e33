"""The bayesopt benchmark's protocol: the Tuner in simulated time, trials completing oldest first."""
from __future__ import annotations

import numpy as np

from benchmarking.scripts.run_bayesopt_benchmark import hartmann6_with_nan_region, main, problem, run
from syne_tune.blackbox_repository.synthetic import hartmann6


def test_every_suggestion_after_the_first_workers_sees_workers_minus_one_pending():
    regret, wall, cpu, observed = run(problem("hartmann6"), "random", seed=3, num_evaluations=20, workers=4)
    assert regret.shape == wall.shape == cpu.shape == observed.shape == (20,)
    # suggestion k (k >= 4) is made once k - 3 trials completed: 3 are still pending
    np.testing.assert_array_equal(observed, [0, 0, 0, 0] + list(range(1, 17)))
    assert np.all(np.diff(regret) <= 0) and regret[-1] > 0


def test_regret_is_best_so_far_of_the_trials_in_start_order():
    """Oldest-first completion: evaluation k is trial k; random search draws the same configs
    whatever the number of workers, so the regret curves agree."""
    sequential = run(problem("hartmann6"), "random", seed=5, num_evaluations=12, workers=1)[0]
    parallel = run(problem("hartmann6"), "random", seed=5, num_evaluations=12, workers=3)[0]
    np.testing.assert_array_equal(sequential, parallel)
    maximized = run(problem("hartmann6"), "random", seed=5, num_evaluations=12, workers=3, mode="max")[0]
    np.testing.assert_allclose(maximized, sequential)


def test_bayesopt_with_workers_beats_its_first_random_configs():
    regret, _, _, observed = run(problem("branin"), "bayesopt", seed=0, num_evaluations=16, workers=2)
    np.testing.assert_array_equal(observed, [0, 0] + list(range(1, 15)))
    assert regret[-1] < regret[4]


def test_nan_values_never_count_as_best():
    nan_problem = hartmann6_with_nan_region()
    config = {f"x{i}": 0.7 for i in range(6)}   # x1 > 0.6: NaN
    assert np.isnan(nan_problem.blackbox.objective_function(config)["value"])
    assert nan_problem.blackbox.objective_function(dict(config, x1=0.1))["value"] == \
        hartmann6().objective_function(dict(config, x1=0.1))["value"]
    regret = run(nan_problem, "bayesopt", seed=1, num_evaluations=12, workers=2,
                 search_options={"non_finite": "drop"})[0]
    assert np.all(np.isfinite(regret[~np.isnan(regret)])) and np.isfinite(regret[-1])


def test_main_prints_quartiles(capsys):
    main(["--seeds", "1", "--evaluations", "30", "--functions", "branin", "--workers", "2",
          "--timing-evaluations", "0"])
    out = capsys.readouterr().out
    assert "branin     workers=2 bayesopt @30:" in out and "random" in out
