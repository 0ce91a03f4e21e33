"""Claims about launchers (docs code blocks and examples/) that a test can check mechanically.

- A scheduler that pauses trials and resumes them later (promotion-type ASHA/Hyperband, PASHA,
  synchronous Hyperband/BOHB, PBT) needs a training script that checkpoints: one whose source
  reads ``st_checkpoint_dir``. Otherwise a resumed trial starts again at its first epoch.
- In a finished run, no trial's resource (``epoch``, ...) ever goes back: a resumed trial
  continues after the epoch it reached.
- A launcher whose docstring says it runs "N seconds" (each) runs every experiment for its time
  budget and does not end early on another criterion.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd

REPO = Path(__file__).parents[2]
SCRIPT_FOLDERS = [REPO / "examples", REPO / "benchmarking", REPO / "tests" / "scripts"]

PAUSE_AND_RESUME = re.compile(
    r"""type\s*=\s*["'](?:promotion|pasha)["']"""
    r"""|\b(?:PASHA|PBT|PopulationBasedTraining|SyncHyperband|SyncBOHB|SynchronousHyperbandScheduler)\s*\(""")
SCRIPT_NAME = re.compile(r"""["']([\w./-]*?)([\w-]+\.py)["']""")
SECONDS = re.compile(r"\b(\d+) seconds\b")


def pauses_and_resumes(code: str) -> bool:
    """True if ``code`` builds a scheduler that pauses trials and resumes them later."""
    return PAUSE_AND_RESUME.search(code) is not None


def training_scripts(code: str) -> list[Path]:
    """The training scripts named in ``code`` as string literals ("train.py", "a/b/train.py"),
    resolved against the repo's script folders."""
    found = []
    for folder, name in SCRIPT_NAME.findall(code):
        direct = REPO / folder / name
        candidates = [direct] if direct.is_file() else [p for root in SCRIPT_FOLDERS for p in root.rglob(name)]
        found.extend(p for p in candidates if p.stem != "__init__")
    return sorted(set(found))


def checkpoints(script: Path) -> bool:
    """True if the training script reads the checkpoint folder the backend passes."""
    return "st_checkpoint_dir" in script.read_text()


def scripts_that_do_not_checkpoint(code: str) -> list[str] | None:
    """For a launcher whose scheduler pauses and resumes: the names of its training scripts that
    do not checkpoint ([] if all do). None if the scheduler does not pause or if the code names no
    script (a snippet that only builds a scheduler, or a script taken from a benchmark dict)."""
    if not pauses_and_resumes(code):
        return None
    scripts = training_scripts(code)
    if not scripts:
        return None
    return [str(p.relative_to(REPO)) for p in scripts if not checkpoints(p)]


def stored_experiments():
    """The experiments in the current results folder ($SYNETUNE_FOLDER; a test's own, see conftest)."""
    from syne_tune.experiments import list_experiments

    return list_experiments()


def trials_that_went_back() -> dict[str, list[tuple[int, list]]]:
    """Per stored experiment: the trials whose resource attribute went back between two reports,
    with the resource values in report order."""
    went_back = {}
    for experiment in stored_experiments():
        resource = experiment.metadata.get("resource_attr")
        results = experiment.results
        if not resource or results is None or resource not in results:
            continue
        bad = []
        for trial_id, reports in results.groupby("trial_id", sort=True):
            values = pd.to_numeric(reports[resource], errors="coerce").dropna().tolist()
            if any(later <= earlier for earlier, later in zip(values, values[1:])):
                bad.append((int(trial_id), values))
        if bad:
            went_back[experiment.name] = bad
    return went_back


def claimed_seconds(source: str) -> int | None:
    """N if the launcher's docstring says it runs "N seconds" ("10 seconds each", "about 20 seconds")."""
    match = SECONDS.search(ast.get_docstring(ast.parse(source)) or "")
    return int(match.group(1)) if match else None


def tuner_seconds() -> dict[str, float]:
    """Per stored experiment: the tuner time of its last report (``st_tuner_time``)."""
    return {e.name: float(e.results["st_tuner_time"].max()) for e in stored_experiments()
            if e.results is not None and not e.results.empty}
