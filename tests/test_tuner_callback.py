"""StoreResultsCallback: results.csv.zip holds every row of the journal, whatever columns appear."""
import pandas as pd

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend import SimulatorBackend
from syne_tune.config_space import uniform
from syne_tune.optimizer.baselines import RandomSearch
from syne_tune.results_journal import JOURNAL_NAME, journal_rows


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
