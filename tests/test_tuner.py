"""End-to-end runs of the Tuner: LocalBackend with real trial processes, and a few simulated runs."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import choice, uniform
from syne_tune.experiments import list_experiments, load_experiment
from syne_tune.optimizer.scheduler import SchedulerDecision, TrialScheduler, TrialSuggestion
from syne_tune.optimizer.schedulers import FIFOScheduler

SCRIPT = str(Path(__file__).parent / "scripts" / "configurable_script.py")


def _tuner(space, stop, n_workers=4, **kwargs):
    scheduler = FIFOScheduler(space, metric="loss", mode="min", random_seed=0)
    return Tuner(LocalBackend(SCRIPT), scheduler, stop, n_workers=n_workers, sleep_time=0.5,
                 results_update_interval=0.5, **kwargs)


def test_random_search_end_to_end_stores_results(_results_root):
    tuner = _tuner({"x": uniform(0, 1), "epochs": 3}, StoppingCriterion(max_num_trials_completed=7),
                   tuner_name="e2e-random", metadata={"purpose": "test"})
    tuner.run()
    path = tuner.tuner_path
    assert path.parent == _results_root and tuner.name.startswith("e2e-random-")
    assert {"metadata.json", "results.csv.zip", "tuner.dill", "0"} <= {p.name for p in path.iterdir()}
    assert {"config.json", "std.out", "std.err"} <= {p.name for p in (path / "0").iterdir()}
    metadata = json.loads((path / "metadata.json").read_text())
    assert metadata["purpose"] == "test" and metadata["metric_names"] == ["loss"]
    assert metadata["scheduler_name"] == "FIFOScheduler" and metadata["entrypoint"] == "configurable_script"
    assert metadata["searcher"] == "RandomSearcher"
    assert metadata["search_options"] == {"debug_log": True, "allow_duplicates": False}
    results = pd.read_csv(path / "results.csv.zip")
    assert {"loss", "epoch", "trial_id", "st_decision", "st_status", "config_x", "config_epochs",
            "st_tuner_time", "st_worker_timestamp"} <= set(results.columns)
    completed = results.groupby("trial_id")["epoch"].max()
    assert (completed == 3).sum() >= 8  # stops once more than 7 completed
    experiment = load_experiment(tuner.name)
    best = experiment.best_config()
    assert best["loss"] == results["loss"].min() and "config_x" in best
    assert [e.name for e in list_experiments()] == [tuner.name]
    assert Tuner.load(path).name == tuner.name
    assert "evaluations from" in str(experiment)


@pytest.mark.parametrize("hyperband", [False, True])
def test_metadata_records_the_searcher_and_every_search_option(hyperband, _results_root):
    from syne_tune.optimizer.schedulers import HyperbandScheduler

    space = {"x": uniform(0, 1), "epochs": 3}
    options = {"refit_growth": 0.1, "non_finite": "drop", "debug_log": False}
    if hyperband:
        scheduler = HyperbandScheduler(space, searcher="bayesopt", search_options=options, metric="loss",
                                       resource_attr="epoch", max_t=3, random_seed=0)
    else:
        scheduler = FIFOScheduler(space, searcher="bayesopt", search_options=options, metric="loss", random_seed=0)
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_completed=1), n_workers=1)
    metadata = json.loads(json.dumps(tuner.metadata))      # as written to metadata.json
    assert metadata["searcher"] == ("GPMultiFidelitySearcher" if hyperband else "GPFIFOSearcher")
    assert metadata["search_options"]["refit_growth"] == 0.1 and metadata["search_options"]["non_finite"] == "drop"
    assert metadata["search_options"]["copula_targets"] == "finite"                    # defaults too
    assert ("refit_growth_below_init_length" in metadata["search_options"]) == hyperband



def test_exhausted_space_drains_running_trials_and_stops():
    tuner = _tuner({"x": choice([0.1, 0.2, 0.3]), "epochs": 2}, StoppingCriterion(max_wallclock_time=60))
    start = time.time()
    tuner.run()
    assert time.time() - start < 30
    results = load_experiment(tuner.name).results
    assert sorted(results["config_x"].unique()) == [0.1, 0.2, 0.3]
    assert len(results) == 6


def test_missing_metric_fails_that_trial_only(caplog):
    space = {"x": uniform(0, 1), "epochs": 5, "sleep": 0.05, "omit_metric": choice([0, 1])}
    scheduler = FIFOScheduler(space, metric="loss", random_seed=0, points_to_evaluate=[
        {"x": 0.1, "omit_metric": 0}, {"x": 0.2, "omit_metric": 0}, {"omit_metric": 1}])
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_finished=5), n_workers=3,
                  sleep_time=0.2, max_failures=100)
    with caplog.at_level("ERROR"):
        tuner.run()
    assert "Trial 2 reported {'epoch': 1} without 'loss'" in caplog.text
    results = load_experiment(tuner.name).results
    last = results.groupby("trial_id").last()
    assert last.loc[2, "st_status"] == "Failed" and last.loc[2, "epoch"] == 1
    assert (last.loc[last["config_omit_metric"] == 1, "st_status"] == "Failed").all()
    assert (last.loc[[0, 1], "epoch"] == 5).all()
    assert tuner.tuning_status.num_trials_failed == (last["config_omit_metric"] == 1).sum()
    # a failed trial has no process left
    pids = [int(p) for p in (tuner.tuner_path / "2" / "pids.txt").read_text().split()]
    assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in pids)


def test_failing_trials_count_against_max_failures(caplog):
    space = {"x": uniform(0, 1), "epochs": 3, "crash": choice([0, 1])}
    points = [{"crash": 1}, {"crash": 0}, {"crash": 1}, {"crash": 0}]
    scheduler = FIFOScheduler(space, metric="loss", random_seed=0, points_to_evaluate=points)
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_finished=30), n_workers=2,
                  sleep_time=0.2, max_failures=1)
    with caplog.at_level("ERROR"), pytest.raises(RuntimeError, match="max_failures=1"):
        tuner.run()
    assert "simulated failure in epoch 2" in caplog.text
    results = load_experiment(tuner.name).results
    # trials without the crash ran to their end although others failed
    assert (results[results["config_crash"] == 0].groupby("trial_id")["epoch"].max() == 3).any()


def test_synchronous_scheduling_starts_batches():
    tuner = _tuner({"x": uniform(0, 1), "epochs": 2, "sleep": choice([0.0, 0.3])},
                   StoppingCriterion(max_num_trials_completed=5), n_workers=3, asynchronous_scheduling=False)
    tuner.run()
    results = load_experiment(tuner.name).results
    first = results.groupby("trial_id")["st_worker_timestamp"].agg(["min", "max"])
    assert list(first.index) == [0, 1, 2, 3, 4, 5]
    assert first.loc[[3, 4, 5], "min"].min() > first.loc[[0, 1, 2], "max"].max()


def test_bad_tuner_arguments_are_named():
    backend = LocalBackend(SCRIPT)
    scheduler = FIFOScheduler({"x": uniform(0, 1)}, metric="loss")
    with pytest.raises(ValueError, match="n_workers"):
        Tuner(backend, scheduler, StoppingCriterion(), n_workers=0)
    with pytest.raises(ValueError, match="tuner_name"):
        Tuner(backend, scheduler, StoppingCriterion(), n_workers=1, tuner_name="bad name")
    with pytest.raises(ValueError, match="scheduler"):
        Tuner(backend, "fifo", StoppingCriterion(), n_workers=1)


LAUNCHER = textwrap.dedent("""
    import sys
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.backend import LocalBackend
    from syne_tune.config_space import uniform
    from syne_tune.optimizer.schedulers import FIFOScheduler
    space = {"x": uniform(0, 1), "epochs": 10000, "sleep": 0.05, "spawn_child": 1}
    tuner = Tuner(LocalBackend(sys.argv[1]), FIFOScheduler(space, metric="loss"),
                  StoppingCriterion(max_wallclock_time=120), n_workers=2, sleep_time=0.2,
                  tuner_name="sigterm")
    print(tuner.tuner_path, flush=True)
    tuner.run()
