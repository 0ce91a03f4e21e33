"""SimulatorBackend through the real Tuner: every scheduler type, pause/resume, checkpoints,
stopping criteria in simulated time, stored results and reproducibility."""
from __future__ import annotations

import time

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.backend.simulator_backend.simulator_backend import SimulatorBackend, SimulatorConfig
from syne_tune.backend.simulator_backend.simulator_callback import SimulatorCallback
from syne_tune.backend.trial_status import Status
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.synthetic import synthetic_multifidelity
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import ASHA, MOBSTER, PASHA, BayesianOptimization, RandomSearch
from syne_tune.optimizer.schedulers import HyperbandScheduler
from syne_tune.optimizer.schedulers.median_stopping_rule import MedianStoppingRule

MAX_T = 9


def _backend(**kwargs):
    return UserBlackboxBackend(synthetic_multifidelity(max_t=MAX_T), elapsed_time_attr="elapsed_time",
                               max_resource_attr="epochs", **kwargs)


def _space():
    return synthetic_multifidelity(max_t=MAX_T).configuration_space_with_max_resource_attr("epochs")


def _common(**kwargs):
    return dict(metric="loss", mode="min", random_seed=3, **kwargs)


SCHEDULERS = {
    "RS": lambda: RandomSearch(_space(), **_common()),
    "BO": lambda: BayesianOptimization(_space(), **_common()),
    "ASHA": lambda: ASHA(_space(), resource_attr="epoch", max_resource_attr="epochs", **_common()),
    "ASHA-PROM": lambda: ASHA(_space(), resource_attr="epoch", max_resource_attr="epochs", type="promotion",
                              **_common()),
    "PASHA": lambda: PASHA(_space(), resource_attr="epoch", max_resource_attr="epochs", **_common()),
    "HB": lambda: HyperbandScheduler(_space(), resource_attr="epoch", max_resource_attr="epochs", brackets=3,
                                     searcher="random", **_common()),
    "MOBSTER": lambda: MOBSTER(_space(), resource_attr="epoch", max_resource_attr="epochs", **_common()),
    "MSR": lambda: MedianStoppingRule(RandomSearch(_space(), **_common()), resource_attr="epoch"),
}


def _run(scheduler, stop=None, n_workers=3, backend=None, **kwargs):
    tuner = Tuner(backend or _backend(), scheduler, stop or StoppingCriterion(max_num_trials_started=12),
                  n_workers=n_workers, callbacks=[SimulatorCallback()], progress="off", **kwargs)
    tuner.run()
    return tuner


def _runs_of(df):
    """{trial_id: list of epochs reported, in order}."""
    return {trial_id: group["epoch"].tolist() for trial_id, group in df.groupby("trial_id")}


@pytest.mark.parametrize("method", sorted(SCHEDULERS))
def test_every_scheduler_type_runs_in_simulated_time(method):
    start = time.perf_counter()
    tuner = _run(SCHEDULERS[method](), sleep_time=5.0)
    assert time.perf_counter() - start < 30  # the tuner never sleeps its 5 s
    df = load_experiment(tuner.name).results
    assert tuner.tuning_status.num_trials_started == 13  # the criterion is strict: 13 > 12 trials
    assert 6 <= df["trial_id"].nunique() <= 13  # the last ones may end before reporting
    for trial_id, epochs in _runs_of(df).items():  # each epoch once, in order, also across resumes
        assert epochs == list(range(1, len(epochs) + 1)), (trial_id, epochs)
    times = df["st_tuner_time"].to_numpy()
    assert (times[1:] >= times[:-1]).all() and times[-1] == pytest.approx(tuner.tuning_status.wallclock_time)
    assert df["st_worker_timestamp"].is_monotonic_increasing  # simulated-time order across workers
    # Simulated time: at least one trial's worth of simulated epochs (0.5 s to 1.5 s each).
    assert times[-1] > 0.5


def test_promotion_resumes_from_the_resource_reached_and_pays_only_for_new_epochs():
    tuner = _run(SCHEDULERS["ASHA-PROM"](), stop=StoppingCriterion(max_num_trials_started=20))
    df = load_experiment(tuner.name).results
    resumed = [t for t, group in df.groupby("trial_id") if (group["st_decision"] == "PAUSE").any()
               and group["epoch"].max() > group.loc[group["st_decision"] == "PAUSE", "epoch"].min()]
    assert resumed, "ASHA promotion resumed no trial"
    for trial_id in resumed:
        group = df[df["trial_id"] == trial_id]
        assert group["epoch"].tolist() == list(range(1, len(group) + 1))
        paused_at = group.loc[group["st_decision"] == "PAUSE", "epoch"].min()
        after = group[group["epoch"] == paused_at + 1]["elapsed_time"].iloc[0]
        seconds_per_epoch = 0.5 + group["config_x1"].iloc[0]
        assert after == pytest.approx(seconds_per_epoch)  # elapsed restarts with the resumed run


