import json
import subprocess
import sys

import pytest

from syne_tune.report import Reporter, retrieve


def test_report_prints_one_metric_line(capsys):
    report = Reporter()
    report(epoch=1, loss=0.5)
    report(epoch=2, loss=0.25)
    lines = capsys.readouterr().out.splitlines()
    results = retrieve(lines)
    assert [r["epoch"] for r in results] == [1, 2]
    assert [r["st_worker_iter"] for r in results] == [0, 1]
    assert all("st_worker_timestamp" in r and "st_worker_time" in r for r in results)


def test_reserved_keys_are_rejected():
    with pytest.raises(ValueError, match="st_x"):
        Reporter()(st_x=1)


def test_numpy_values_are_serialized(capsys):
    import numpy as np

    Reporter()(loss=np.float32(0.5), epoch=np.int64(3))
    result = retrieve(capsys.readouterr().out.splitlines())[0]
    assert result["loss"] == 0.5 and result["epoch"] == 3


def test_importing_reporter_loads_no_heavy_module():
    code = ("import sys; from syne_tune import Reporter; "
            "print([m for m in ('numpy', 'pandas', 'scipy', 'autograd') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.replace("'", '"')) == []
