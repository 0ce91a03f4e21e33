"""Real simulated experiments for the analysis plots: single- and multi-objective, finished and running."""
import shutil

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.blackbox_repository import UserBlackboxBackend
from syne_tune.blackbox_repository.blackbox import from_function
from syne_tune.config_space import choice, loguniform, randint, uniform
from syne_tune.constants import SYNE_TUNE_FOLDER_ENV
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import ASHA, MOASHA

SPACE = {"x": uniform(0, 1), "lr": loguniform(1e-4, 1e-1), "act": choice(["relu", "tanh", "elu"]),
         "layers": randint(1, 4)}


def _objectives(config, epoch, seed):
    error = (config["x"] - 0.3) ** 2 + 0.05 * abs(config["layers"] - 2) + 0.3 / epoch
    return {"error": error, "size": config["layers"] * 10.0 + config["x"], "elapsed_time": 10.0 * epoch}


def _run(scheduler, name):
    blackbox = from_function(SPACE, _objectives, fidelity_space={"epoch": randint(1, 9)},
                             objectives_names=["error", "size", "elapsed_time"], fidelity_values=list(range(1, 10)))
    tuner = Tuner(UserBlackboxBackend(blackbox, elapsed_time_attr="elapsed_time"), scheduler,
                  StoppingCriterion(max_num_trials_started=30), n_workers=4, progress="off", tuner_name=name,
                  metadata={"method": name.split("-")[0]})
    tuner.run()
    return tuner.name


@pytest.fixture(scope="session")
def analysis_root(tmp_path_factory):
    """{"single", "multi", "single-running", "multi-running"}: experiment names in their own results root.
    A running one is a finished one without its results table: only the journal, as while tuning."""
    root = tmp_path_factory.mktemp("analysis")
    names = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SYNE_TUNE_FOLDER_ENV, str(root))
        names["single"] = _run(ASHA(SPACE, metric="error", mode="min", resource_attr="epoch", max_t=9,
                                    random_seed=0), "asha-single")
        names["multi"] = _run(MOASHA(SPACE, metric=["error", "size"], mode=["min", "min"], resource_attr="epoch",
                                     max_t=9, random_seed=0), "moasha-multi")
        for key in ("single", "multi"):
            running = f"{names[key]}-running"
            shutil.copytree(root / names[key], root / running)
            for table in (root / running).glob("results.csv*"):
                table.unlink()
            names[f"{key}-running"] = running
    return root, names


@pytest.fixture
def analysis(analysis_root, monkeypatch):
    root, names = analysis_root
    monkeypatch.setenv(SYNE_TUNE_FOLDER_ENV, str(root))
    return {key: load_experiment(name) for key, name in names.items()}
