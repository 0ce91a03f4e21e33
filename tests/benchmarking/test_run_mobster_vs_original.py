"""The side-by-side MOBSTER benchmark: its function, regret rule, and one short run with our library."""
from __future__ import annotations

import numpy as np
import pytest

from benchmarking.scripts.run_mobster_vs_original import (
    HARTMANN6_MIN, hartmann6, mf_hartmann6, regret_trace, run_once, table,
)

OPTIMUM = np.array([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])


def test_hartmann6_minimum_and_the_bias_vanishing_at_max_t():
    assert hartmann6(OPTIMUM) == pytest.approx(HARTMANN6_MIN, abs=1e-4)
    epochs = np.arange(1, 28)
    curve = mf_hartmann6(OPTIMUM, epochs, seed=3, max_t=27, seconds_per_epoch=2.0)
    again = mf_hartmann6(OPTIMUM, epochs, seed=3, max_t=27, seconds_per_epoch=2.0)
    np.testing.assert_array_equal(curve, again)                       # noise is a function of (config, seed)
    assert not np.array_equal(curve[:, 0], mf_hartmann6(OPTIMUM, epochs, 4, 27, 2.0)[:, 0])
    noise_free = curve[:, 0] - hartmann6(OPTIMUM)
    assert abs(noise_free[-1]) < 0.3 and np.mean(noise_free[:3]) > np.mean(noise_free[-3:])
    np.testing.assert_allclose(curve[:, 1], 2.0 * epochs)


def test_regret_follows_the_best_report_at_the_largest_epoch():
    good, bad = list(OPTIMUM), [0.9] * 6
    results = [(1.0, 0, 1, 5.0, bad), (2.0, 1, 1, 9.0, good), (3.0, 1, 3, 9.0, good), (4.0, 0, 3, -9.0, bad)]
    trace = regret_trace(results)
    assert trace[0] == (1.0, pytest.approx(hartmann6(np.array(bad)) - HARTMANN6_MIN))
    assert trace[1] == (3.0, pytest.approx(hartmann6(OPTIMUM) - HARTMANN6_MIN, abs=1e-4))
    assert trace[-1][0] == 4.0 and trace[-1][1] == trace[0][1]


def test_short_run_with_our_library_and_the_table():
    output = run_once(seed=0, max_time=20.0, max_t=9, seconds_per_epoch=1.0)
    assert output["library"] == "ours" and output["results"] > 20 and output["cpu"] > 0
    assert output["trace"] and all(r >= 0 for _, r in output["trace"])
    lines = table({"ours": [output], "original": [dict(output, cpu=10 * output["cpu"], library="original")]}, 20.0)
    assert "CPU ratio original / ours (medians): 10.0x" in "\n".join(lines)


def test_the_original_library_needs_its_interpreter_named(monkeypatch, capsys):
    from benchmarking.scripts.run_mobster_vs_original import ORIGINAL_PYTHON_ENV, main

    monkeypatch.delenv(ORIGINAL_PYTHON_ENV, raising=False)
    with pytest.raises(SystemExit) as stopped:
        main(["--libraries", "original"])
    assert stopped.value.code == 2
    assert "--original-python" in capsys.readouterr().err
