"""A launcher written against the original library's public names, run unchanged end to end."""
from __future__ import annotations

import warnings


def test_tutorial_era_launcher_runs_unchanged(_results_root, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from syne_tune.search_space import randint
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import qrandint
    from syne_tune.optimizer.schedulers import FIFOScheduler, MedianStoppingRule
    from syne_tune.tuning_status import print_best_metric_found
    from syne_tune.util import experiment_path, script_height_example_path

    config_space = {"width": qrandint(2, 20, 2), "height": randint(-100, 100), "steps": 5, "sleep_time": 0.02}
    # The same search_options the launcher used with searcher='bayesopt'.
    search_options = {"num_init_random": 4, "opt_verbose": False, "debug_log": False}
    scheduler = MedianStoppingRule(
        FIFOScheduler(config_space, searcher="random", search_options=search_options, metric="mean_loss",
                      mode="min", random_seed=0),
        resource_attr="epoch", grace_population=3)
    tuner = Tuner(trial_backend=LocalBackend(entry_point=str(script_height_example_path())), scheduler=scheduler,
                  stop_criterion=StoppingCriterion(max_num_trials_started=6), n_workers=2, sleep_time=0.05)
    tuner.run()
    assert tuner.tuner_path == experiment_path(tuner.name) and (tuner.tuner_path / "results.csv.zip").exists()
    frame = tuner.tuning_status.get_dataframe()
    assert len(frame) >= 6 and all(w % 2 == 0 for w in frame["width"])
    trial_id, best = print_best_metric_found(tuner.tuning_status, scheduler.metric_names(), "min")
    assert best <= frame["mean_loss"].min()      # best over all reports; the frame holds the last ones
    assert f"mean_loss: best {best} for trial-id {trial_id}" in capsys.readouterr().out
