"""AskTellScheduler drives every scheduler family without a Tuner, and decides as a Tuner run does."""
from __future__ import annotations

import math

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend import SimulatorBackend, SimulatorConfig
from syne_tune.config_space import choice, randint, uniform
from syne_tune.optimizer.baselines import ASHA, KDE, PBT, BayesianOptimization, RandomSearch
from syne_tune.optimizer.scheduler import SchedulerDecision
from syne_tune.optimizer.schedulers.ask_tell_scheduler import AskTellScheduler
from syne_tune.optimizer.schedulers.multiobjective.moasha import MOASHA
from syne_tune.tuner_callback import TunerCallback

C, P, S = SchedulerDecision.CONTINUE, SchedulerDecision.PAUSE, SchedulerDecision.STOP
SPACE = {"x": uniform(-2.0, 2.0), "y": randint(0, 4), "epochs": 9}


def loss(config: dict, epoch: int = 9) -> float:
    """Lower for x near 0.5 and more epochs."""
    return (config["x"] - 0.5) ** 2 + 0.1 * config["y"] + 1.0 / epoch


def test_random_search_asks_tells_and_finds_the_best_trial():
    scheduler = AskTellScheduler(RandomSearch({"x": uniform(-2.0, 2.0), "y": randint(0, 4)}, metric="loss",
                                              random_seed=1))
    for _ in range(10):
        trial = scheduler.ask()
        assert scheduler.tell(trial, {"loss": loss(trial.config)}) == C
    assert scheduler.trial_counter == 10 and len(scheduler.completed_experiments) == 10
    best = scheduler.best_trial("loss")
    assert best.metrics[0]["loss"] == min(loss(t.config) for t in scheduler.trials.values())
    table = scheduler.dataframe()
    assert list(table["trial_id"]) == list(range(10))
    assert set(table["st_status"]) == {"Completed"} and "config_x" in table


def test_tell_rejects_unknown_and_ended_trials_and_missing_keys():
    scheduler = AskTellScheduler(ASHA(SPACE, metric="loss", resource_attr="epoch", max_t=9, random_seed=0))
    trial = scheduler.ask()
    with pytest.raises(ValueError, match="without 'epoch'.*resource_attr='epoch'"):
        scheduler.tell(trial, {"loss": 1.0})
    with pytest.raises(ValueError, match="without 'loss'"):
        scheduler.tell(trial, {"epoch": 1})
    with pytest.raises(ValueError, match="ask\\(\\) never returned"):
        scheduler.tell(7, {"loss": 1.0, "epoch": 1})
    scheduler.tell(trial, {"loss": 1.0, "epoch": 1}, done=True)
    with pytest.raises(ValueError, match="Trial 0 is Completed"):
        scheduler.tell(trial, {"loss": 1.0, "epoch": 2})


def test_bayesopt_sees_asked_trials_as_pending_and_learns_from_told_ones():
    base = BayesianOptimization({"x": uniform(-2.0, 2.0), "y": randint(0, 4)}, metric="loss", random_seed=3)
    scheduler = AskTellScheduler(base)
    for _ in range(6):
        trial = scheduler.ask()
        scheduler.tell(trial, {"loss": loss(trial.config)})
    asked = [scheduler.ask() for _ in range(3)]  # none told yet: the GP fantasizes their outcome
    assert set(base.searcher._pending) >= {str(t.trial_id) for t in asked}
    assert len({round(t.config["x"], 6) for t in asked}) == 3  # pending points push the next ones apart
    for trial in asked:
        scheduler.tell(trial, {"loss": loss(trial.config)})
    assert not base.searcher._pending


def test_kde_proposes_from_its_model_after_enough_results():
    scheduler = AskTellScheduler(KDE({"x": uniform(-2.0, 2.0), "y": randint(0, 4)}, metric="loss", random_seed=0))
    for _ in range(30):
        trial = scheduler.ask()
        scheduler.tell(trial, {"loss": loss(trial.config)})
    late = [scheduler.trials[i].config for i in range(20, 30)]
    early = [scheduler.trials[i].config for i in range(0, 10)]
    mean_loss = lambda configs: sum(loss(c) for c in configs) / len(configs)  # noqa: E731
    assert mean_loss(late) < mean_loss(early)


