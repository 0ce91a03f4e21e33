"""benchmarking/scripts/run_gp_autograd_benchmark.py: its measurements run with this library and with a
baseline commit's, side by side."""
from __future__ import annotations

import pytest

from benchmarking.scripts import run_gp_autograd_benchmark as benchmark


@pytest.mark.parametrize("searcher, kernel", [("fifo", None), ("mobster", "exp-decay-sum")])
def test_seconds_per_suggestion_are_measured_in_process(searcher, kernel):
    seconds = benchmark.time_suggestions(searcher, 8, seed=0, kernel=kernel, window=2)
    assert 0.0 < seconds < 5.0


def test_code_lines_leave_out_docstrings_comments_and_blank_lines(tmp_path):
    (tmp_path / "a.py").write_text('"""Doc\nstring."""\n# comment\n\nx = 1\n\n\ndef f():\n    """Doc."""\n    return x\n')
    assert benchmark.code_lines(tmp_path) == 3


def test_main_prints_both_versions_side_by_side(capsys):
    assert benchmark.main(["--sizes", "6", "--repeats", "1", "--window", "1", "--skip", "mobster", "kernels"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| fifo | matern52 | 6 |"))
    old, new, ratio = (float(cell) for cell in row.strip("| ").split(" | ")[3:])
    assert old > 0 and new > 0 and ratio == pytest.approx(new / old, rel=0.05)
    assert "lines of code in syne_tune/gp" in out