""")


def test_sigterm_ends_every_trial_process_and_saves_results(tmp_path, _results_root):
    launcher = tmp_path / "launcher.py"
    launcher.write_text(LAUNCHER)
    process = subprocess.Popen([sys.executable, str(launcher), SCRIPT], stdout=subprocess.PIPE, text=True,
                               stderr=subprocess.DEVNULL, env=dict(os.environ))
    path = Path(process.stdout.readline().strip())
    deadline = time.time() + 30
    while time.time() < deadline and not all((path / str(t) / "pids.txt").exists() for t in (0, 1)):
        time.sleep(0.1)
    time.sleep(1.0)
    pids = [int(p) for t in (0, 1) for p in (path / str(t) / "pids.txt").read_text().split()]
    assert len(pids) == 4
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    time.sleep(0.2)
    alive = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert alive == []
    results = pd.read_csv(path / "results.csv.zip")
    assert len(results) > 0 and (path / "tuner.dill").exists()


@pytest.mark.parametrize("name", ["sleep_time", "results_update_interval", "print_update_interval"])
def test_non_finite_intervals_are_refused(name):
    scheduler = FIFOScheduler({"x": uniform(0, 1)}, metric="loss")
    with pytest.raises(ValueError, match=name):
        Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(), n_workers=1, **{name: float("inf")})


def test_tuner_dill_falls_back_to_dill_for_what_only_dill_can_pickle(tmp_path):
    from syne_tune.tuner_callback import StoreResultsCallback, TunerCallback

    class CountingCallback(TunerCallback):  # a local class: the standard library cannot pickle it
        def __init__(self):
            self.results = 0

        def on_trial_result(self, trial, status, result, decision) -> None:
            self.results += 1

    tuner = _tuner({"x": uniform(0, 1), "epochs": 2}, StoppingCriterion(max_num_trials_completed=1), n_workers=2,
                   callbacks=[StoreResultsCallback(), CountingCallback()])
    tuner.run()
    assert b"dill._dill" in (tuner.tuner_path / "tuner.dill").read_bytes()  # dill rebuilds the local class
    loaded = Tuner.load(tuner.tuner_path)
    assert loaded.callbacks[1].results == tuner.callbacks[1].results > 0
    plain = _tuner({"x": uniform(0, 1), "epochs": 1}, StoppingCriterion(max_num_trials_completed=0), n_workers=1)
    plain.run()
    assert b"dill._dill" not in (plain.tuner_path / "tuner.dill").read_bytes()  # the standard library's pickle
    assert Tuner.load(plain.tuner_path).name == plain.name


def test_paused_trial_whose_late_reports_reach_max_t_ends_completed():
    # A trial prints every epoch at once (as a fast script does before a pause reaches it): its
    # first report is paused at rung 1, the later ones reach max_t, so it is done: Completed.
    from syne_tune.backend.simulator_backend import SimulatorBackend
    from syne_tune.optimizer.schedulers import HyperbandScheduler

    class AllEpochsAtOnce(SimulatorBackend):
        def _evaluate(self, trial_id, config, checkpoint):
            start = checkpoint["epoch"] if checkpoint else 0
            return [{"epoch": epoch, "loss": config["x"] / epoch, "t": 1.0} for epoch in range(start + 1, 10)]

    scheduler = HyperbandScheduler({"x": uniform(0, 1)}, metric="loss", mode="min", resource_attr="epoch", max_t=9,
                                   grace_period=1, reduction_factor=3, type="promotion", random_seed=0)
    tuner = Tuner(AllEpochsAtOnce("t"), scheduler, StoppingCriterion(max_wallclock_time=5.0), n_workers=1,
                  progress="off")
    tuner.run()
    results = load_experiment(tuner.name).results
    first = results[results["trial_id"] == 0]
    assert list(first["st_decision"])[:1] == ["PAUSE"] and first["epoch"].max() == 9
    assert list(first["st_status"])[-1] == "Completed"
    assert tuner.tuning_status.last_trial_status_seen[0] == "Completed"
    assert tuner.trial_backend.end_status(0) == "Completed"
    assert scheduler.trial_status(0) == "done"


def test_killed_bayesopt_experiment_resumes_with_every_observation_replayed(tmp_path):
    # tuner.dill is from an early moment (as after a SIGKILL); the journal holds the rest, which
    # the loaded GP searcher must learn from before it suggests anything new.
    from syne_tune.blackbox_repository import BlackboxRepositoryBackend
    from syne_tune.optimizer.baselines import BayesianOptimization
    from syne_tune.tuner_callback import TunerCallback

    class SnapshotAfterSixTrials(TunerCallback):
        def on_tuning_start(self, tuner):
            self.tuner, self.known = tuner, None

        def on_loop_end(self):  # where the Tuner saves its own snapshots
            if self.known is None and self.tuner.tuning_status.num_trials_completed >= 6:
                self.tuner.save(tmp_path)
                self.known = set(self.tuner.trial_backend.trial_ids)

    space = {f"x{i}": uniform(0, 1) for i in range(6)}
    scheduler = BayesianOptimization(space, metric="value", mode="min", random_seed=0)
    snapshot = SnapshotAfterSixTrials()
    tuner = Tuner(BlackboxRepositoryBackend("hartmann6", "elapsed_time"), scheduler,
                  StoppingCriterion(max_num_trials_completed=12), n_workers=2, progress="off", callbacks=[snapshot])
    tuner.run()
    assert tuner.scheduler.searcher.dataset_size() >= 12
    # Trials started after the snapshot are unknown to the saved scheduler: the replay asks the
    # seeded GP searcher again, which suggests their configs again and so learns from them too.
    unknown = set(tuner.trial_backend.trial_ids) - snapshot.known
    assert unknown
    (tmp_path / "tuner.dill").replace(tuner.tuner_path / "tuner.dill")

    loaded = Tuner.load(tuner.tuner_path)
    assert loaded.scheduler.searcher.dataset_size() < 12  # the early state
    loaded.stop_criterion = StoppingCriterion(max_num_trials_completed=20)
    loaded.run()
    results = load_experiment(tuner.name).results
    status = loaded.tuning_status.last_trial_status_seen
    completed = {trial_id for trial_id, s in status.items() if s == "Completed"}
    assert len(completed) >= 20
    # replayed (those running at the snapshot and those started after it) and new ones, once each
    assert loaded.scheduler.searcher.dataset_size() == len(completed)
    assert not [t for t in unknown if status[t] == "Stopped"]
    trial_ids = sorted(results["trial_id"].unique())
    assert trial_ids == list(range(len(trial_ids)))
    assert all(len(rows[[f"config_x{i}" for i in range(6)]].drop_duplicates()) == 1
               for _, rows in results.groupby("trial_id"))


class ScriptedScheduler(TrialScheduler):
    """Suggests ``answers`` in order (a dict starts a trial with it, an int resumes that trial),
    pauses each trial at its first report, and notes the trials it is told failed."""

    def __init__(self, answers: list):
        super().__init__({"x": uniform(0, 1), "epochs": 3, "sleep": 0.0})
        self.answers, self.failed, self.paused = list(answers), [], False

    def _suggest(self, trial_id):
        if not self.answers:
            return None
        answer = self.answers.pop(0)
        if isinstance(answer, int):
            return TrialSuggestion.resume_suggestion(answer)
        return TrialSuggestion.start_suggestion(answer)

    def on_trial_result(self, trial, result):
        if trial.trial_id == 0 and not self.paused:
            self.paused = True
            return SchedulerDecision.PAUSE
        return SchedulerDecision.CONTINUE

    def on_trial_error(self, trial):
        self.failed.append(trial.trial_id)

    def metric_names(self):
        return ["loss"]


def _crashed_after_unsaved_event(event: dict, answers_then: list, answers_now: list) -> Tuner:
    """A run that ends with trial 0 paused, whose journal then got ``event`` after its last save,
    loaded with a scheduler that will answer ``answers_now`` (as a crash would leave it)."""
    tuner = Tuner(LocalBackend(SCRIPT), ScriptedScheduler(answers_then),
                  lambda status: status.last_trial_status_seen.get(0) == "Paused", n_workers=1, sleep_time=0.05,
                  progress="off")
    tuner.run()
    with open(tuner.tuner_path / "journal.jsonl", "a") as journal:
        journal.write(json.dumps(event) + "\n")
    loaded = Tuner.load(tuner.tuner_path)
    loaded.scheduler.answers = list(answers_now)
    loaded.stop_criterion = StoppingCriterion(max_num_trials_completed=2)
    return loaded


@pytest.mark.parametrize("answers_now, stopped, failed", [
    ([0, {"x": 0.2}], [], []),  # resumes trial 0 again: the replay matches, trial 0 restarts and completes
    ([{"x": 0.9}, {"x": 0.2}, {"x": 0.3}], [0], [1, 0]),  # starts a trial instead: withdrawn, trial 0 ends
])
def test_replayed_resume_asks_the_scheduler_again(answers_now, stopped, failed, _results_root, caplog):
    config = {"x": 0.1, "epochs": 3, "sleep": 0.0}
    loaded = _crashed_after_unsaved_event({"st_event": "resume", "trial_id": 0, "config": config},
                                          [config], answers_now)
    loaded.run()  # never resumes a trial that runs, never crashes
    status = loaded.tuning_status.last_trial_status_seen
    assert [t for t, s in status.items() if s == "Stopped"] == stopped
    assert loaded.scheduler.failed == failed
    assert loaded.tuning_status.num_trials_completed == 2
    if stopped:
        assert "trial 0 ends Stopped" in caplog.text


@pytest.mark.parametrize("answers_now, stopped, failed", [
    ([{"x": 0.5}, {"x": 0.2}], [], []),  # suggests the journal's config again: trial 1 restarts
    ([{"x": 0.9}, {"x": 0.2}, {"x": 0.3}], [1], [1]),  # another config: withdrawn, trial 1 ends Stopped
    ([0, {"x": 0.2}, {"x": 0.3}], [0, 1], [0]),  # resumes trial 0 instead: withdrawn, trial 0 ends too
])
def test_replayed_start_asks_the_scheduler_again(answers_now, stopped, failed, _results_root):
    config = {"x": 0.1, "epochs": 3, "sleep": 0.0}
    started = {"st_event": "start", "trial_id": 1, "config": {"x": 0.5, "epochs": 3, "sleep": 0.0},
               "checkpoint_trial_id": None}
    loaded = _crashed_after_unsaved_event(started, [config], answers_now)
    loaded.run()
    status = loaded.tuning_status.last_trial_status_seen
    assert sorted(t for t, s in status.items() if s == "Stopped") == stopped
    assert loaded.scheduler.failed == failed
    assert sorted(loaded.trial_backend.trial_ids) == list(range(len(status)))


# -- statuses say what happened (issue 20) -------------------------------------------------------

def test_hyperband_trials_that_reach_max_t_are_completed_whatever_the_timing():
    # The script would run 6 epochs: the STOP at max_t=3 ends it, and means "done".
    from syne_tune.optimizer.schedulers import HyperbandScheduler

    space = {"x": uniform(0, 1), "epochs": 6, "sleep": 0.05}
    scheduler = HyperbandScheduler(space, resource_attr="epoch", max_t=3, grace_period=1, reduction_factor=3,
                                   metric="loss", mode="min", random_seed=0)
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_completed=3), n_workers=3,
                  sleep_time=0.2, progress="off")
    tuner.run()
    results = load_experiment(tuner.name).results
    reached = results.groupby("trial_id")["epoch"].max()
    ended = {r["trial_id"]: r["status"] for r in _journal(tuner) if r.get("st_event") == "end"}
    assert sum(status == "Completed" for status in ended.values()) >= 4
    for trial_id, status in ended.items():
        assert (status == "Completed") == (reached[trial_id] >= 3), (trial_id, status, reached[trial_id])
        assert tuner.tuning_status.last_trial_status_seen[trial_id] == status
        assert tuner.trial_backend.end_status(trial_id) == status
    last = results.groupby("trial_id").last()
    assert (last.loc[last["epoch"] >= 3, "st_status"] == "Completed").all()


def _journal(tuner) -> list[dict]:
    from syne_tune.results_journal import JOURNAL_NAME, read_journal

    return list(read_journal(tuner.tuner_path / JOURNAL_NAME))


def test_the_summary_says_interrupted_after_ctrl_c(caplog):
    from syne_tune.backend.simulator_backend import SimulatorBackend
    from syne_tune.tuner_callback import TunerCallback

    class Endless(SimulatorBackend):
        def _evaluate(self, trial_id, config, checkpoint):
            return [{"loss": config["x"], "t": float(t)} for t in range(1, 1000)]

    class CtrlC(TunerCallback):  # a real SIGINT, as from the keyboard, after a few rounds
        def __init__(self):
            self.rounds = 0

        def on_loop_end(self):
            self.rounds += 1
            if self.rounds == 5:
                os.kill(os.getpid(), signal.SIGINT)

    from syne_tune.tuner_callback import StoreResultsCallback

    tuner = Tuner(Endless("t"), FIFOScheduler({"x": uniform(0, 1)}, metric="loss", random_seed=0),
                  StoppingCriterion(max_wallclock_time=10_000), n_workers=2, progress="lines",
                  callbacks=[StoreResultsCallback(), CtrlC()])
    with caplog.at_level("INFO", logger="syne_tune"), pytest.raises(KeyboardInterrupt):
        tuner.run()
    assert tuner.interrupted
    summaries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Tuning ")]
    assert any(m.startswith("Tuning interrupted after") for m in summaries)
    assert not any(m.startswith("Tuning finished") for m in summaries)


def test_load_takes_an_experiment_name_or_folder_and_names_what_is_missing(_results_root):
    tuner = _tuner({"x": uniform(0, 1), "epochs": 1}, StoppingCriterion(max_num_trials_completed=0), n_workers=1,
                   tuner_name="by-name", progress="off")
    tuner.run()
    assert Tuner.load(tuner.name).tuner_path == tuner.tuner_path
    assert Tuner.load(str(tuner.tuner_path)).name == tuner.name
    with pytest.raises(FileNotFoundError) as raised:
        Tuner.load("no-such-experiment")
    message = str(raised.value)
    assert "'tuner_path' argument of Tuner.load" in message and str(_results_root) in message
    assert str(_results_root / "no-such-experiment" / "tuner.dill") in message
    with pytest.raises(FileNotFoundError, match="tuner_path"):
        Tuner.load(_results_root / "missing" / "folder")


# -- the original's later arguments (issue 24) -----------------------------------------------------

def _ten_epoch_backend():
    from syne_tune.backend.simulator_backend import SimulatorBackend

    class TenEpochs(SimulatorBackend):  # one simulated second per epoch
        def _evaluate(self, trial_id, config, checkpoint):
            return [{"epoch": e, "loss": config["x"] + 1.0 / e, "t": float(e)} for e in range(1, 11)]

    return TenEpochs("t")


@pytest.mark.parametrize("wait", [True, False])
def test_wait_trial_completion_when_stopping_lets_running_trials_finish(wait, _results_root):
    tuner = Tuner(_ten_epoch_backend(), FIFOScheduler({"x": uniform(0, 1)}, metric="loss", random_seed=0),
                  StoppingCriterion(max_wallclock_time=15.0), n_workers=3, progress="off",
                  wait_trial_completion_when_stopping=wait)
    tuner.run()
    results = load_experiment(tuner.name).results
    last = results.groupby("trial_id").last()
    assert len(last) == 6  # started at 0 s and 10 s; none once the criterion held
    if wait:
        assert (last["epoch"] == 10).all()
        assert set(tuner.tuning_status.last_trial_status_seen.values()) == {"Completed"}
        assert tuner.tuning_status.wallclock_time >= 20.0
    else:
        assert (last["epoch"] < 10).sum() == 3
        assert set(tuner.tuning_status.last_trial_status_seen.values()) == {"Completed", "Stopped"}


def test_save_tuner_false_writes_no_tuner_dill_and_load_says_why(_results_root):
    tuner = Tuner(_ten_epoch_backend(), FIFOScheduler({"x": uniform(0, 1)}, metric="loss", random_seed=0),
                  StoppingCriterion(max_num_trials_completed=2), n_workers=2, progress="off", save_tuner=False)
    tuner.run()
    assert not (tuner.tuner_path / "tuner.dill").exists()
    assert len(load_experiment(tuner.name).results) >= 20  # the results are all there
    with pytest.raises(FileNotFoundError, match="save_tuner=False"):
        Tuner.load(tuner.tuner_path)
    with pytest.raises(FileNotFoundError, match="save_tuner=False"):
        Tuner.load(tuner.name)


@pytest.mark.parametrize("name", ["wait_trial_completion_when_stopping", "save_tuner"])
def test_the_later_flags_must_be_bools(name):
    with pytest.raises(ValueError, match=f"'{name}' argument of Tuner"):
        Tuner(_ten_epoch_backend(), FIFOScheduler({"x": uniform(0, 1)}, metric="loss"),
              StoppingCriterion(max_num_trials_completed=1), n_workers=1, **{name: "yes"})
