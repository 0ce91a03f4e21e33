import pytest

from syne_tune.experiments import list_experiments, load_experiment
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
