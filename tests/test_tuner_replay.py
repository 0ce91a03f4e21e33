"""A journal replayed into a fresh scheduler reaches the state the live run reached."""
from __future__ import annotations

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import randint, uniform
from syne_tune.optimizer.schedulers import FIFOScheduler, HyperbandScheduler, PopulationBasedTraining
from syne_tune.results_journal import JOURNAL_NAME, journal_rows, read_journal
from syne_tune.tuner_record import TrialRecorder
from syne_tune.tuner_replay import replay_journal
from syne_tune.tuner_rules import TuningRules
from syne_tune.tuning_status import TuningStatus

SPACE = {"x": uniform(0, 1), "width": randint(1, 10)}


def _objective(config, epoch, seed):
    return {"error": (config["x"] - 0.3) ** 2 + config["width"] / 100 + 1.0 / epoch, "elapsed_time": 5.0 * epoch}


def _backend():
    blackbox = from_function(SPACE, _objective, fidelity_space={"epoch": randint(1, 9)},
                             objectives_names=["error", "elapsed_time"], fidelity_values=list(range(1, 10)))
    return UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time")


SCHEDULERS = {
    "fifo": lambda: FIFOScheduler(SPACE, searcher="random", metric="error", mode="min", random_seed=1),
    "asha-promotion": lambda: HyperbandScheduler(SPACE, type="promotion", resource_attr="epoch", max_t=9,
                                                 grace_period=1, reduction_factor=3, metric="error", mode="min",
                                                 random_seed=1),
    "pbt": lambda: PopulationBasedTraining(SPACE, metric="error", mode="min", resource_attr="epoch", max_t=9,
                                           population_size=4, perturbation_interval=2, random_seed=1),
}


class _Decisions(TrialRecorder):
    """The replay's recorder, keeping (trial id, status, decision) of each report it is given."""

    def __init__(self, status):
        super().__init__(status)
        self.rows = []

    def report(self, trial, status, result, decision):
        self.rows.append((trial.trial_id, status, decision))
        super().report(trial, status, result, decision)


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_a_replayed_journal_reaches_the_live_state(name):
    live = Tuner(_backend(), SCHEDULERS[name](), StoppingCriterion(max_wallclock_time=400), n_workers=3,
                 progress="off")
    live.run()
    journal = live.tuner_path / JOURNAL_NAME
    rows = journal_rows(journal)
    events = [record for record in read_journal(journal) if "st_event" in record]
    if name == "asha-promotion":  # the run paused trials and resumed some
        assert any(row["st_decision"] == "PAUSE" for row in rows) and any(e["st_event"] == "resume" for e in events)
    if name == "pbt":  # the run cloned trials
        assert any(e["st_event"] == "start" and e.get("checkpoint_trial_id") is not None for e in events)

    rules = TuningRules(SCHEDULERS[name](), _backend(), None)
    recorder = _Decisions(TuningStatus(["error"]))
    replay_journal(rules, recorder, journal, start=0)

    # every decision and every status, report by report
    assert recorder.rows == [(row["trial_id"], row["st_status"], row["st_decision"]) for row in rows]
    # the trials' statuses (the live run stopped those still running at its end)
    recorder.tuning_status.mark_running_job_as_stopped()
    assert recorder.tuning_status.last_trial_status_seen == live.tuning_status.last_trial_status_seen
    assert recorder.tuning_status.num_trials_finished == live.tuning_status.num_trials_finished
    # the results as the status keeps them, and the scheduler's next step
    for trial_id, statistics in live.tuning_status.trial_metric_statistics.items():
        assert recorder.tuning_status.trial_metric_statistics[trial_id].count == statistics.count
    next_id = live.trial_backend.new_trial_id()
    assert rules.backend.new_trial_id() == next_id
    live_next, replayed_next = live.scheduler.suggest(next_id), rules.scheduler.suggest(next_id)
    assert (live_next.config, live_next.checkpoint_trial_id) == (replayed_next.config, replayed_next.checkpoint_trial_id)


class _CountingGP(FIFOScheduler):
    """FIFO bayesopt whose searcher counts the suggestions it computes."""

    def __init__(self):
        super().__init__(SPACE, searcher="bayesopt", metric="error", mode="min", random_seed=2,
                         search_options={"num_init_random": 3})
        self.searcher.computed = 0
        next_config = self.searcher._next_config

        def counting(**kwargs):
            self.searcher.computed += 1
            return next_config(**kwargs)

        self.searcher._next_config = counting


def test_a_model_based_searcher_is_handed_the_journaled_configs_instead_of_searching_again():
    live = Tuner(_backend(), _CountingGP(), StoppingCriterion(max_num_trials_started=12), n_workers=2,
                 progress="off")
    live.run()
    assert live.scheduler.searcher.computed >= 10  # the live run searched

    rules = TuningRules(_CountingGP(), _backend(), None)
    replay_journal(rules, TrialRecorder(TuningStatus(["error"])), live.tuner_path / JOURNAL_NAME, start=0)

    searcher = rules.scheduler.searcher
    assert searcher.computed == 0  # every start was replayed from the journal, no GP was fitted
    assert sorted(rules.backend.trial_ids) == sorted(live.trial_backend.trial_ids)
    assert searcher.dataset_size() == live.scheduler.searcher.dataset_size()
    assert searcher._proposed == live.scheduler.searcher._proposed  # no config can be suggested twice
    suggestion = rules.scheduler.suggest(rules.backend.new_trial_id())  # and it searches on from there
    assert searcher.computed == 1
    assert searcher.match_string(suggestion.config) not in live.scheduler.searcher._proposed
