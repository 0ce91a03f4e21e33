"""Live progress: what the terminal block, the log lines and the summary say (content, not pixels)."""
import io
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from syne_tune import StoppingCriterion, Tuner
from syne_tune.backend import LocalBackend
from syne_tune.backend.trial_status import Status, Trial
from syne_tune.config_space import uniform
from syne_tune.optimizer.schedulers import FIFOScheduler
from syne_tune.progress import TuningProgress, as_progress
from syne_tune.progress_text import budget_used, format_block, format_line, format_summary, take_snapshot
from syne_tune.tuning_status import TuningStatus

SCRIPT = str(Path(__file__).parent / "scripts" / "configurable_script.py")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _fake_tuner(stop=None, mode="min"):
    """A tuner as the progress display sees it, with 5 trials in every status."""
    status = TuningStatus(["loss"])
    statuses = [Status.in_progress, Status.completed, Status.stopped, Status.paused, Status.failed]
    trials = {i: (Trial(i, {"x": 0.1 * (i + 1), "epochs": 3}), s) for i, s in enumerate(statuses)}
    reports = [(i, {"loss": 1.0 - 0.1 * i, "epoch": 1}) for i in range(4)] + [(1, {"loss": 0.05, "epoch": 2})]
    status.update(trials, reports)
    scheduler = SimpleNamespace(metric_names=lambda: ["loss"], metric_mode=lambda: mode,
                                config_space={"x": uniform(0, 1), "epochs": 3})
    return SimpleNamespace(tuning_status=status, scheduler=scheduler, print_update_interval=0.0,
                           stop_criterion=stop or StoppingCriterion(max_num_trials_completed=4), tuner_path="/results")


def test_snapshot_counts_statuses_and_finds_the_best_trial():
    snapshot = take_snapshot(_fake_tuner())
    assert snapshot.counts == {"running": 1, "completed": 1, "stopped": 1, "paused": 1, "failed": 1}
    assert snapshot.best == (1, 0.05, {"x": 0.2})  # the constant 'epochs' is not shown
    assert snapshot.reports == 5
    best_max = take_snapshot(_fake_tuner(mode="max")).best
    assert best_max[:2] == (0, 1.0)


@pytest.mark.parametrize("stop, expected", [
    (StoppingCriterion(max_num_trials_completed=4), (0.25, "1 / 4 trials completed")),
    (StoppingCriterion(max_num_evaluations=10, max_num_trials_started=8), (5 / 8, "5 / 8 trials started")),
    (StoppingCriterion(max_num_trials_finished=2), (1.0, "3 / 2 trials finished")),
])
def test_budget_is_the_limit_closest_to_ending_the_run(stop, expected):
    budget = budget_used(stop, _fake_tuner().tuning_status)
    assert (budget.fraction, str(budget)) == expected


def test_no_budget_without_limits():
    status = _fake_tuner().tuning_status
    assert budget_used(StoppingCriterion(min_metric_value={"loss": 0.0}), status) is None
    assert budget_used(lambda s: False, status) is None
    line = format_line(take_snapshot(_fake_tuner(stop=lambda s: False)))
    assert "elapsed" in line and "%" not in line


def test_line_block_and_summary_say_what_matters():
    snapshot = take_snapshot(_fake_tuner())
    line = format_line(snapshot)
    assert "\n" not in line
    for part in ("25%", "1 / 4 trials completed", "1 running", "1 paused", "1 failed",
                 "best loss 0.05 (min) at trial 1: x=0.2", "5 reports"):
        assert part in line
    block = format_block(snapshot).splitlines()
    assert [row.split()[0] for row in block] == ["progress", "trials", "best", "reports"]
    assert "[########" in block[0] and "25%" in block[0]
    summary = format_summary(_fake_tuner(), top=2)
    assert "5 trials (4 with reports; 1 completed, 1 stopped, 1 paused, 1 failed), 5 reports" in summary
    table = summary.split("Top 2 trials:\n")[1].splitlines()
    assert table[0].split() == ["trial", "status", "best", "loss", "reports", "x"]
    assert table[1].split() == ["1", "Completed", "0.05", "2", "0.2"]
    assert table[2].split()[:2] == ["3", "Paused"]
    assert summary.endswith("Results are in /results")


def test_live_display_on_a_fake_terminal_redraws_one_block():
    terminal = io.StringIO()
    progress = TuningProgress("live", refresh_interval=0.0, file=terminal)
    tuner = _fake_tuner()
    progress.on_tuning_start(tuner)
    assert progress.display_mode == "live"
    progress.on_loop_end()
    tuner.tuning_status.update({5: (Trial(5, {"x": 0.9}), Status.in_progress)}, [(5, {"loss": 0.01})])
    progress.on_loop_end()
    progress.on_tuning_end()
    output = terminal.getvalue()
    assert "\x1b[1A" in output or "\x1b[2K" in output  # moves the cursor up to redraw in place
    last_block = " ".join(ANSI.sub("", output).split("progress")[-1].split())
    assert "25% 1 / 4 trials completed" in last_block
    assert "trials 2 running, 1 completed, 1 stopped, 1 paused, 1 failed" in last_block
    assert "best loss 0.01 (min) at trial 5: x=0.9" in last_block and "reports 6 (" in last_block


def test_non_interactive_stream_gets_single_log_lines(caplog):
    caplog.set_level(logging.INFO, logger="syne_tune")
    progress = TuningProgress(file=io.StringIO())  # "auto" on a stream that is not a terminal
    progress.on_tuning_start(_fake_tuner())
    assert progress.display_mode == "lines"
    progress.on_loop_end()
    progress.on_tuning_end()
    lines = [r.getMessage() for r in caplog.records if r.name == "syne_tune.progress"]
    assert "25% (1 / 4 trials completed, 0s elapsed) | trials: 1 running" in lines[0] and "\n" not in lines[0]
    assert lines[-1].startswith("Tuning finished") and "Top 4 trials" in lines[-1]  # trial 4 never reported
    assert not any(ANSI.search(line) for line in lines)