def test_asha_stopping_stops_poor_trials_at_a_rung():
    scheduler = AskTellScheduler(ASHA(SPACE, metric="loss", resource_attr="epoch", max_t=9, grace_period=1,
                                      reduction_factor=3, random_seed=0))
    decisions = {}
    for _ in range(6):
        trial = scheduler.ask()
        for epoch in range(1, 10):
            decision = scheduler.tell(trial, {"epoch": epoch, "loss": loss(trial.config, epoch)})
            if decision != C:
                break
        decisions[trial.trial_id] = (decision, epoch)
    assert any(d == S for d, _ in decisions.values())
    assert any(e == 9 for _, e in decisions.values())
    statuses = {t.status for t in scheduler.trials.values()}
    assert statuses <= {"Stopped", "Completed"} and "Stopped" in statuses
    assert all(scheduler.trials[i].status == "Completed" for i, (d, e) in decisions.items() if e == 9)


def test_asha_promotion_pauses_then_resumes_a_trial_from_its_checkpoint():
    scheduler = AskTellScheduler(ASHA(SPACE, metric="loss", resource_attr="epoch", max_t=9, type="promotion",
                                      grace_period=1, reduction_factor=3, max_resource_attr="epochs",
                                      random_seed=0))
    checkpoints: dict[int, int] = {}  # trial id -> last epoch trained
    resumed = []
    for _ in range(12):
        trial = scheduler.ask()
        if trial.resumed:
            resumed.append((trial.trial_id, checkpoints[trial.trial_id], trial.config["epochs"]))
        start = checkpoints.get(trial.checkpoint_trial_id, 0)
        for epoch in range(start + 1, trial.config["epochs"] + 1):
            checkpoints[trial.trial_id] = epoch
            decision = scheduler.tell(trial, {"epoch": epoch, "loss": loss(trial.config, epoch)})
            if decision != C:
                status = scheduler.trials[trial.trial_id].status
                assert (decision, status) == ((P, "Paused") if epoch < 9 else (S, "Completed"))
                break
    assert resumed, "no paused trial was promoted"
    trial_id, from_epoch, to_epoch = resumed[0]
    assert from_epoch == 1 and to_epoch == 3  # promoted from rung 1 to rung 3
    epochs = list(scheduler.dataframe().query(f"trial_id == {trial_id}")["epoch"])
    assert epochs[:3] == [1, 2, 3]


def test_pbt_stops_the_bottom_and_starts_clones_from_the_top_checkpoints():
    scheduler = AskTellScheduler(PBT({"x": uniform(-2.0, 2.0), "y": randint(0, 4)}, metric="loss", max_t=8,
                                     resource_attr="epoch", population_size=4, perturbation_interval=2,
                                     random_seed=0))
    population = [scheduler.ask() for _ in range(4)]
    clones = []
    epochs = {t.trial_id: 0 for t in population}
    while population:
        trial = population.pop(0)
        epoch = epochs[trial.trial_id] + 1
        epochs[trial.trial_id] = epoch
        decision = scheduler.tell(trial, {"epoch": epoch, "loss": loss(trial.config, epoch)})
        if decision == C and scheduler.trials[trial.trial_id].status == "InProgress":
            population.append(trial)
        elif decision == S:
            new = scheduler.ask()
            assert new.checkpoint_trial_id is not None and new.checkpoint_trial_id != new.trial_id
            clones.append(new)
            epochs[new.trial_id] = epochs[new.checkpoint_trial_id]  # continue from the parent's checkpoint
            population.append(new)
    assert clones, "PBT never replaced a trial"
    assert all(scheduler.trials[c.checkpoint_trial_id].metrics for c in clones)
    assert {t.status for t in scheduler.trials.values()} <= {"Completed", "Stopped"}


