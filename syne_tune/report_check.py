"""The rule that stops an experiment whose reports lack a key its scheduler needs.

One rule for every scheduler: each declares the keys it needs in every report
(``TrialScheduler.required_attributes()``: its metrics, plus e.g. Hyperband's ``resource_attr``).
Once the first ``num_trials`` trials have each reported ``num_reports`` times or ended, a needed
key that appeared in none of their reports is a mistake in the training script or the
scheduler's arguments, not bad luck: the Tuner stops the experiment with :meth:`error`.

A trial counts once it reported ``num_reports`` times, or ended after reporting, or ended by
itself (exit code 0) without reporting: its script never called Reporter. A trial that crashed
before reporting tells nothing about what its script reports (its failure counts toward
``max_failures``); the next trial takes its place.
"""
from __future__ import annotations

import difflib

from syne_tune.optimizer.scheduler import RequiredAttribute

TRIALS_CHECKED = 3
REPORTS_CHECKED = 3


def how_to_report(required: list[RequiredAttribute]) -> str:
    """The line a training script needs, e.g. ``... report(loss=..., epoch=...)``."""
    names = list(dict.fromkeys(attribute.name for attribute in required))
    arguments = ", ".join(f"{name}=..." for name in names) if all(n.isidentifier() for n in names) \
        else "**{" + ", ".join(f"{name!r}: ..." for name in names) + "}"
    return f"from syne_tune import Reporter; report = Reporter(); report({arguments})"


class _Watch:
    __slots__ = ("reports", "keys")

    def __init__(self):
        self.reports = 0
        self.keys: set = set()


class RequiredAttributesCheck:
    """Watches the reports of the first trials until ``num_trials`` of them can be judged.

    The Tuner feeds it starts, reports and ends; once :attr:`complete`, it asks :meth:`error`
    and drops the check, so the rule costs nothing for the rest of the run.
    """

    def __init__(self, required: list[RequiredAttribute], num_trials: int = TRIALS_CHECKED,
                 num_reports: int = REPORTS_CHECKED):
        self.required = list(required)
        self.num_trials = num_trials
        self.num_reports = num_reports
        self._watched: dict[int, _Watch] = {}
        self._judged: dict[int, _Watch] = {}  # trials that count, in the order they came to count

    @property
    def complete(self) -> bool:
        return len(self._judged) >= self.num_trials

    def on_trial_start(self, trial_id: int) -> None:
        if not self.complete and trial_id not in self._judged:
            self._watched.setdefault(trial_id, _Watch())

    def on_report(self, trial_id: int, result: dict) -> None:
        watch = self._watched.get(trial_id)
        if watch is None:
            return
        watch.reports += 1
        watch.keys.update(result)
        if watch.reports >= self.num_reports:
            self._judge(trial_id)

    def on_trial_end(self, trial_id: int, exited_by_itself: bool) -> None:
        """The trial ended; ``exited_by_itself``: its script finished with exit code 0."""
        watch = self._watched.get(trial_id)
        if watch is None:
            return
        if watch.reports or exited_by_itself:
            self._judge(trial_id)
        else:  # crashed before its first report: no evidence either way
            del self._watched[trial_id]

    def _judge(self, trial_id: int) -> None:
        if not self.complete:
            self._judged[trial_id] = self._watched.pop(trial_id)

    def missing(self) -> list[RequiredAttribute]:
        """Needed keys that none of the judged trials reported (none before any trial was judged)."""
        if not self._judged:
            return []
        reported = set().union(*(watch.keys for watch in self._judged.values()))
        return [attribute for attribute in self.required if attribute.name not in reported]

    def error(self) -> str | None:
        """Why the experiment must stop (the keys missing, what was reported, the fix), or None."""
        missing = self.missing()
        if not missing:
            return None
        trials = sorted(self._judged)
        reports = sum(watch.reports for watch in self._judged.values())
        keys = sorted({str(k) for watch in self._judged.values() for k in watch.keys if not str(k).startswith("st_")})
        trial_text = f"trial{'s' if len(trials) > 1 else ''} {', '.join(map(str, trials))}"
        needs = "; ".join(f"{attribute} needs '{attribute.name}'" for attribute in missing)
        if reports == 0:
            seen = (f"{trial_text} reported nothing: the script never called Reporter (printing values does "
                    f"not report them)")
        else:
            got = ", ".join(repr(k) for k in keys) if keys else "no keys besides st_*"
            seen = f"none of the {reports} reports of {trial_text} had {_them(missing)}; they reported {got}"
        fix = f"Report {_them(missing)} in every report of the training script: {how_to_report(self.required)}"
        alternatives = [_alternative(attribute, keys) for attribute in missing]
        alternatives = [text for text in alternatives if text]
        if alternatives:
            fix += ", or " + "; or ".join(alternatives)
        return f"{needs} in every report, but {seen}. {fix}."


def _them(missing: list[RequiredAttribute]) -> str:
    return "it" if len(missing) == 1 else "them"


def _alternative(attribute: RequiredAttribute, keys: list[str]) -> str | None:
    """'pass resource_attr='epoch' to HyperbandScheduler if that is the key you meant', for a near miss."""
    close = difflib.get_close_matches(attribute.name, keys, n=1, cutoff=0.5)
    if not close:
        return None
    return f"pass {attribute.argument}={close[0]!r} to {attribute.needed_by} if '{close[0]}' is the key you meant"