def test_start_from_another_trials_checkpoint_continues_after_its_resource():
    backend = _backend(simulator_config=SimulatorConfig(0, 0, 0))
    config = {"x0": 0.2, "x1": 0.5, "x2": 0.5, "epochs": MAX_T}
    backend.start_trial(config)
    for _ in range(3):
        backend.wait(1.0)
    _, reports = backend.fetch_status_results([0])
    assert [r["epoch"] for _, r in reports] == [1, 2, 3]
    backend.pause_trial(0)
    new = backend.start_trial(dict(config, x1=0.25), checkpoint_trial_id=0)
    backend.wait(1.0)
    _, reports = backend.fetch_status_results([new.trial_id])
    assert [r["epoch"] for _, r in reports] == [4]
    assert reports[0][1]["elapsed_time"] == pytest.approx(0.75)  # one epoch of the new config
    assert backend.time() == pytest.approx(3 * 1.0 + 0.75)


def test_max_wallclock_time_counts_simulated_seconds():
    stop = StoppingCriterion(max_wallclock_time=200.0)
    start = time.perf_counter()
    tuner = _run(SCHEDULERS["ASHA"](), stop=stop)
    assert time.perf_counter() - start < 20
    df = load_experiment(tuner.name).results
    assert 150 < tuner.tuning_status.wallclock_time < 205
    assert df["st_tuner_time"].max() <= tuner.tuning_status.wallclock_time


def test_results_are_stored_like_a_real_run_and_the_tuner_reloads():
    tuner = _run(SCHEDULERS["ASHA"]())
    path = tuner.tuner_path
    assert {"journal.jsonl", "results.csv.zip", "tuner.dill", "metadata.json"} <= {p.name for p in path.iterdir()}
    experiment = load_experiment(tuner.name, load_tuner=True)
    assert experiment.metadata["backend"] == "UserBlackboxBackend"
    assert experiment.tuner.trial_backend.time() == pytest.approx(tuner.tuning_status.wallclock_time)
    assert experiment.best_config()["trial_id"] == tuner.best_trial()[0]


def test_the_same_seed_gives_the_same_results():
    frames = []
    for _ in range(2):
        tuner = _run(SCHEDULERS["ASHA-PROM"](), stop=StoppingCriterion(max_wallclock_time=100.0))
        df = load_experiment(tuner.name).results
        frames.append(df.drop(columns=[c for c in df.columns if c == "st_worker_time"]))
    assert frames[0].equals(frames[1])


def test_a_config_the_blackbox_cannot_answer_fails_its_trial_only():
    class Broken(SimulatorBackend):
        def _evaluate(self, trial_id, config, checkpoint):
            if config["x0"] > 0.5:
                raise RuntimeError("no table entry")
            return [{"loss": config["x0"], "t": 1.0}]

    scheduler = RandomSearch(_space(), **_common())
    tuner = _run(scheduler, backend=Broken("t"), max_failures=100)
    status = tuner.tuning_status.last_trial_status_seen
    failed = [t for t, s in status.items() if s == Status.failed]
    assert failed and len(failed) < len(status)
    assert "no table entry" in "".join(tuner.trial_backend.stderr(failed[0]))


