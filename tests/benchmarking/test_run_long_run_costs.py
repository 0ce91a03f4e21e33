"""The long-run cost benchmark runs and prints one row per window; the Tuner keeps no per-trial
cache of ended trials (what would make memory grow with the run)."""
from __future__ import annotations

from benchmarking.scripts.run_long_run_costs import main, run


def test_prints_a_row_per_window(capsys):
    assert main(["--trials", "300", "--window", "100"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["trials", "ms", "per", "trial", "resident", "MB", "heap", "MB"]
    rows = [line.split() for line in lines[2:5]]
    started = [int(row[0]) for row in rows]  # each row once its window is full (starts come in batches)
    assert len(started) == 3 and started == sorted(started) and 100 <= started[0] < 200 and started[-1] == 300
    assert all(float(value) >= 0 for row in rows for value in row[1:3]) and all(float(row[1]) > 0 for row in rows)
    assert lines[5].startswith("The Tuner saved tuner.dill 2 times")  # when run() began and ended, never between
    assert lines[6].startswith("Resume from the tuner.dill of the run's beginning") and "journal lines" in lines[6]


def test_the_tuner_forgets_the_caches_of_ended_trials():
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.blackbox_repository import UserBlackboxBackend
    from syne_tune.blackbox_repository.synthetic import synthetic_multifidelity
    from syne_tune.optimizer.baselines import RandomSearch

    box = synthetic_multifidelity()
    space = dict(box.configuration_space_with_max_resource_attr("epochs"), epochs=1)
    from syne_tune.tuner_callback import TunerCallback

    class CacheSizes(TunerCallback):  # the per-trial caches, as the run ends
        def on_tuning_start(self, tuner):
            self.tuner = tuner

        def on_tuning_end(self):
            recorder = self.tuner._recorder
            self.sizes = [len(recorder._columns), len(recorder._row_fields), len(self.tuner._rules.last_results)]

    sizes = CacheSizes()
    tuner = Tuner(UserBlackboxBackend(box, "elapsed_time", max_resource_attr="epochs"),
                  RandomSearch(space, metric="loss", mode="min", random_seed=0),
                  StoppingCriterion(max_num_trials_started=199), n_workers=4, progress="off", callbacks=[sizes])
    tuner.run()
    assert tuner.tuning_status.num_trials_started == 200
    assert max(sizes.sizes) <= 4, sizes.sizes  # at most the trials running at the end


def test_run_on_real_processes_reports_windows():
    rows, (saves, _), (_, lines), _ = run(trials=12, window=6, backend="local")
    assert saves == 2 and lines > 24
    assert len(rows) == 2 and 6 <= rows[0][0] < 12 and rows[-1][0] == 12
