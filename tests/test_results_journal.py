"""The journal: rows and events appended, read back, and a line cut by a crash."""
import json

from syne_tune.results_journal import (
    ResultsJournal, config_columns, journal_rows, read_journal, report_of_row, results_row,
)


def test_rows_and_events_round_trip_and_a_cut_line_does_not_swallow_the_next(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = ResultsJournal(path)
    journal.add_event("start", 0, config={"x": 0.5})
    row = results_row(0, config_columns({"x": 0.5}), "InProgress", {"loss": float("nan"), "epoch": 1}, "CONTINUE", 1.25)
    journal.add_row(row)
    assert not path.read_text()  # nothing written before flush
    journal.flush()
    assert journal.lines == 2 and journal.unsynced
    journal.close()
    assert not journal.unsynced
    with open(path, "a") as stream:
        stream.write('{"loss": 1.0, "tr')  # a write cut by SIGKILL
    journal = ResultsJournal(path)
    journal.add_row(results_row(1, config_columns({"x": 0.1}), "Completed", {"loss": 2.0}, "STOP", 2.0))
    journal.close()
    records = read_journal(path)
    assert [r.get("st_event") for r in records] == ["start", None, None]
    rows = journal_rows(path)
    assert rows[0]["config_x"] == 0.5 and rows[0]["st_tuner_time"] == 1.25 and rows[1]["trial_id"] == 1
    assert report_of_row(rows[1]) == {"loss": 2.0}
    assert read_journal(path, start=journal.lines - 1) == [rows[1]]
    assert json.loads(path.read_text().splitlines()[1])["st_decision"] == "CONTINUE"


def test_a_printed_report_is_stored_as_printed_and_read_back_as_a_row(tmp_path):
    from syne_tune.backend.trial_process import parse_report
    from syne_tune.results_journal import row_fields

    report, _ = parse_report(b'[tune-metric]: {"loss": NaN, "epoch": 2, "trial_id": 99, "st_worker_timestamp": 5.0}\n')
    assert report.printed.startswith('{"loss": NaN')
    columns = config_columns({"x": 0.5, "act": "-relu"})
    journal = ResultsJournal(tmp_path / "journal.jsonl")
    journal.add_printed_row(report.printed, row_fields(3, columns, "InProgress", "CONTINUE"), 1.5)
    journal.add_row(results_row(3, columns, "InProgress", dict(report), "CONTINUE", 1.5))
    journal.close()
    printed, encoded = journal_rows(tmp_path / "journal.jsonl")
    assert list(printed) == list(encoded) and printed["trial_id"] == 3 == encoded["trial_id"]
    assert printed["config_act"] == "-relu" and printed["st_tuner_time"] == 1.5 and printed["loss"] != printed["loss"]