def test_simulator_callback_needs_a_simulated_backend(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("print('hello')\n")
    tuner = Tuner(LocalBackend(str(script)), RandomSearch(_space(), **_common()),
                  StoppingCriterion(max_num_trials_started=1), n_workers=1, callbacks=[SimulatorCallback()],
                  progress="off")
    with pytest.raises(ValueError, match="SimulatorCallback needs a simulated backend"):
        tuner.run()


def test_bad_delays_are_refused():
    with pytest.raises(ValueError, match="'delay_start' argument of SimulatorConfig"):
        SimulatorConfig(delay_start=-1)
    with pytest.raises(ValueError, match="delay_on_trial_result"):
        SimulatorConfig(delay_on_trial_result=1.0, delay_complete_after_final_report=0.5)


def test_a_loaded_simulated_experiment_continues_on_its_clock_and_keeps_every_report(caplog):
    tuner = _run(SCHEDULERS["ASHA-PROM"](), stop=StoppingCriterion(max_wallclock_time=150.0), n_workers=4)
    assert 150 < tuner.tuning_status.wallclock_time < 152
    loaded = Tuner.load(tuner.tuner_path)
    loaded.stop_criterion = StoppingCriterion(max_wallclock_time=300.0)
    with caplog.at_level("WARNING"):
        loaded.run()
    assert "without a single report" not in caplog.text
    assert 300 < loaded.tuning_status.wallclock_time < 302
    df = load_experiment(tuner.name).results
    assert df["st_tuner_time"].max() > 250
    for trial_id, epochs in _runs_of(df).items():  # restarted trials continue from their checkpoints
        assert epochs == list(range(1, len(epochs) + 1)), (trial_id, epochs)


def test_reports_delivered_with_the_end_of_a_run_are_read_before_it_counts_as_ended():
    backend = _backend(simulator_config=SimulatorConfig(0.0, 0.0, 0.0))  # last report and end at the same time
    backend.start_trial({"x0": 0.2, "x1": 0.5, "x2": 0.5, "epochs": 1})
    backend.wait(1.0)
    statuses, reports = backend.fetch_status_results([0])
    assert statuses[0][1] == Status.in_progress and [r["epoch"] for _, r in reports] == [1]
    now = backend.time()
    backend.wait(1.0)  # the tuner has not seen the end yet: the clock holds
    assert backend.time() == now
    statuses, reports = backend.fetch_status_results([0])
    assert statuses[0][1] == Status.completed and reports == []
    # stop_all collects a delivered but unread report instead of dropping it
    backend.start_trial({"x0": 0.2, "x1": 0.5, "x2": 0.5, "epochs": 1})
    backend.wait(1.0)
    assert [r["epoch"] for r in backend.stop_all()[1]] == [1]


class _SameLength(SimulatorBackend):
    """Every trial reports at 1 s and 2 s of its run: all workers become free at once."""

    def _evaluate(self, trial_id, config, checkpoint):
        return [{"epoch": epoch, "loss": config["x0"] + 1.0 / epoch, "t": float(epoch)} for epoch in (1, 2)]


def _journal(tuner) -> list[dict]:
    from syne_tune.results_journal import JOURNAL_NAME, read_journal

    return list(read_journal(tuner.tuner_path / JOURNAL_NAME))


def test_max_num_trials_started_is_checked_before_each_start():
    # Three workers free at the same moment, 12 trials started: the strict '>' allows one more, not three.
    tuner = _run(RandomSearch(_space(), **_common()), stop=StoppingCriterion(max_num_trials_started=12),
                 backend=_SameLength("t"))
    starts = [r for r in _journal(tuner) if r.get("st_event") == "start"]
    assert len(starts) == 13 and len(tuner.trial_backend.trial_ids) == 13
    assert tuner.tuning_status.num_trials_started == 13


@pytest.mark.parametrize("limit", ["max_num_trials_completed", "max_num_trials_finished"])
def test_no_trial_starts_once_a_completed_or_finished_limit_is_exceeded(limit):
    stop = StoppingCriterion(**{limit: 4})
    tuner = _run(RandomSearch(_space(), **_common()), stop=stop, backend=_SameLength("t"))
    ended, starts_after = 0, 0
    for record in _journal(tuner):
        if record.get("st_event") == "end" and record["status"] == Status.completed:
            ended += 1
        elif record.get("st_event") == "start" and ended > 4:
            starts_after += 1
    assert ended >= 5 and starts_after == 0
    assert len(tuner.trial_backend.trial_ids) == 6  # two rounds of three, all ending together


@pytest.mark.parametrize("method", ["RS", "ASHA-PROM"])
def test_no_report_past_the_time_budget_is_delivered_stored_or_counted(method):
    budget = 37.0
    tuner = _run(SCHEDULERS[method](), stop=StoppingCriterion(max_wallclock_time=budget))
    assert tuner.tuning_status.wallclock_time > budget  # the clock passed the budget: the run ended
    df = load_experiment(tuner.name).results
    assert df["st_tuner_time"].max() <= budget and df["st_worker_timestamp"].max() <= budget
    status = tuner.tuning_status
    assert status.overall_metric_statistics.count == len(df)
    assert {t: s.count for t, s in status.trial_metric_statistics.items()} == df.groupby("trial_id").size().to_dict()
    best_id, best_value = tuner.best_trial()
    assert best_value == df["loss"].min() and best_id == df.loc[df["loss"].idxmin(), "trial_id"]


def test_a_simulated_trial_without_reports_fails_and_counts_toward_max_failures():
    class Silent(SimulatorBackend):
        def _evaluate(self, trial_id, config, checkpoint):
            return []

    tuner = Tuner(Silent("t"), RandomSearch(_space(), **_common()), StoppingCriterion(max_num_trials_started=20),
                  n_workers=1, max_failures=3, progress="off")
    with pytest.raises(ValueError, match="never called Reporter"):
        tuner.run()
    assert tuner.tuning_status.num_trials_failed == 1  # n_workers=1: the first trial is enough to judge
    assert tuner.trial_backend.end_status(0) == Status.failed
