"""Every endpoint of the dashboard server, over real HTTP, on real and broken experiments."""
import hashlib
import json
import shutil
import threading
import urllib.error
import urllib.request

import pytest

from syne_tune.cli import _parser
from syne_tune.dashboard.server import make_server

NAMES = {}


@pytest.fixture
def results(stored_experiments, _results_root):
    """The stored runs copied into this test's results root, plus a corrupt and a half-written one."""
    root, names = stored_experiments
    for key, name in names.items():
        shutil.copytree(root / name, _results_root / name)
    NAMES.update(names)
    corrupt = _results_root / "corrupt"
    corrupt.mkdir()
    (corrupt / "metadata.json").write_text('{"metric_names": ["loss"], "metric_mo')  # cut mid-write
    half = _results_root / "half-written"
    shutil.copytree(root / names["fifo"], half)
    for table in half.glob("results.csv*"):
        table.unlink()
    with open(half / "journal.jsonl", "a") as journal:
        journal.write('{"trial_id": 99, "loss": 0.')  # a report cut by a crash
    outside = _results_root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "metadata.json").write_text('{"metric_names": ["secret"], "metric_mode": "min"}')
    return _results_root


@pytest.fixture
def server(results):
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def _json(url):
    status, kind, body = _get(url)
    assert kind == "application/json"
    return status, json.loads(body)


def _tree_digest(root):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_page_and_its_static_files(server):
    status, kind, body = _get(server + "/")
    assert status == 200 and kind.startswith("text/html") and b"/static/dashboard.js" in body
    status, kind, body = _get(server + "/static/dashboard.js")
    assert status == 200 and kind.startswith("text/javascript") and b"setInterval" in body
    assert _get(server + "/static/nothing.js")[0] == 404
    assert _get(server + "/static/..%2Fserver.py")[0] == 404


def test_experiment_list_shows_every_experiment_and_the_corrupt_one_as_unreadable(server):
    status, entries = _json(server + "/api/experiments")
    assert status == 200
    by_name = {e["name"]: e for e in entries}
    assert set(by_name) == {NAMES["fifo"], NAMES["asha"], "corrupt", "half-written"}
    fifo = by_name[NAMES["fifo"]]
    assert fifo["status"] == "finished" and fifo["metric"] == "loss" and fifo["trials"] >= 5, fifo
    assert fifo["best"]["value"] == pytest.approx(min(r[1] for r in _rows(server, NAMES["fifo"])))
    assert by_name["corrupt"]["status"] == "unreadable" and "metadata.json" in by_name["corrupt"]["error"]
    assert by_name["half-written"]["status"] == "stopped" and by_name["half-written"]["rows"] > 0


def _rows(server, name):
    status, payload = _json(f"{server}/api/experiments/{name}/rows?since=0")
    assert status == 200
    return [[row[payload["columns"].index(c)] for c in ("trial_id", "loss")] for row in payload["rows"]]


def test_one_experiment_has_trials_curves_and_plots(server):
    status, detail = _json(f"{server}/api/experiments/{NAMES['asha']}")
    assert status == 200
    assert detail["trials_table"]["columns"][:2] == ["trial_id", "status"]
    assert len(detail["trials_table"]["rows"]) == detail["trials"]
    times = [t for t, _ in detail["best_curve"]]
    assert times == sorted(times) and len(detail["curves"]) == detail["reported"]
    assert "pareto" not in detail["plots"] and "slice" in detail["plots"]  # one metric: no Pareto front


def test_rows_since_returns_only_new_rows(server):
    status, everything = _json(f"{server}/api/experiments/{NAMES['fifo']}/rows?since=0")
    assert status == 200 and everything["total"] == len(everything["rows"]) > 3
    assert everything["status"] == "finished"
    status, tail = _json(f"{server}/api/experiments/{NAMES['fifo']}/rows?since=3")
    assert tail["total"] == everything["total"] and tail["rows"] == everything["rows"][3:]
    assert _json(f"{server}/api/experiments/{NAMES['fifo']}/rows?since=-1")[0] == 400


def test_plot_endpoint_serves_png_or_says_why_not(server):
    status, kind, body = _get(f"{server}/api/experiments/{NAMES['asha']}/plot/slice.png")
    assert status == 200 and kind == "image/png" and body[:8] == b"\x89PNG\r\n\x1a\n"
    status, payload = _json(f"{server}/api/experiments/{NAMES['asha']}/plot/pareto.png")
    assert status == 422 and "two metrics" in payload["error"]
    assert _json(f"{server}/api/experiments/{NAMES['asha']}/plot/nonsense.png")[0] == 404


@pytest.mark.parametrize("path", ["..%2Foutside", "..", "%2Fetc", "..%2F..%2Fetc%2Fpasswd"])
def test_paths_outside_the_results_folder_are_refused(server, path):
    for suffix in ("", "/rows?since=0", "/plot/slice.png"):
        status, payload = _json(f"{server}/api/experiments/{path}{suffix}")
        assert status == 400 and "secret" not in json.dumps(payload)


def test_corrupt_and_half_written_experiments_keep_the_server_working(server):
    status, payload = _json(f"{server}/api/experiments/corrupt")
    assert status == 422 and "cannot be read" in payload["error"]
    status, detail = _json(f"{server}/api/experiments/half-written")
    assert status == 200 and detail["status"] == "stopped" and detail["rows"] > 0  # the cut line is skipped
    assert _json(f"{server}/api/experiments/missing")[0] == 404
    assert _get(server + "/api/nothing")[0] == 404
    assert _json(server + "/api/experiments")[0] == 200  # still serving


def test_the_server_never_writes_into_the_results_folder(server, results):
    before = _tree_digest(results)
    for name in [NAMES["fifo"], NAMES["asha"], "corrupt", "half-written"]:
        _get(f"{server}/api/experiments/{name}")
        _get(f"{server}/api/experiments/{name}/rows?since=0")
        _get(f"{server}/api/experiments/{name}/plot/importance.png")
    _get(server + "/api/experiments")
    assert _tree_digest(results) == before


def test_cli_dashboard_binds_to_this_machine_by_default():
    args = _parser().parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8050)


def test_the_list_reads_an_experiment_again_when_its_files_change(server, results):
    name = NAMES["fifo"]
    before = {e["name"]: e for e in _json(server + "/api/experiments")[1]}[name]
    table = results / name / "results.csv.zip"
    import pandas as pd

    frame = pd.read_csv(table)
    pd.concat([frame, frame.tail(1).assign(trial_id=1000, loss=-5.0)]).to_csv(table, index=False)
    after = {e["name"]: e for e in _json(server + "/api/experiments")[1]}[name]
    assert after["rows"] == before["rows"] + 1 and after["best"]["value"] == -5.0
