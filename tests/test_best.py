"""One rule for "best" and one trial count, in every view of a real (simulated) experiment.

The experiment: trials of a real Tuner on a SimulatorBackend, some of which diverge (-inf then
+inf), some report NaN, one fails before its first report, and the last ones are cut by the
budget. ±inf and NaN must never rank first in any view, and every view must count the same trials.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend.simulator_backend import SimulatorBackend, SimulatorCallback
from syne_tune.best import best_item, rankable, ranked_items, running_best, sort_best_first
from syne_tune.cli import main as cli
from syne_tune.config_space import uniform
from syne_tune.constants import SYNE_TUNE_FOLDER_ENV
from syne_tune.experiment_plots import best_so_far
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import RandomSearch
from syne_tune.results_journal import JOURNAL_NAME, read_journal

FAILING_TRIAL = 2


# -- the rule itself ----------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (0.5, True), (-3, True), (np.float32(1.5), True), (np.int64(2), True),
    (math.inf, False), (-math.inf, False), (math.nan, False), (np.float64("-inf"), False),
    (True, False), ("0.1", False), (None, False), (1j, False),
])
def test_only_finite_real_numbers_can_be_best(value, expected):
    assert rankable(value) is expected


@pytest.mark.parametrize("mode, best", [("min", ("b", -2.0)), ("max", ("c", 7))])
def test_best_item_and_ranking_ignore_infinite_nan_and_non_numbers(mode, best):
    items = [("a", -math.inf), ("b", -2.0), ("c", 7), ("d", math.inf), ("e", math.nan), ("f", "x"), ("g", None)]
    assert best_item(items, mode) == best
    ranked = ranked_items(items, mode)
    assert [key for key, _ in ranked] == (["b", "c"] if mode == "min" else ["c", "b"])
    assert best_item([("a", math.nan), ("b", -math.inf)], mode) is None


@pytest.mark.parametrize("mode", ["min", "max"])
def test_running_best_skips_non_finite_values(mode):
    values = [math.nan, 3.0, -math.inf, math.inf, 2.0, math.nan, 4.0]
    expected = {"min": [math.nan, 3, 3, 3, 2, 2, 2], "max": [math.nan, 3, 3, 3, 3, 3, 4]}[mode]
    np.testing.assert_array_equal(running_best(values, mode), expected)


@pytest.mark.parametrize("mode", ["min", "max"])
def test_sort_best_first_puts_non_finite_values_last(mode):
    frame = pd.DataFrame({"v": [-math.inf, 1.0, math.inf, math.nan, 2.0, "text"]})
    order = sort_best_first(frame, "v", mode)["v"].tolist()
    assert order[:2] == ([1.0, 2.0] if mode == "min" else [2.0, 1.0])
    assert all(not rankable(v) for v in order[2:])


def test_a_bad_mode_is_refused():
    with pytest.raises(ValueError, match="'mode' argument must be 'min' or 'max'. Got 'minimize'"):
        best_item([("a", 1.0)], "minimize")


# -- every view of a real experiment ----------------------------------------------------------------

class DivergingBackend(SimulatorBackend):
    """Three epochs of one simulated second each. Trials with x > 0.6 diverge (-inf, then +inf),
    trials with x < 0.15 report NaN only, and trial FAILING_TRIAL fails before its first report."""

    def _evaluate(self, trial_id, config, checkpoint):
        if trial_id == FAILING_TRIAL:
            raise RuntimeError("this trial fails before its first report")
        x = config["x"]
        losses = [math.nan] * 3 if x < 0.15 else [x, -math.inf, math.inf] if x > 0.6 else [x, x / 2, x / 3]
        return [{"loss": loss, "epoch": epoch, "t": float(epoch)} for epoch, loss in enumerate(losses, start=1)]


@pytest.fixture(scope="module", params=["min", "max"])
def diverging(request, tmp_path_factory):
    """(tuner, experiment name, mode) of a finished run; the results root is its own folder."""
    mode = request.param
    root = tmp_path_factory.mktemp(f"diverging-{mode}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SYNE_TUNE_FOLDER_ENV, str(root))
        tuner = Tuner(DivergingBackend("t"), RandomSearch({"x": uniform(0, 1)}, metric="loss", mode=mode,
                                                          random_seed=4),
                      StoppingCriterion(max_wallclock_time=12.5), n_workers=3, max_failures=5,
                      callbacks=[SimulatorCallback()], progress="off", tuner_name=f"diverging-{mode}")
        tuner.run()
    return root, tuner, mode


@pytest.fixture
def run(diverging, monkeypatch):
    root, tuner, mode = diverging
    monkeypatch.setenv(SYNE_TUNE_FOLDER_ENV, str(root))
    return tuner, load_experiment(tuner.name), mode


def _finite_best(results: pd.DataFrame, mode: str) -> float:
    values = pd.to_numeric(results["loss"]).to_numpy(float)
    values = values[np.isfinite(values)]
    return values.min() if mode == "min" else values.max()


def test_the_run_has_diverged_and_nan_reports(run):
    _, experiment, mode = run
    losses = experiment.results["loss"].to_numpy(float)
    assert np.isneginf(losses).any() and np.isposinf(losses).any() and np.isnan(losses).any()


def test_infinite_values_never_rank_first_in_any_view(run, capsys):
    tuner, experiment, mode = run
    best = _finite_best(experiment.results, mode)
    # The tuner's summary and best_config()
    trial_id, value = tuner.best_trial()
    assert value == best and experiment.best_config()["loss"] == best
    assert experiment.best_config()["trial_id"] == trial_id
    # trials(): its best column holds finite values or NaN, and sorting by it puts the best trial first
    trials = experiment.trials()
    assert not np.isinf(trials["best_loss"].to_numpy(float)).any()
    first = trials.sort_values("best_loss", ascending=mode == "min").iloc[0]
    assert first["trial_id"] == trial_id and first["best_loss"] == best
    # plot(): the best-so-far line goes on to the last report, all finite, ending at the best
    times, values = best_so_far(experiment)
    assert np.isfinite(values).all() and values[-1] == best
    assert times[-1] == experiment.results["st_tuner_time"].max()
    line = experiment.plot().get_lines()[0]
    assert np.isfinite(line.get_ydata()).all() and line.get_ydata()[-1] == best
    # syne-tune list: the best column
    assert cli(["list"]) == 0
    listed = capsys.readouterr().out.splitlines()[1]
    assert f"loss {best:.6g} ({mode})" in listed and "inf" not in listed
    # syne-tune show: the best trial first, then the best config
    assert cli(["show", experiment.name, "--all"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert int(out[3].split()[0]) == trial_id
    assert f"best loss: {best:.6g} (trial {trial_id})" in out[-2]
    shown = [line.split() for line in out[3:-2]]
    finite_rows = [row for row in shown if row[2] not in ("NaN", "nan")]
    assert [row[0] for row in shown[:len(finite_rows)]] == [row[0] for row in finite_rows]  # NaN last


def test_every_view_counts_the_same_trials(run, capsys):
    tuner, experiment, mode = run
    journal = read_journal(experiment_folder(experiment) / JOURNAL_NAME)
    started = {record["trial_id"] for record in journal if record.get("st_event") == "start"}
    reported = set(experiment.results["trial_id"])
    assert FAILING_TRIAL in started - reported  # a started trial without a report is a trial
    count = experiment.trial_count()
    assert (count.started, count.with_reports) == (len(started), len(reported))
    assert tuner.tuning_status.num_trials_started == len(started)
    assert tuner.tuning_status.trial_count() == count
    assert len(experiment.trials()) == len(started)
    text = f"{len(started)} trials ({len(reported)} with reports)"
    assert str(count) == text
    assert cli(["list"]) == 0
    assert text in capsys.readouterr().out
    assert cli(["show", experiment.name, "--all"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith(text + ":") and "Failed" in out[1]
    assert len(out) - 5 == len(started)  # header lines, one row per trial, best value and config


def experiment_folder(experiment):
    from syne_tune.results_path import experiment_path

    return experiment_path(experiment.name)
