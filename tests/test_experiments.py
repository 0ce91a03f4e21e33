import pandas as pd
import pytest

from syne_tune.experiments import ExperimentResult, list_experiments, load_experiment
from syne_tune.tuner_callback import StoreResultsCallback


def test_missing_experiment_is_an_error_naming_it():
    with pytest.raises(FileNotFoundError, match="no-such-experiment"):
        load_experiment("no-such-experiment")


def test_results_written_before_any_report_load_as_empty(_results_root):
    folder = _results_root / "empty-run"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text('{"metric_names": ["loss"], "metric_mode": "min"}')

    class _Tuner:
        tuner_path, results_update_interval = folder, 10.0

    callback = StoreResultsCallback()
    callback.on_tuning_start(_Tuner())
    callback.write()
    experiment = load_experiment("empty-run")
    assert experiment.results.empty
    assert "no results yet" in str(experiment)
    with pytest.raises(ValueError, match="no reported values of 'loss'"):
        experiment.best_config()
    assert [e.name for e in list_experiments()] == ["empty-run"]


@pytest.mark.parametrize("name", ["../elsewhere", "..", "a/b", "/etc", ""])
def test_names_leading_outside_the_results_root_are_refused(name, tmp_path):
    (tmp_path / "elsewhere").mkdir(exist_ok=True)
    (tmp_path / "elsewhere" / "tuner.dill").write_bytes(b"not to be unpickled")
    with pytest.raises(ValueError, match="tuner_name"):
        load_experiment(name, load_tuner=True)


def test_a_corrupt_experiment_is_skipped_with_a_warning(_results_root, caplog):
    for name, metadata in (("good-run", '{"metric_names": ["loss"], "metric_mode": "min"}'), ("bad-run", "{oops")):
        (_results_root / name).mkdir(parents=True)
        (_results_root / name / "metadata.json").write_text(metadata)
    with caplog.at_level("WARNING"):
        assert [e.name for e in list_experiments()] == ["good-run"]
    assert "bad-run" in caplog.text


def test_results_of_a_crashed_run_come_from_the_journal_and_skip_a_cut_line(_results_root):
    folder = _results_root / "crashed-run"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text('{"metric_names": ["loss"], "metric_mode": "max"}')
    (folder / "journal.jsonl").write_text(
        '{"st_event": "start", "trial_id": 0, "config": {"x": 1}}\n'
        '{"loss": 0.5, "trial_id": 0, "config_x": 1}\n'
        '{"loss": NaN, "trial_id": 0, "config_x": 1}\n'
        '{"loss": Infinity, "trial_id": 0, "config_x": 1}\n'
        '{"loss": 0.7, "trial_id": 0, "con')  # the crash cut this line
    experiment = load_experiment("crashed-run")
    assert len(experiment.results) == 3
    assert experiment.best_config()["loss"] == 0.5  # NaN and inf never count as best


@pytest.fixture
def stored(stored_experiments, monkeypatch):
    root, names = stored_experiments
    monkeypatch.setenv("SYNETUNE_FOLDER", str(root))
    return names


def test_a_unique_prefix_or_pattern_loads_as_on_the_command_line(stored):
    from syne_tune.cli import _resolve_one

    for name in ("stored-fi", "stored-asha", "*-fifo-*", stored["fifo"]):
        experiment = load_experiment(name)
        assert experiment.name == _resolve_one(name) and experiment.results is not None
    assert load_experiment("stored-fi").name == stored["fifo"]


def test_an_ambiguous_prefix_is_an_error_listing_the_candidates(stored):
    with pytest.raises(ValueError, match="'stored' matches 2 experiments") as error:
        load_experiment("stored")
    assert stored["fifo"] in str(error.value) and stored["asha"] in str(error.value)
    with pytest.raises(FileNotFoundError, match="No experiment matches 'stored-x'"):
        load_experiment("stored-x")


