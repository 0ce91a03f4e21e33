"""End to end: MOASHA and multi-objective random search + Tuner + LocalBackend, then the Pareto
front from load_experiment, drawn by plot_pareto_front."""
import numpy as np
import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.config_space import uniform
from syne_tune.experiments import load_experiment
from syne_tune.optimizer.baselines import MOASHA, RandomSearch
from syne_tune.optimizer.schedulers.multiobjective.non_dominated import pareto_mask

# accuracy rises with x and with epochs, latency rises with x: a trade-off
TWO_OBJECTIVES = '''
import argparse
import time
from syne_tune import Reporter
parser = argparse.ArgumentParser()
parser.add_argument("--x", type=float)
parser.add_argument("--epochs", type=int)
args, _ = parser.parse_known_args()
report = Reporter()
for epoch in range(1, args.epochs + 1):
    accuracy = args.x * (1 - 0.5 / epoch) if args.x < 0.95 else float("nan")
    report(epoch=epoch, accuracy=accuracy, latency=1.0 + 10 * args.x ** 2)
    time.sleep(0.03)
'''


@pytest.mark.parametrize("method", ["MOASHA", "RandomSearch"])
def test_pareto_front_of_a_real_run(method, tmp_path, _results_root):
    script = tmp_path / "two_objectives.py"
    script.write_text(TWO_OBJECTIVES)
    space = {"x": uniform(0.0, 1.0), "epochs": 9}
    kwargs = dict(metric=["accuracy", "latency"], mode=["max", "min"], random_seed=5,
                  points_to_evaluate=[{"x": 0.97}])
    scheduler = MOASHA(space, resource_attr="epoch", **kwargs) if method == "MOASHA" \
        else RandomSearch(space, **kwargs)
    tuner = Tuner(LocalBackend(str(script)), scheduler, StoppingCriterion(max_num_trials_started=10), n_workers=3,
                  sleep_time=0.05, results_update_interval=1.0, tuner_name=f"mo-{method}")
    tuner.run()
    assert tuner.best_trial() is not None  # ranks by the first metric, accuracy (max)
    experiment = load_experiment(tuner.name)
    front = experiment.pareto_front()  # modes from the stored tuner's scheduler
    results = experiment.results
    finite = results[np.isfinite(results["accuracy"])]
    assert len(front) >= 2 and front["accuracy"].is_monotonic_decreasing
    assert front["latency"].is_monotonic_decreasing  # the trade-off: less accuracy, less latency
    losses = np.column_stack([-finite["accuracy"], finite["latency"]])
    expected = {tuple(v) for v in finite[pareto_mask(losses)][["accuracy", "latency"]].to_numpy()}
    assert {tuple(v) for v in front[["accuracy", "latency"]].to_numpy()} == expected
    assert not results[results["config_x"] > 0.95].empty  # the NaN trial ran, and is not on the front
    if method == "MOASHA":
        assert results.groupby("trial_id")["epoch"].max().min() < 9  # some trials were stopped at a rung
    last = experiment.pareto_front(last_report_only=True)
    assert set(last["trial_id"]) <= set(results["trial_id"])
    with pytest.raises(ValueError, match="modes"):
        experiment.pareto_front(modes=["max"])
    hv = experiment.hypervolume_over_time(reference_point=[0.0, 12.0])
    assert len(hv) == len(results) and np.all(np.diff(hv["hypervolume"]) >= 0) and hv["hypervolume"].iloc[-1] > 0

    import matplotlib

    matplotlib.use("Agg")
    from syne_tune.experiment_plots import plot_pareto_front

    ax = plot_pareto_front(experiment)
    ax.figure.savefig(tmp_path / "front.png")
    assert (tmp_path / "front.png").stat().st_size > 1000
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("accuracy", "latency")
