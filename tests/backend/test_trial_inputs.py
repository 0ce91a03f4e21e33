"""Config values no command line can carry fail their trial with a clear message; the experiment goes on."""
from __future__ import annotations

from pathlib import Path

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.backend.trial_process import command_line_problem
from syne_tune.config_space import choice
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.schedulers import FIFOScheduler

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "configurable_script.py"
BAD_VALUES = {
    "nul": ("a\x00b", "contains a NUL byte"),
    "surrogate": ("\udcff", "lone surrogate"),
    "too long": ("x" * 3_000_000, "longer than the system allows"),
}


@pytest.mark.parametrize("kind", sorted(BAD_VALUES))
def test_a_value_no_command_line_can_carry_fails_only_its_trial(kind):
    value, message = BAD_VALUES[kind]
    space = {"epochs": 2, "x": choice([0.5, 1.0, 2.0]), "text": choice(["fine", value])}
    points = [{"x": 0.5, "text": "fine"}, {"x": 1.0, "text": value}, {"x": 2.0, "text": "fine"}]
    scheduler = FIFOScheduler(space, metric="loss", mode="min", random_seed=0, points_to_evaluate=points)
    tuner = Tuner(LocalBackend(str(SCRIPT)), scheduler, StoppingCriterion(max_num_trials_finished=2), n_workers=1,
                  sleep_time=0.05, max_failures=5, progress="off")
    tuner.run()  # neither hangs nor raises
    assert tuner.tuning_status.num_trials_failed == 1 and tuner.tuning_status.num_trials_completed == 2
    assert message in "".join(tuner.trial_backend.stderr(1))
    trials = load_experiment(tuner.name).trials().set_index("trial_id")
    assert trials.loc[1, "status"] == "Failed" and (trials.loc[[0, 2], "status"] == "Completed").all()


def test_command_line_problem_names_the_argument():
    assert "--text" in command_line_problem(["python", "script.py", "--x=1", "--text=a\x00b"])
    assert command_line_problem(["python", "script.py", "--text=ünïcode"]) is None