def test_printing_experiments_shows_one_short_line_each(stored):
    experiments = list_experiments()
    text = repr(experiments)
    assert len(text) < 200 * len(experiments) and "trial_id" not in text  # no data frame
    rows = len(experiments[0].results)
    assert f"ExperimentResult(name='{experiments[0].name}', results=<{rows} rows>" in text


def test_a_journal_shorter_than_the_results_table_never_hides_rows(stored_experiments, tmp_path, monkeypatch, caplog):
    import os
    import shutil

    root, names = stored_experiments
    copy = tmp_path / "results"
    shutil.copytree(root, copy)
    monkeypatch.setenv("SYNETUNE_FOLDER", str(copy))
    complete = len(load_experiment(names["fifo"]).results)
    journal = copy / names["fifo"] / "journal.jsonl"
    lines = journal.read_text().splitlines(keepends=True)
    journal.write_text("".join(lines[:len(lines) // 2]))  # truncated, and now newer than the table
    os.utime(journal)
    assert len(load_experiment(names["fifo"]).results) == complete
    assert "fewer than the" in caplog.text and "results.csv.zip" in caplog.text


def test_experiment_result_built_as_the_original_did(_results_root, tmp_path):
    """ExperimentResult(name=, results=, metadata=, tuner=, path=): its folder is ``path``."""
    elsewhere = tmp_path / "copied-run"
    elsewhere.mkdir()
    (elsewhere / "journal.jsonl").write_text(
        '{"st_event": "start", "trial_id": 2, "config": {"x": 0.9}, "st_tuner_time": 0.0}\n')  # no reports yet
    results = pd.DataFrame({"trial_id": [0, 0, 1], "loss": [0.5, 0.3, 0.4], "st_tuner_time": [1.0, 2.0, 3.0],
                            "config_x": [0.2, 0.2, 0.7]})
    experiment = ExperimentResult(name="copied-run", results=results,
                                  metadata={"metric_names": ["loss"], "metric_mode": "min"}, tuner=None,
                                  path=str(elsewhere))
    assert experiment.path == elsewhere and experiment.folder == elsewhere
    assert str(experiment) == "Experiment copied-run contains 3 evaluations from 2 trials"
    assert experiment.best_config()["loss"] == 0.3
    assert experiment.trial_count().started == 3  # trial 2 is in the journal of ``path``
    assert "copied-run" in repr(experiment) and len(repr(experiment)) < 200
    by_hand = ExperimentResult("run", results, {"metric_names": ["loss"], "metric_mode": "min"})
    assert by_hand.path is None and by_hand.folder == _results_root / "run"


def test_load_experiment_sets_the_path(_results_root):
    folder = _results_root / "some-run"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text('{"metric_names": ["loss"], "metric_mode": "min"}')
    assert load_experiment("some-run").path == folder


def test_metric_modes_of_the_original_multi_objective_metadata():
    """The original wrote 'metric_mode' as a list of one mode per metric (no 'metric_modes'), or one
    mode for all; the Pareto front reads either."""
    from syne_tune.experiment_pareto import experiment_metric_modes

    results = pd.DataFrame({"trial_id": [0, 1, 2], "error": [0.1, 0.2, 0.3], "accuracy": [0.5, 0.9, 0.4]})
    listed = ExperimentResult("original-mo", results, {"metric_names": ["error", "accuracy"],
                                                        "metric_mode": ["min", "max"]})
    assert experiment_metric_modes(listed, ["accuracy", "error"]) == ["max", "min"]
    assert sorted(listed.pareto_front()["trial_id"]) == [0, 1]  # trial 2 is dominated by both
    single = ExperimentResult("original-one-mode", results, {"metric_names": ["error", "accuracy"],
                                                             "metric_mode": "min"})
    assert experiment_metric_modes(single, ["error", "accuracy"]) == ["min", "min"]
    wrong = ExperimentResult("bad", results, {"metric_names": ["error", "accuracy"], "metric_mode": ["min"]})
    with pytest.raises(ValueError, match="unknown"):
        experiment_metric_modes(wrong, ["error"])
