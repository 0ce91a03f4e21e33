"""StoreResultsCallback: results.csv.zip holds every row of the journal, whatever columns appear; the
on_trial_end hook."""
import json

import pandas as pd

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend import SimulatorBackend
from syne_tune.config_space import uniform
from syne_tune.optimizer.baselines import RandomSearch
from syne_tune.results_journal import JOURNAL_NAME, journal_rows
from syne_tune.tuner_callback import TunerCallback


class _NewKeyLater(SimulatorBackend):
    """Trial 3 on reports a key no earlier report had: the table's header changes mid-run."""

    def _evaluate(self, trial_id, config, checkpoint):
        extra = {"grad_norm": 1.5} if trial_id >= 3 else {}
        return [{"loss": config["x"] / t, "t": float(t), **extra} for t in range(1, 4)]


def test_a_column_that_appears_mid_run_is_in_the_table_with_every_row():
    tuner = Tuner(_NewKeyLater(elapsed_time_attr="t"), RandomSearch({"x": uniform(0, 1)}, metric="loss",
                                                                     random_seed=0),
                  StoppingCriterion(max_num_trials_finished=8), n_workers=2, progress="off")
    tuner.run()
    table = pd.read_csv(tuner.tuner_path / "results.csv.zip")
    rows = journal_rows(tuner.tuner_path / JOURNAL_NAME)
    assert len(table) == len(rows) >= 24
    assert table.loc[table["trial_id"] >= 3, "grad_norm"].eq(1.5).all()
    assert table.loc[table["trial_id"] < 3, "grad_norm"].isna().all()
    assert list(table["loss"]) == [row["loss"] for row in rows]


class _Ends(TunerCallback):
    """Each trial's end as the hook tells it, and the status of its last results row then."""

    def __init__(self):
        self.ends: list[tuple[int, str]] = []
        self.rows: dict[int, int] = {}

    def on_result_row(self, row):
        self.rows[row["trial_id"]] = self.rows.get(row["trial_id"], 0) + 1

    def on_trial_end(self, trial_id, status):
        assert trial_id in self.rows  # after the trial's last row
        self.ends.append((trial_id, status))


def test_on_trial_end_is_called_once_per_end_with_the_journaled_status():
    from syne_tune.optimizer.baselines import ASHA

    class _Epochs(SimulatorBackend):
        def _evaluate(self, trial_id, config, checkpoint):
            start = checkpoint["epoch"] if checkpoint else 0
            return [{"epoch": e, "loss": config["x"] + 1 / e, "t": float(e - start)} for e in range(start + 1, 10)]

    ends = _Ends()
    tuner = Tuner(_Epochs(elapsed_time_attr="t"),
                  ASHA({"x": uniform(0, 1)}, metric="loss", resource_attr="epoch", max_t=9, type="promotion",
                       random_seed=0),
                  StoppingCriterion(max_num_trials_started=12), n_workers=2, progress="off", callbacks=[ends])
    tuner.run()
    journaled = [(row["trial_id"], row["status"]) for row in map(json.loads, (tuner.tuner_path / JOURNAL_NAME)
                                                                 .read_text().splitlines())
                 if row.get("st_event") == "end"]
    assert ends.ends == journaled
    statuses = {status for _, status in ends.ends}
    assert "Paused" in statuses and "Completed" in statuses  # a paused trial ends again after its resume
