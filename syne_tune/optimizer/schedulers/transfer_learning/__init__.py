"""Transfer learning: tune a task using the results of earlier, related tasks.

``BoundingBox`` (shrink the space to the best earlier configs), ``ZeroShotTransfer`` (a searcher
starting from configs that did well across tasks, in ``.zero_shot``), ``TransferLearningTaskEvaluations``
(one task's earlier results) with ``evaluations_from_experiment`` / ``evaluations_from_blackbox``, and
``warm_start`` (feed earlier observations of the same task to a searcher). See
docs/constraints-multiobjective-transfer.md.
"""
from __future__ import annotations

from syne_tune._lazy_exports import lazy_getattr

_TASKS = "syne_tune.optimizer.schedulers.transfer_learning.task_evaluations"
_EXPORTS = {
    "TransferLearningTaskEvaluations": _TASKS,
    "TransferLearningMixin": _TASKS,
    "evaluations_from_experiment": _TASKS,
    "evaluations_from_blackbox": _TASKS,
    "BoundingBox": "syne_tune.optimizer.schedulers.transfer_learning.bounding_box",
    "ZeroShotTransfer": "syne_tune.optimizer.schedulers.transfer_learning.zero_shot",
    "warm_start": "syne_tune.optimizer.schedulers.transfer_learning.warm_starting",
    "observations_from_experiment": "syne_tune.optimizer.schedulers.transfer_learning.warm_starting",
}

__all__ = list(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS)
