"""PyTorch Lightning's ReportCallback in a real tuning run on a tiny model: reports per epoch, resume from checkpoint."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("lightning", reason="the Lightning callback needs lightning and torch: pip install "
                    "'syne-tune[lightning]' (CI runs it in .ci/run's trackers step)")

from syne_tune import StoppingCriterion, Tuner  # noqa: E402
from syne_tune.backend import LocalBackend  # noqa: E402
from syne_tune.config_space import loguniform  # noqa: E402
from syne_tune.experiments import load_experiment  # noqa: E402
from syne_tune.optimizer.baselines import ASHA  # noqa: E402

SCRIPT = Path(__file__).parents[2] / "examples" / "training_scripts" / "lightning_example" / "train_lightning.py"


def test_epochs_are_reported_and_a_promoted_trial_resumes_from_its_checkpoint():
    space = {"lr": loguniform(0.001, 0.1), "hidden": 8, "epochs": 3}
    scheduler = ASHA(space, metric="val_loss", mode="min", resource_attr="epoch", max_t=3, type="promotion",
                     max_resource_attr="epochs", random_seed=0)
    tuner = Tuner(LocalBackend(str(SCRIPT)), scheduler, StoppingCriterion(max_num_trials_started=5), n_workers=2,
                  sleep_time=0.2, progress="off", tuner_name="lightning-asha", wait_trial_completion_when_stopping=True)
    tuner.run()
    results = load_experiment(tuner.name).results
    assert {"val_loss", "train_loss", "epoch"} <= set(results.columns)
    resumed = 0
    for trial_id, rows in results.groupby("trial_id"):
        epochs = rows["epoch"].tolist()
        assert epochs == list(range(1, len(epochs) + 1)), f"trial {trial_id} reported epochs {epochs}"
        resumed += len(epochs) > 1
        if len(epochs) > 1:  # training went on from the checkpoint, not from scratch
            assert rows["train_loss"].iloc[-1] < rows["train_loss"].iloc[0]
    assert resumed, "ASHA promoted no trial"