def test_multi_objective_moasha_and_random_search_take_every_metric():
    space = {"x": uniform(0.0, 1.0), "epochs": 9}
    scheduler = AskTellScheduler(MOASHA(space, metrics=["a", "b"], mode=["min", "min"], max_t=9, random_seed=0))
    stopped = 0
    for _ in range(8):
        trial = scheduler.ask()
        for epoch in range(1, 10):
            x = trial.config["x"]
            decision = scheduler.tell(trial, {"epoch": epoch, "a": x + 1 / epoch, "b": 1 - x + 1 / epoch})
            if decision != C:
                stopped += 1
                break
    assert stopped > 0
    with pytest.raises(ValueError, match="without 'b'"):
        scheduler.tell(scheduler.ask(), {"epoch": 1, "a": 0.0})
    random = AskTellScheduler(RandomSearch({"x": uniform(0.0, 1.0)}, metric=["a", "b"], mode=["min", "max"],
                                           random_seed=0))
    for _ in range(5):
        trial = random.ask()
        random.tell(trial, {"a": trial.config["x"], "b": trial.config["x"]})
    assert random.best_trial("b").config["x"] == max(t.config["x"] for t in random.trials.values())
    assert random.best_trial("a").config["x"] == min(t.config["x"] for t in random.trials.values())


def test_ask_returns_none_when_the_search_space_is_exhausted_and_failures_are_told():
    from syne_tune.optimizer.baselines import GridSearch

    scheduler = AskTellScheduler(GridSearch({"c": choice(["a", "b"])}, metric="loss", random_seed=0))
    first = scheduler.ask()
    scheduler.tell_failure(first)
    second = scheduler.ask()
    scheduler.tell(second, {"loss": math.nan})
    assert scheduler.ask() is None
    assert scheduler.trials[0].status == "Failed"
    assert scheduler.best_trial() is None  # NaN is never best


def test_save_and_from_file_continue_where_it_left_off(tmp_path):
    scheduler = AskTellScheduler(BayesianOptimization({"x": uniform(-2.0, 2.0)}, metric="loss", random_seed=0))
    for _ in range(3):
        trial = scheduler.ask()
        scheduler.tell(trial, {"loss": trial.config["x"] ** 2})
    loaded = AskTellScheduler.from_file(scheduler.save(tmp_path / "at.dill"))
    assert loaded.ask().config == scheduler.ask().config


# -- ask/tell and a Tuner run make the same decisions ----------------------------------------------

def two_losses(config: dict, epoch: int) -> dict:
    """Two objectives that conflict in x, both lower with more epochs."""
    return {"a": config["x"] + 1.0 / epoch, "b": 2.0 - config["x"] + 0.1 * config["y"] + 1.0 / epoch}


def one_loss(config: dict, epoch: int) -> dict:
    return {"loss": loss(config, epoch)}


class _Epochs(SimulatorBackend):
    """Trials report ``metrics(config, epoch)`` each simulated second, from their checkpoint on."""

    def __init__(self, metrics=one_loss):
        super().__init__("elapsed")
        self.metrics = metrics

    def _evaluate(self, trial_id, config, checkpoint):
        start = checkpoint["epoch"] if checkpoint else 0
        last = config.get("epochs", 9)
        return [{"epoch": e, **self.metrics(config, e), "elapsed": float(e - start)} for e in range(start + 1, last + 1)]


class _Log(TunerCallback):
    def __init__(self):
        self.rows = []

    def on_trial_result(self, trial, status, result, decision):
        self.rows.append((trial.trial_id, result["epoch"], round(trial.config["x"], 12), decision))


def _ask_tell_rows(scheduler, num_starts: int, metrics=one_loss) -> list[tuple]:
    ask_tell = AskTellScheduler(scheduler)
    checkpoints: dict[int, int] = {}
    for _ in range(num_starts):
        trial = ask_tell.ask()
        if trial is None:
            break
        start = checkpoints.get(trial.checkpoint_trial_id, 0)
        for epoch in range(start + 1, trial.config.get("epochs", 9) + 1):
            checkpoints[trial.trial_id] = epoch
            decision = ask_tell.tell(trial, {"epoch": epoch, **metrics(trial.config, epoch)},
                                     done=epoch == trial.config.get("epochs", 9))
            if decision != C:
                break
    return [(row.trial_id, row.epoch, round(row.config_x, 12), row.st_decision)
            for row in ask_tell.dataframe().itertuples()]