def test_status_table_is_logged_at_debug(caplog):
    caplog.set_level(logging.DEBUG, logger="syne_tune")
    progress = TuningProgress("off")
    progress.on_tuning_start(_fake_tuner())
    progress.on_loop_end()
    tables = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Status:")]
    assert tables and "trial_id" in tables[0] and "Paused" in tables[0]


def test_bad_progress_argument_names_it():
    with pytest.raises(ValueError, match="'progress' argument of Tuner"):
        as_progress("fancy")
    with pytest.raises(ValueError, match="'mode' argument of TuningProgress"):
        TuningProgress("fancy")
    assert as_progress(False).mode == "off" and as_progress(True).mode == "auto"


def test_real_run_with_live_progress_draws_and_pickles(caplog):
    caplog.set_level(logging.INFO, logger="syne_tune")
    terminal = io.StringIO()
    scheduler = FIFOScheduler({"x": uniform(0, 1), "epochs": 2}, metric="loss", mode="min", random_seed=0)
    tuner = Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_completed=5), n_workers=2,
                  sleep_time=0.2, results_update_interval=0.2,
                  progress=TuningProgress("live", refresh_interval=0.1, file=terminal))
    tuner.run()  # saves tuner.dill while the display is open
    text = ANSI.sub("", terminal.getvalue())
    assert "trials completed" in text and "best" in text and "reports" in text
    summary = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Tuning finished")]
    best_id, best_value = tuner.best_trial()
    assert len(summary) == 1 and f"at trial {best_id}:" in summary[0]
    assert Tuner.load(tuner.tuner_path).progress.mode == "live"


def test_notebook_display_updates_one_output_in_place(monkeypatch):
    IPython = pytest.importorskip("IPython", reason="the notebook display needs the extra 'notebook'")
    import IPython.display

    class ZMQInteractiveShell:  # what get_ipython() returns inside a Jupyter kernel
        pass

    shown = []

    class Handle:
        def update(self, content):
            shown.append(content.data)

    monkeypatch.setattr(IPython, "get_ipython", lambda: ZMQInteractiveShell())
    monkeypatch.setattr(IPython.display, "display", lambda content, display_id: shown.append(content.data) or Handle())
    progress = TuningProgress(refresh_interval=0.0)  # "auto" in a notebook
    progress.on_tuning_start(_fake_tuner())
    assert progress.display_mode == "notebook"
    progress.on_loop_end()
    progress.on_tuning_end()
    assert len(shown) == 3 and shown[0] == "<pre>starting...</pre>"
    assert shown[-1].startswith("<pre>progress  [") and "best      loss 0.05 (min) at trial 1: x=0.2" in shown[-1]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_auto_picks_the_live_block_on_a_terminal_and_lines_without_rich(monkeypatch, caplog):
    monkeypatch.setenv("TERM", "xterm")
    progress = TuningProgress(file=_Terminal())
    progress.on_tuning_start(_fake_tuner())
    assert progress.display_mode == "live"
    progress.on_tuning_end()
    monkeypatch.setattr("syne_tune.progress._rich_installed", lambda: False)
    progress = TuningProgress(file=_Terminal())
    progress.on_tuning_start(_fake_tuner())
    assert progress.display_mode == "lines"
    caplog.set_level(logging.WARNING, logger="syne_tune")
    forced = TuningProgress("live", file=_Terminal())
    forced.on_tuning_start(_fake_tuner())
    assert forced.display_mode == "lines" and "pip install 'syne-tune[progress]'" in caplog.text


def test_notebook_outside_jupyter_is_refused_by_the_constructor_before_any_folder(_results_root):
    scheduler = FIFOScheduler({"x": uniform(0, 1)}, metric="loss")
    with pytest.raises(ValueError) as raised:
        Tuner(LocalBackend(SCRIPT), scheduler, StoppingCriterion(max_num_trials_started=1), n_workers=1,
              progress="notebook")
    message = str(raised.value)
    assert "'progress' argument of Tuner" in message and "Jupyter" in message
    assert all(f"'{mode}'" in message for mode in ("auto", "live", "lines", "off"))
    assert not _results_root.exists() or not any(_results_root.iterdir())
    with pytest.raises(ValueError, match="'mode' argument of TuningProgress"):
        TuningProgress("notebook")


def test_notebook_is_accepted_inside_a_kernel(monkeypatch):
    IPython = pytest.importorskip("IPython", reason="the notebook display needs the extra 'notebook'")

    class ZMQInteractiveShell:
        pass

    monkeypatch.setattr(IPython, "get_ipython", lambda: ZMQInteractiveShell())
    assert as_progress("notebook").mode == "notebook"


def test_the_summary_of_an_interrupted_run_says_so():
    tuner = _fake_tuner()
    assert format_summary(tuner).startswith("Tuning finished after")
    tuner.interrupted = True
    assert format_summary(tuner).startswith("Tuning interrupted after")


def test_a_loaded_notebook_tuner_run_outside_jupyter_shows_lines(caplog):
    progress = TuningProgress("lines")
    progress.mode = "notebook"  # as unpickled from a tuner created in a notebook
    caplog.set_level(logging.WARNING, logger="syne_tune")
    progress.on_tuning_start(_fake_tuner())
    assert progress.display_mode == "lines" and "needs a Jupyter notebook" in caplog.text
    progress.on_tuning_end()
