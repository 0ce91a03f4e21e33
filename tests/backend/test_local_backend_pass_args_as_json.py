"""LocalBackend(pass_args_as_json=...): the original's argument is accepted; the config still goes
on the command line (the original 0.13 ignored it too), and True says so in a warning."""
import json
import logging
import time
from pathlib import Path

import pytest

from syne_tune.backend import LocalBackend
from syne_tune.backend.trial_status import Status

SCRIPT = str(Path(__file__).parents[1] / "scripts" / "configurable_script.py")


@pytest.mark.parametrize("value", [False, True])
def test_pass_args_as_json_is_accepted_and_the_trial_gets_its_config(tmp_path, caplog, value):
    with caplog.at_level(logging.WARNING):
        backend = LocalBackend(SCRIPT, pass_args_as_json=value)
    assert ("pass_args_as_json=True is ignored" in caplog.text) is value
    backend.set_path(tmp_path / "exp")
    try:
        trial = backend.start_trial({"epochs": 2, "x": 0.25})
        deadline, results = time.time() + 20, []
        while time.time() < deadline:
            statuses, new = backend.fetch_status_results([trial.trial_id])
            results += [r for _, r in new]
            if statuses[trial.trial_id][1] == Status.completed:
                break
            backend.wait(0.2)
        assert [r["epoch"] for r in results] == [1, 2]  # --epochs=2 reached the script
        assert json.loads((backend.trial_path(trial.trial_id) / "config.json").read_text())["x"] == 0.25
    finally:
        backend.stop_all()


def test_pass_args_as_json_must_be_a_bool():
    with pytest.raises(ValueError, match="'pass_args_as_json'"):
        LocalBackend(SCRIPT, pass_args_as_json="yes")