def _ask_tell_rows_in_parallel(scheduler, num_starts: int, n_workers: int, metrics=one_loss) -> list[tuple]:
    """As a Tuner with ``n_workers`` on the simulator (default delays of 0.05 s): a run starts 0.05 s
    after it is asked for and reports its k-th epoch at start + k + 0.05; the reports due at the
    same time are told together (in trial order), then free workers are filled; a clone starts from
    the parent's last epoch told."""
    delay = SimulatorConfig().delay_start
    ask_tell = AskTellScheduler(scheduler)
    checkpoints: dict[int, int] = {}
    running: dict[int, list] = {}  # trial id -> [trial, next epoch, run start, epoch it started from]
    now, asked = 0.0, 0
    while True:
        while len(running) < n_workers and asked < num_starts:
            trial = ask_tell.ask()
            if trial is None:
                break
            asked += 1
            start = checkpoints.get(trial.checkpoint_trial_id, 0)
            running[trial.trial_id] = [trial, start + 1, now + delay, start]
        if not running:
            break
        due = {t: run + float(epoch - start) + delay for t, (_, epoch, run, start) in running.items()}
        now = min(due.values())
        for trial_id in sorted(t for t, when in due.items() if when == now):
            trial, epoch, _, _ = running[trial_id]
            last = trial.config.get("epochs", 9)
            checkpoints[trial_id] = epoch
            decision = ask_tell.tell(trial, {"epoch": epoch, **metrics(trial.config, epoch)}, done=epoch == last)
            if decision != C or epoch == last:
                del running[trial_id]
            else:
                running[trial_id][1] = epoch + 1
    return [(row.trial_id, row.epoch, round(row.config_x, 12), row.st_decision)
            for row in ask_tell.dataframe().itertuples()]


SCHEDULERS = {
    "bayesopt": lambda: BayesianOptimization(SPACE, metric="loss", random_seed=5),
    "asha-stopping": lambda: ASHA(SPACE, metric="loss", resource_attr="epoch", max_t=9, random_seed=5),
    "asha-promotion": lambda: ASHA(SPACE, metric="loss", resource_attr="epoch", max_t=9, type="promotion",
                                   max_resource_attr="epochs", random_seed=5),
    "pbt": lambda: PBT(SPACE, metric="loss", resource_attr="epoch", max_t=9, population_size=3,
                       perturbation_interval=2, random_seed=5),
    "moasha": lambda: MOASHA(SPACE, metrics=["a", "b"], mode=["min", "min"], time_attr="epoch", max_t=9,
                             grace_period=1, reduction_factor=3, random_seed=5),
}
METRICS = {"moasha": two_losses}


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_ask_tell_and_a_tuner_run_make_the_same_decisions(name, tmp_path):
    num_starts = 10
    log = _Log()
    metrics = METRICS.get(name, one_loss)
    backend = _Epochs(metrics)
    n_workers = 3 if name == "pbt" else 1  # PBT compares trials that run at the same time
    tuner = Tuner(backend, SCHEDULERS[name](), StoppingCriterion(max_num_trials_started=num_starts - 1),
                  n_workers=n_workers, sleep_time=0, progress="off", callbacks=[log], tuner_name=f"ask-tell-{name}",
                  wait_trial_completion_when_stopping=True)
    tuner.run()
    if n_workers == 1:
        expected = _ask_tell_rows(SCHEDULERS[name](), num_starts=len(_start_events(tuner)), metrics=metrics)
    else:
        expected = _ask_tell_rows_in_parallel(SCHEDULERS[name](), len(_start_events(tuner)), n_workers, metrics)
    assert log.rows == expected
    assert len({row[0] for row in expected}) >= 4
    decisions = {row[3] for row in expected}
    if name == "asha-promotion":
        assert P in decisions
    if name in ("pbt", "moasha", "asha-stopping"):
        assert S in decisions  # the scheduler stopped some trial early: there was a decision to agree on
    if name == "pbt":  # some trial started from another's checkpoint (an exploit), not at epoch 1
        first_epochs = {}
        for trial_id, epoch, _, _ in expected:
            first_epochs.setdefault(trial_id, epoch)
        assert any(epoch > 1 for epoch in first_epochs.values())


def _start_events(tuner) -> list:
    """The starts and resumes of the Tuner's run, from its journal."""
    import json

    lines = (tuner.tuner_path / "journal.jsonl").read_text().splitlines()
    return [line for line in map(json.loads, lines) if line.get("st_event") in ("start", "resume")]
