"""Runs random search and ASHA (promotion) with two seeds each, then compares them on one figure.

Shows the results tools: ``trials()`` (one row per trial), ``plot(learning_curves=True)`` and
``plot_experiments`` (median best-so-far per method with a band over seeds). The same from the
shell: ``syne-tune list``, ``syne-tune show NAME``, ``syne-tune plot 'compare-*' -o compare.png``.
"""
import logging
from pathlib import Path

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import randint
from syne_tune.experiments import load_experiment, plot_experiments
from syne_tune.optimizer.baselines import ASHA, RandomSearch

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    epochs = 30
    config_space = {"epochs": epochs, "width": randint(0, 20), "height": randint(-100, 100), "sleep_time": 0.05}
    # Checkpoints every epoch, so a trial ASHA pauses resumes where it stopped.
    entry_point = Path(__file__).parent / "training_scripts" / "height_example" / "train_height_checkpoint.py"
    methods = {
        "RS": lambda seed: RandomSearch(config_space, metric="mean_loss", mode="min", random_seed=seed),
        "ASHA": lambda seed: ASHA(config_space, type="promotion", max_t=epochs, resource_attr="epoch",
                                  metric="mean_loss", mode="min", random_seed=seed),
    }
    names = []
    for method, make_scheduler in methods.items():
        for seed in range(2):
            tuner = Tuner(
                trial_backend=LocalBackend(entry_point=str(entry_point)),
                scheduler=make_scheduler(seed),
                stop_criterion=StoppingCriterion(max_wallclock_time=20),
                n_workers=4,
                tuner_name=f"compare-{method.lower()}-{seed}",
                metadata={"method": method, "seed": seed},
            )
            tuner.run()
            names.append(tuner.name)

    asha = load_experiment(names[-1])
    print(asha.trials().sort_values("best_mean_loss").head(10).to_string(index=False))
    axes = asha.plot(learning_curves=True)
    axes[0].figure.savefig("asha_learning_curves.png", dpi=80)
    ax = plot_experiments(names)  # grouped by the 'method' metadata entry
    ax.figure.savefig("compare_methods.png", dpi=80)
    print("plots written to asha_learning_curves.png and compare_methods.png")
