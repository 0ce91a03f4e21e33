"""LightGBM's ReportCallback in a real tuning run: ASHA pauses trials and resumes them from the saved model."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("lightgbm", reason="the LightGBM callback needs lightgbm: pip install 'syne-tune[lightgbm]' "
                    "(CI runs it in .ci/run's trackers step)")

from syne_tune import StoppingCriterion, Tuner  # noqa: E402
from syne_tune.backend import LocalBackend  # noqa: E402
from syne_tune.config_space import loguniform, randint  # noqa: E402
from syne_tune.experiments import load_experiment  # noqa: E402
from syne_tune.optimizer.baselines import ASHA  # noqa: E402

REPO = Path(__file__).parents[2]
SCRIPT = REPO / "examples" / "training_scripts" / "lightgbm_example" / "train_lightgbm.py"


def _uninterrupted(config: dict, rounds: int) -> list[float]:
    """valid_l2 of each round when the script trains ``rounds`` rounds in one go."""
    args = [sys.executable, str(SCRIPT), "--learning_rate", str(config["learning_rate"]),
            "--num_leaves", str(config["num_leaves"]), "--rounds", str(rounds)]
    out = subprocess.run(args, capture_output=True, text=True, check=True, cwd=REPO,
                         env={**__import__("os").environ, "PYTHONPATH": str(REPO)}).stdout
    return [json.loads(line.split(":", 1)[1])["valid_l2"] for line in out.splitlines() if line.startswith("[tune-metric]")]


def test_paused_trials_resume_from_the_saved_model_and_report_every_round_once():
    space = {"learning_rate": loguniform(0.05, 0.5), "num_leaves": randint(4, 31), "rounds": 9}
    scheduler = ASHA(space, metric="valid_l2", mode="min", resource_attr="round", max_t=9, type="promotion",
                     max_resource_attr="rounds", random_seed=0)
    tuner = Tuner(LocalBackend(str(SCRIPT)), scheduler, StoppingCriterion(max_num_trials_started=7), n_workers=2,
                  sleep_time=0.1, progress="off", tuner_name="lightgbm-asha", wait_trial_completion_when_stopping=True)
    tuner.run()
    results = load_experiment(tuner.name).results
    resumed = []
    for trial_id, rows in results.groupby("trial_id"):
        rounds = rows["round"].tolist()
        assert rounds == list(range(1, len(rounds) + 1)), f"trial {trial_id} reported rounds {rounds}"
        if len(rounds) > 1:  # with max_resource_attr, rounds past the first rung came after a resume
            resumed.append(trial_id)
    assert resumed, "ASHA promoted no trial"
    rows = results[results["trial_id"] == resumed[0]]
    config = {"learning_rate": rows["config_learning_rate"].iloc[0], "num_leaves": rows["config_num_leaves"].iloc[0]}
    # continuing from the checkpoint gives exactly the values of one uninterrupted run
    assert rows["valid_l2"].tolist() == pytest.approx(_uninterrupted(config, len(rows)), rel=1e-9)
