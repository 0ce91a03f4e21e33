"""A mistake in the training script or the scheduler's arguments ends the run early, with the fix.

Real LocalBackend processes: a script that prints its loss instead of reporting it, and a
HyperbandScheduler whose resource_attr the script never reports.
"""
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler
from syne_tune.progress_text import format_summary
from syne_tune.results_journal import JOURNAL_NAME, read_journal

SCRIPT = str(Path(__file__).parent / "scripts" / "configurable_script.py")
BUDGET = 120  # seconds; every run here must end long before

PRINTING_SCRIPT = textwrap.dedent("""
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument("--x", type=float)
    args, _ = parser.parse_known_args()
    for epoch in range(1, 4):
        print(f"loss={(args.x - 0.3) ** 2 + 1 / epoch}", flush=True)
""")


@pytest.fixture
def printing_script(tmp_path) -> str:
    path = tmp_path / "prints_instead_of_reporting.py"
    path.write_text(PRINTING_SCRIPT)
    return str(path)


def _end_statuses(tuner: Tuner) -> dict[int, str]:
    return {r["trial_id"]: r["status"] for r in read_journal(tuner.tuner_path / JOURNAL_NAME) if r.get("st_event") == "end"}


@pytest.mark.parametrize("max_failures", [1, 100])
def test_a_script_that_never_reports_ends_the_run_with_the_fix(printing_script, max_failures, caplog):
    scheduler = FIFOScheduler({"x": uniform(0, 1)}, metric="loss", mode="min", random_seed=0)
    tuner = Tuner(LocalBackend(printing_script), scheduler, StoppingCriterion(max_wallclock_time=BUDGET),
                  n_workers=2, sleep_time=0.2, max_failures=max_failures, progress="off")
    start = time.perf_counter()
    with caplog.at_level("ERROR"), pytest.raises(ValueError) as raised:
        tuner.run()
    assert time.perf_counter() - start < 30
    message = str(raised.value)
    assert "FIFOScheduler(metric='loss') needs 'loss'" in message
    assert "the script never called Reporter" in message
    assert "from syne_tune import Reporter; report = Reporter(); report(loss=...)" in message
    assert str(tuner.tuner_path) in message
    assert tuner.stopped_early and format_summary(tuner).startswith("Tuning stopped early after")
    # Each trial that ran to its end without a report is Failed: in the backend, journal and tuning status.
    ended = _end_statuses(tuner)
    assert len(ended) >= 2 and set(ended.values()) == {"Failed"}
    for trial_id in ended:
        assert tuner.trial_backend.end_status(trial_id) == "Failed"
        assert tuner.tuning_status.last_trial_status_seen[trial_id] == "Failed"
        assert "ended without a single report" in (tuner.tuner_path / str(trial_id) / "std.err").read_text()
    assert tuner.tuning_status.num_trials_failed == len(ended)
    assert "Trial 0 ended without a single report" in caplog.text and "report(loss=...)" in caplog.text
    # results stay written
    assert (tuner.tuner_path / "metadata.json").exists() and (tuner.tuner_path / "tuner.dill").exists()
    assert "loss=" in (tuner.tuner_path / "0" / "std.out").read_text()


LAUNCHER = textwrap.dedent("""
    import sys
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.baselines import RandomSearch
    tuner = Tuner(LocalBackend(sys.argv[1]), RandomSearch({"x": uniform(0, 1)}, metric="loss"),
                  StoppingCriterion(max_wallclock_time=120), n_workers=2, sleep_time=0.2, tuner_name="never-reports")
    print(tuner.tuner_path, flush=True)
    tuner.run()
""")


def test_a_launcher_whose_script_never_reports_exits_non_zero_well_before_its_budget(printing_script, tmp_path):
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    start = time.perf_counter()
    run = subprocess.run([sys.executable, str(launcher), printing_script], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ))
    assert time.perf_counter() - start < 45
    assert run.returncode != 0
    assert "ValueError" in run.stderr and "never called Reporter" in run.stderr
    path = Path(run.stdout.splitlines()[0])
    assert (path / JOURNAL_NAME).exists() and json.loads((path / "metadata.json").read_text())["metric_names"] == ["loss"]


@pytest.mark.parametrize("max_failures", [1, 100])
def test_a_resource_attr_the_script_never_reports_ends_the_run_naming_both_keys(max_failures):
    space = {"x": uniform(0, 1), "epochs": 30, "sleep": 0.05}
    scheduler = HyperbandScheduler(space, resource_attr="epochs_done", max_t=30, metric="loss", mode="min",
                                   random_seed=0)
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_wallclock_time=BUDGET), n_workers=3,
                  sleep_time=0.2, max_failures=max_failures, progress="off")
    start = time.perf_counter()
    with pytest.raises(ValueError, match="'epochs_done'") as raised:
        tuner.run()
    assert time.perf_counter() - start < 30  # a trial alone runs 30 epochs of 0.05 s
    message = str(raised.value)
    assert message.startswith("HyperbandScheduler(resource_attr='epochs_done') needs 'epochs_done' in every report")
    assert "they reported 'epoch', 'loss', 'text'" in message
    assert "pass resource_attr='epoch' to HyperbandScheduler" in message
    assert "report(loss=..., epochs_done=...)" in message
    results = load_experiment(tuner.name).results
    assert len(results) >= 9 and results.groupby("trial_id")["epoch"].max().max() < 30  # nothing ran to its end
    assert set(_end_statuses(tuner).values()) <= {"Stopped"}  # ended by the tuner, not failed


def test_reports_with_every_required_key_run_to_the_budget_as_before():
    space = {"x": uniform(0, 1), "epochs": 3}
    scheduler = HyperbandScheduler(space, resource_attr="epoch", max_t=3, metric="loss", mode="min", random_seed=0)
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_completed=4), n_workers=3,
                  sleep_time=0.2, progress="off")
    tuner.run()
    assert tuner._rules.report_check is None and tuner._report_error is None  # judged, and dropped
    assert tuner.tuning_status.num_trials_completed >= 5
