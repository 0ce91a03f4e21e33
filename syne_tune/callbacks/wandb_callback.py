"""WandbCallback: one Weights & Biases run per trial, grouped by experiment.

Each trial's run (name ``trial-<id>``, group = the experiment's name, job type ``trial``) has
its config as the run config and logs every numeric value it reported, with the resource
(e.g. ``epoch``) as the x-axis of every chart and ``st_tuner_time`` (seconds since tuning
started) alongside; its summary holds ``st_status`` (Completed, Stopped, Paused, Failed). A run
of job type ``experiment`` holds the best trial's config and value. Works offline
(``WANDB_MODE=offline``; ``wandb sync`` uploads later). Needs ``pip install 'syne-tune[wandb]'``.
"""
from __future__ import annotations

import os

from syne_tune.backend.trial_status import Status
from syne_tune.callbacks.tracker import BestTrial, ExperimentInfo, TrackedReport, TrackerCallback


class WandbCallback(TrackerCallback):
    """Logs the experiment to Weights & Biases (see the module docstring).

    Args:
        project: the W&B project; default ``WANDB_PROJECT``, else ``"syne-tune"``.
        group: the group of the trials' runs; default the tuning experiment's name.
        entity: the W&B entity (user or team); default W&B's.
        mode: ``"online"``, ``"offline"`` or ``"disabled"``; default W&B's (``WANDB_MODE``).
        dir: the folder below which W&B writes ``wandb/``; default ``WANDB_DIR``, else the
            experiment's folder.
        tags: tags of every run.
        init_kwargs: further arguments of ``wandb.init``.
        flush_timeout, max_pending: see :class:`~syne_tune.callbacks.tracker.TrackerCallback`.
    """

    _MODULE = "wandb"
    _EXTRA = "wandb"

    def __init__(self, project: str | None = None, group: str | None = None, entity: str | None = None,
                 mode: str | None = None, dir: str | None = None, tags: list[str] | None = None,
                 init_kwargs: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        if mode not in (None, "online", "offline", "disabled"):
            raise ValueError(f"The 'mode' argument of WandbCallback must be 'online', 'offline', 'disabled' or None. "
                             f"Got {mode!r}.")
        self.project, self.group, self.entity, self.mode = project, group, entity, mode
        self.dir = None if dir is None else str(dir)
        self.tags = list(tags or [])
        self.init_kwargs = dict(init_kwargs or {})

    def _open(self, experiment: ExperimentInfo) -> None:
        import wandb

        self._wandb = wandb
        self._experiment = experiment
        self._runs = {}
        self._paused: set[int] = set()
        folder = self.dir or os.environ.get("WANDB_DIR") or experiment.path
        self._init_kwargs = {
            "project": self.project or os.environ.get("WANDB_PROJECT") or "syne-tune",
            "group": self.group or experiment.name, "entity": self.entity, "mode": self.mode, "dir": folder,
            "tags": self.tags or None, "reinit": "create_new",
            "settings": wandb.Settings(silent=True, console="off"), **self.init_kwargs}

    def _init(self, **kwargs):
        return self._wandb.init(**{**self._init_kwargs, **kwargs})

    def _start_trial(self, trial_id: int, config: dict, resumed: bool) -> None:
        if resumed and trial_id in self._runs:  # a paused run was kept open
            self._paused.discard(trial_id)
            self._runs[trial_id].summary["st_status"] = Status.in_progress
            return
        run = self._init(name=f"trial-{trial_id}", job_type="trial", config={**config, "trial_id": trial_id})
        resource = self._experiment.resource_attr
        if resource:
            run.define_metric(resource)
            run.define_metric("*", step_metric=resource)
        self._runs[trial_id] = run

    def _log(self, trial_id: int, reports: list[TrackedReport]) -> None:
        run = self._runs[trial_id]
        for report in reports:
            run.log({**report.metrics, "st_tuner_time": report.tuner_time})

    def _end_trial(self, trial_id: int, status: str) -> None:
        run = self._runs[trial_id]
        run.summary["st_status"] = status
        if status == Status.paused:  # it may be resumed: its run goes on
            self._paused.add(trial_id)
            return
        run.finish(exit_code=1 if status == Status.failed else 0)

    def _close(self, best: BestTrial | None) -> None:
        for trial_id in sorted(self._paused):  # still paused when tuning ended
            self._runs[trial_id].finish(exit_code=0)
        if best is not None:
            run = self._init(name=f"{self._experiment.name}-best", job_type="experiment",
                             config={"best_trial_id": best.trial_id, **{f"best_{k}": v for k, v in best.config.items()}})
            run.summary[f"best_{best.metric}"] = best.value
            run.summary["best_trial_id"] = best.trial_id
            run.finish()
