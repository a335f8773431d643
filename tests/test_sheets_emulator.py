"""The Sheets emulator driven by the REAL gspread client, and checked against Google's recordings.

The cassettes (gspread's own vcrpy recordings of Google Sheets API v4) live in
../shared/data/gspread-cassettes beside the checkout, or $SIDIP_SHARED_DIR/data/gspread-cassettes.
Without them the replay tests skip, except under CI=true where that is a failure.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path
from typing import Callable

import gspread
import pytest
import requests
from gspread.exceptions import APIError, SpreadsheetNotFound

from tests.sheets_emulator import (FAULT_KINDS, FaultPlan, Quota, ServerProcess, SheetsEmulator,
                                   forwarding_session)

TESTS_DIR = Path(__file__).resolve().parent
_SHARED = os.environ.get("SIDIP_SHARED_DIR")
CASSETTES = (Path(_SHARED) if _SHARED else Path(__file__).resolve().parents[2] / "shared") / "data" / "gspread-cassettes"
RAW = {"value_input_option": "RAW"}


@pytest.fixture
def emu() -> SheetsEmulator:
    return SheetsEmulator(seed=1)


@pytest.fixture
def gc(emu) -> gspread.Client:
    return gspread.Client(auth=None, session=emu.session())


@pytest.fixture
def sid(emu) -> str:
    return emu.create("SIDIP", sheets=[{"title": "items", "rowCount": 100, "columnCount": 8}, "log"])


def _batch(sh, *requests_):
    return sh.batch_update({"requests": list(requests_)})


def _cells(*values):
    return {"values": [{"userEnteredValue": {"stringValue": v}} for v in values]}


# ----------------------------------------------------------------------------------------------
# The real gspread client against the in-process emulator
# ----------------------------------------------------------------------------------------------

def test_open_by_key_lists_worksheets_with_grid_sizes(gc, sid):
    sh = gc.open_by_key(sid)
    assert sh.title == "SIDIP"
    assert [(w.title, w.index, w.row_count, w.col_count) for w in sh.worksheets()] == \
        [("items", 0, 100, 8), ("log", 1, 1000, 26)]
    assert sh.worksheet("items").id == 0 and sh.worksheet("log").id != 0
    with pytest.raises(gspread.WorksheetNotFound):
        sh.worksheet("missing")


def test_raw_values_are_stored_verbatim_never_parsed(gc, sid):
    ws = gc.open_by_key(sid).worksheet("items")
    row = ["=1+1", "0042", "+62 812 0000", "TRUE", "2026-03-17", "'quoted", "  spaced  "]
    resp = ws.update([row], "A1", **RAW)
    assert resp["updatedRange"] == "items!A1:G1" and resp["updatedCells"] == 7
    for option in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
        assert ws.get("A1:G1", value_render_option=option) == [row]
    assert ws.get_all_values() == [row]


def test_reads_clamp_open_ranges_and_trim_trailing_empties(gc, sid):
    sh = gc.open_by_key(sid)
    ws = sh.worksheet("items")
    ws.update([["a", "b", "", ""], ["", "", "", ""], ["", "c"], ["", "", "", ""]], "A1", **RAW)
    whole = sh.values_get("items")
    assert whole == {"range": "items!A1:H100", "majorDimension": "ROWS", "values": [["a", "b"], [], ["", "c"]]}
    assert sh.values_get("'items'!A1:C")["range"] == "items!A1:C100"
    assert sh.values_get("items!A1:1")["range"] == "items!A1:H1"
    assert sh.values_get("items!B3") == {"range": "items!B3", "majorDimension": "ROWS", "values": [["c"]]}
    assert "values" not in sh.values_get("items!D1:E9")            # nothing there: no "values" key
    assert sh.values_get("items!D4:A1")["range"] == "items!A1:D4"  # reversed corners are normalised
    cols = sh.values_get("items!A1:B3", params={"majorDimension": "COLUMNS"})
    assert cols["values"] == [["a"], ["b", "", "c"]]
    assert ws.get_all_values() == [["a", "b"], ["", ""], ["", "c"]]  # gspread pads, Google does not


def test_batch_get_and_values_batch_get(gc, sid):
    sh = gc.open_by_key(sid)
    ws = sh.worksheet("items")
    ws.update([["id", "judul"], ["1", "Laporan"], ["2", "Renstra"]], "A1", **RAW)
    got = ws.batch_get(["A1:B1", "A2:B3", "E1:F2"])
    assert [list(vr) for vr in got] == [[["id", "judul"]], [["1", "Laporan"], ["2", "Renstra"]], []]
    raw = sh.values_batch_get(["items!A:A", "'log'", "items!B2"], params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert [vr["range"] for vr in raw["valueRanges"]] == ["items!A1:A100", "log!A1:Z1000", "items!B2"]
    assert raw["valueRanges"][0]["values"] == [["id"], ["1"], ["2"]]
    assert "values" not in raw["valueRanges"][1]


def test_append_rows_land_after_the_last_row_in_call_order(gc, sid):
    ws = gc.open_by_key(sid).worksheet("items")
    ws.update([["id", "judul", "status"]], "A1", **RAW)
    first = ws.append_rows([["1", "a", "baru"], ["2", "b", "baru"]], **RAW)
    assert first["tableRange"] == "items!A1:C1"
    assert first["updates"]["updatedRange"] == "items!A2:C3" and first["updates"]["updatedRows"] == 2
    second = ws.append_rows([["3", "c", "baru"]], **RAW)
    assert second["tableRange"] == "items!A1:C3" and second["updates"]["updatedRange"] == "items!A4:C4"
    assert [r[0] for r in ws.get_all_values()] == ["id", "1", "2", "3"]


def test_append_insert_rows_grows_the_grid_and_overwrite_extends_when_full(gc, emu):
    sid = emu.create("small", sheets=[{"title": "t", "rowCount": 2, "columnCount": 3}])
    sh = gc.open_by_key(sid)
    ws = sh.worksheet("t")
    ws.update([["h1", "h2"], ["x", "y"]], "A1", **RAW)
    resp = ws.append_rows([["a", "b"]], **RAW, insert_data_option="INSERT_ROWS")
    assert resp["updates"]["updatedRange"] == "t!A3:B3"
    assert emu.grid_size(sid, "t") == (3, 3)
    resp = ws.append_rows([["c", "d", "e", "f"]], **RAW)  # OVERWRITE: rows and columns still added
    assert resp["updates"]["updatedRange"] == "t!A4:D4"
    assert emu.grid_size(sid, "t") == (4, 4)
    assert emu.get_values(sid, "t")[-1] == ["c", "d", "e", "f"]


def test_append_table_detection_follows_the_recorded_google_answers(gc, sid):
    # WorksheetTest.test_append_row_with_empty_value(_and_table_range): A1 and C1 filled, B1 empty.
    ws = gc.open_by_key(sid).worksheet("log")
    ws.append_row(["x1", "", "x3"], **RAW)
    whole = ws.append_row(["y1", "", "y3"], **RAW)
    assert whole["tableRange"] == "log!C1" and whole["updates"]["updatedRange"] == "log!C2:E2"
    anchored = ws.append_row(["z1", "", "z3"], **RAW, table_range="A1")
    assert anchored["tableRange"] == "log!A1" and anchored["updates"]["updatedRange"] == "log!A2:C2"


def test_concurrent_appends_are_atomic_and_never_overwrite(emu, sid):
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(tag: str) -> None:
        try:
            ws = gspread.Client(auth=None, session=emu.session()).open_by_key(sid).worksheet("log")
            for i in range(8):
                r = ws.append_rows([[f"{tag}-{i}", tag, str(i)]], **RAW, insert_data_option="INSERT_ROWS")
                results.append(r["updates"]["updatedRange"])
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = emu.get_values(sid, "log")
    assert len(rows) == 48 and len(set(results)) == 48
    assert sorted(r[0] for r in rows) == sorted(f"w{n}-{i}" for n in range(6) for i in range(8))
    for n in range(6):  # each client's rows keep that client's order
        mine = [int(r[2]) for r in rows if r[1] == f"w{n}"]
        assert mine == sorted(mine)


def test_every_request_waits_for_the_one_lock(emu, sid):
    http = emu.session()
    answered = threading.Event()

    def write():
        http.put(f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/values/items!A1",
                 params={"valueInputOption": "RAW"}, json={"values": [["x"]]})
        answered.set()

    with emu.lock:  # as if another request were being applied
        t = threading.Thread(target=write)
        t.start()
        assert not answered.wait(0.2)
        assert emu.get_values(sid, "items") == []
    t.join(5)
    assert answered.is_set() and emu.get_values(sid, "items") == [["x"]]


def test_batch_update_add_sheet_append_cells_and_update_cells(gc, emu, sid):
    sh = gc.open_by_key(sid)
    resp = _batch(sh,
                  {"addSheet": {"properties": {"title": "audit", "sheetId": 77,
                                               "gridProperties": {"rowCount": 10, "columnCount": 4}}}},
                  {"appendCells": {"sheetId": 77, "rows": [_cells("id", "aksi"), _cells("1", "buat")],
                                   "fields": "userEnteredValue"}})
    assert resp["replies"][0]["addSheet"]["properties"] == {
        "sheetId": 77, "title": "audit", "index": 2, "sheetType": "GRID",
        "gridProperties": {"rowCount": 10, "columnCount": 4}}
    assert resp["replies"][1] == {}
    # a value far down: appendCells goes after the LAST row with data in the sheet, column A
    _batch(sh, {"updateCells": {"start": {"sheetId": 77, "rowIndex": 5, "columnIndex": 3},
                                "rows": [_cells("catatan")], "fields": "userEnteredValue"}})
    _batch(sh, {"appendCells": {"sheetId": 77, "rows": [_cells("2", "ubah")], "fields": "userEnteredValue"}})
    assert emu.get_values(sid, "audit") == [["id", "aksi"], ["1", "buat"], [], [], [], ["", "", "", "catatan"],
                                            ["2", "ubah"]]
    # updateCells with a range clears whatever the rows do not cover, within that range
    _batch(sh, {"updateCells": {"range": {"sheetId": 77, "startRowIndex": 0, "endRowIndex": 2,
                                          "startColumnIndex": 0, "endColumnIndex": 2},
                                "rows": [_cells("ID")], "fields": "userEnteredValue"}})
    assert emu.get_values(sid, "audit")[:2] == [["ID"], []]
    # appendCells adds rows when the grid is full
    _batch(sh, {"appendCells": {"sheetId": 77, "rows": [_cells(str(i)) for i in range(5)],
                                "fields": "userEnteredValue"}})
    assert emu.grid_size(sid, "audit") == (12, 4)
    assert sh.worksheet("audit").row_count == 12


def test_batch_update_is_all_or_nothing(gc, emu, sid):
    sh = gc.open_by_key(sid)
    before = (emu.sheet_titles(sid), emu.get_values(sid, "log"))
    emu.reset_counters()
    good = {"appendCells": {"sheetId": 0, "rows": [_cells("tidak", "masuk")], "fields": "userEnteredValue"}}
    with pytest.raises(APIError) as bad_sheet:
        _batch(sh, {"addSheet": {"properties": {"title": "baru"}}}, good, {"deleteSheet": {"sheetId": 4242}})
    assert bad_sheet.value.code == 400
    assert bad_sheet.value.error == {"code": 400, "status": "INVALID_ARGUMENT",
                                     "message": "Invalid requests[2].deleteSheet: No sheet with id: 4242"}
    with pytest.raises(APIError) as unknown:
        _batch(sh, good, {"frobnicate": {}})
    assert unknown.value.code == 400 and unknown.value.error["status"] == "INVALID_ARGUMENT"
    assert 'Unknown name "frobnicate"' in unknown.value.error["message"]
    with pytest.raises(APIError) as bad_grid:
        _batch(sh, good, {"appendCells": {"sheetId": 999, "rows": [_cells("x")], "fields": "userEnteredValue"}})
    assert bad_grid.value.error["message"] == "Invalid requests[1].appendCells: No grid with id: 999"
    with pytest.raises(APIError) as empty:
        _batch(sh)
    assert empty.value.error["message"] == "Must specify at least one request."
    assert (emu.sheet_titles(sid), emu.get_values(sid, "log")) == before
    assert emu.get_values(sid, "items") == [] and emu.cells_written == 0


def test_dimension_requests_shift_and_resize(gc, emu, sid):
    sh = gc.open_by_key(sid)
    ws = sh.worksheet("items")
    ws.update([["r1"], ["r2"], ["r3"]], "A1", **RAW)
    _batch(sh, {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 3},
                                    "inheritFromBefore": False}})
    assert emu.get_values(sid, "items") == [["r1"], [], [], ["r2"], ["r3"]] and emu.grid_size(sid, "items") == (102, 8)
    _batch(sh, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}},
           {"insertDimension": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}}},
           {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 9}})
    assert emu.get_values(sid, "items") == [[], [], ["", "r2"], ["", "r3"]] and emu.grid_size(sid, "items") == (110, 9)
    ws.resize(rows=3)
    assert emu.get_values(sid, "items") == [[], [], ["", "r2"]]
    with pytest.raises(APIError, match="You can't delete all the rows on the sheet"):
        _batch(sh, {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 3}}})
    _batch(sh, {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "barang"}, "fields": "title"}})
    assert [w.title for w in sh.worksheets()] == ["barang", "log"]


def test_values_batch_update_and_clears(gc, emu, sid):
    sh = gc.open_by_key(sid)
    resp = sh.values_batch_update({"valueInputOption": "RAW", "data": [
        {"range": "items!A1:B1", "values": [["a", "b"]]},
        {"range": "'log'!B2", "values": [["c"], ["d"]]}]})
    assert {k: resp[k] for k in ("totalUpdatedRows", "totalUpdatedColumns", "totalUpdatedCells",
                                 "totalUpdatedSheets")} == {"totalUpdatedRows": 3, "totalUpdatedColumns": 3,
                                                            "totalUpdatedCells": 4, "totalUpdatedSheets": 2}
    assert [r["updatedRange"] for r in resp["responses"]] == ["items!A1:B1", "log!B2:B3"]
    with pytest.raises(APIError, match="exceeds grid limits"):  # atomic: the first range is not written
        sh.values_batch_update({"valueInputOption": "RAW", "data": [
            {"range": "items!C1", "values": [["nope"]]}, {"range": "items!H100", "values": [["x", "y"]]}]})
    assert emu.get_values(sid, "items") == [["a", "b"]]
    assert sh.values_batch_clear(body={"ranges": ["items!A1", "log"]})["clearedRanges"] == ["items!A1", "log!A1:Z1000"]
    assert sh.values_clear("items")["clearedRange"] == "items!A1:H100"
    assert emu.get_values(sid, "items") == [] and emu.get_values(sid, "log") == []


def test_errors_have_googles_shapes(gc, emu, sid):
    with pytest.raises(SpreadsheetNotFound):
        gc.open_by_key("does-not-exist")
    http = emu.session()
    base = f"https://sheets.googleapis.com/v4/spreadsheets/{sid}"
    r = http.get("https://sheets.googleapis.com/v4/spreadsheets/nope/values/A1")
    assert (r.status_code, r.json()) == (404, {"error": {"code": 404, "message": "Requested entity was not found.",
                                                         "status": "NOT_FOUND"}})
    r = http.get(f"{base}/values/nosheet!A1")
    assert (r.status_code, r.json()["error"]["message"]) == (400, "Unable to parse range: nosheet!A1")
    r = http.get(f"{base}/values/items!A1:Z5")
    assert r.json()["error"]["message"] == "Range (items!A1:Z5) exceeds grid limits. Max rows: 100, max columns: 8"
    r = http.put(f"{base}/values/items!A1:B1", params={"valueInputOption": "RAW"}, json={"values": [["a", "b", "c"]]})
    assert r.json()["error"]["message"] == "Requested writing within range [items!A1:B1], but tried writing to column [C]"
    r = http.put(f"{base}/values/items!A1", json={"values": [["a"]]})
    assert r.status_code == 400  # valueInputOption is required
    r = http.put(f"{base}/values/items!A1", params={"valueInputOption": "RAW"}, json={"values": "X"})
    assert r.json()["error"]["details"][0]["fieldViolations"][0]["field"] == "data.values"
    # USER_ENTERED text Google would turn into a formula/number is refused, not silently stored
    r = http.put(f"{base}/values/items!A1", params={"valueInputOption": "USER_ENTERED"}, json={"values": [["=1+1"]]})
    assert r.status_code == 501 and r.json()["error"]["status"] == "UNIMPLEMENTED"
    assert http.put(f"{base}/values/items!A1", params={"valueInputOption": "USER_ENTERED"},
                    json={"values": [["plain text"]]}).status_code == 200
    assert http.post(f"{base}:batchUpdate", json={"requests": [{"mergeCells": {}}]}).status_code == 501
    note = {"updateCells": {"start": {"sheetId": 0}, "rows": [{"values": [{"note": "n"}]}], "fields": "note"}}
    assert http.post(f"{base}:batchUpdate", json={"requests": [note]}).status_code == 501


def test_counters_count_requests_and_cells(gc, emu, sid):
    sh = gc.open_by_key(sid)
    ws = sh.worksheet("items")
    emu.reset_counters()
    ws.update([["a", "b"], ["c", "d"]], "A1", **RAW)
    ws.append_rows([["e", "f"]], **RAW)
    ws.get_all_values()
    sh.values_batch_get(["items!A1:A3", "items!B1"])
    _batch(sh, {"appendCells": {"sheetId": 0, "rows": [_cells("g")], "fields": "userEnteredValue"}})
    assert emu.requests == {("PUT", "values.update"): 1, ("POST", "values.append"): 1, ("GET", "values.get"): 1,
                            ("GET", "values.batchGet"): 1, ("POST", "spreadsheets.batchUpdate"): 1}
    assert emu.request_count("values.get") == 1 and emu.request_count(method="POST") == 2
    assert (emu.read_requests, emu.write_requests) == (2, 3)
    assert emu.cells_written == 7 and emu.cells_read == 6 + 4
    emu.reset_counters()
    assert emu.requests == {} and emu.cells_read == emu.cells_written == 0


def test_fault_at_index_gives_429_and_is_counted(gc, emu, sid):
    ws = gc.open_by_key(sid).worksheet("items")
    emu.faults = plan = FaultPlan(at=[1], fault="429")
    ws.update([["a"]], "A1", **RAW)                      # request 0: fine
    with pytest.raises(APIError) as err:
        ws.update([["b"]], "A1", **RAW)                  # request 1: quota
    assert err.value.code == 429 and err.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert err.value.error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert ws.acell("A1").value == "a"                   # not applied; request 2 fine again
    assert plan.injected == {"429": 1} and plan.total == 1 and plan.seen == 3
    assert [(e.index, e.method, e.kind) for e in plan.history] == [(1, "PUT", "values.update")]
    for fault, code, status in (("500", 500, "INTERNAL"), ("503", 503, "UNAVAILABLE")):
        emu.faults = FaultPlan(at=[0], fault=fault)
        with pytest.raises(APIError) as err:
            ws.acell("A1")
        assert (err.value.code, err.value.error["status"]) == (code, status)


def test_timeouts_before_and_after_applying(gc, emu, sid):
    ws = gc.open_by_key(sid).worksheet("items")
    ws.update([["id"]], "A1", **RAW)
    emu.faults = FaultPlan(at={0: "timeout_before", 1: "timeout_after"}, endpoints={"values.append"})
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.append_rows([["lost"]], **RAW)
    assert emu.get_values(sid, "items") == [["id"]]
    with pytest.raises(requests.exceptions.ReadTimeout):
        ws.append_rows([["applied anyway"]], **RAW)
    assert emu.get_values(sid, "items") == [["id"], ["applied anyway"]]  # a blind retry would duplicate it
    assert emu.faults.injected == {"timeout_before": 1, "timeout_after": 1}


def test_random_faults_are_seeded_reproducible_and_filtered(emu, sid):
    def run(seed):
        e = SheetsEmulator(seed=1)
        s = e.create("x", sheets=["items"])
        e.faults = FaultPlan(rates={"429": 0.2, "500": 0.1}, seed=seed, writes_only=True)
        http = e.session()
        for i in range(200):
            http.get(f"https://sheets.googleapis.com/v4/spreadsheets/{s}/values/items!A1")
            http.put(f"https://sheets.googleapis.com/v4/spreadsheets/{s}/values/items!A1",
                     params={"valueInputOption": "RAW"}, json={"values": [[str(i)]]})
        return e.faults
    a, b, c = run(5), run(5), run(6)
    assert a.history == b.history and a.history != c.history
    assert a.seen == 200 and all(ev.kind == "values.update" for ev in a.history)
    assert 20 <= a.injected["429"] <= 60 and 5 <= a.injected["500"] <= 40
    assert set(a.injected) <= set(FAULT_KINDS)
    with pytest.raises(ValueError):
        FaultPlan(fault="418")


def test_quota_answers_429_until_the_minute_has_passed(emu, sid):
    now = [0.0]
    emu.quota = Quota(read_per_minute=3, write_per_minute=1, clock=lambda: now[0])
    http = emu.session()
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{sid}/values/items!A1"
    assert [http.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert http.get(url).json()["error"]["message"].startswith("Quota exceeded for quota metric 'Read requests'")
    assert [http.put(url, params={"valueInputOption": "RAW"}, json={"values": [["v"]]}).status_code
            for _ in range(2)] == [200, 429]
    now[0] = 61.0
    assert http.get(url).status_code == 200


def test_state_round_trips(emu, sid, tmp_path, gc):
    ws = gc.open_by_key(sid).worksheet("items")
    ws.update([["a", "b"], ["", "c"]], "A1", **RAW)
    emu.save_state(tmp_path / "s.json")
    again = SheetsEmulator(state_path=tmp_path / "s.json")
    assert again.get_values(sid, "items") == [["a", "b"], ["", "c"]]
    assert again.sheet_titles(sid) == ["items", "log"] and again.grid_size(sid, "items") == (100, 8)


def test_drive_create_list_and_delete_through_gspread(gc, emu):
    sh = gc.create("Daftar Informasi Publik")
    assert sh.sheet1.title == "Sheet1" and (sh.sheet1.row_count, sh.sheet1.col_count) == (1000, 26)
    assert gc.open("Daftar Informasi Publik").id == sh.id
    gc.del_spreadsheet(sh.id)
    assert emu.spreadsheet_ids() == []


# ----------------------------------------------------------------------------------------------
# Over HTTP: a server thread, and a server process shared by several client processes
# ----------------------------------------------------------------------------------------------

def test_server_mode_with_gspread_and_real_timeouts(emu, sid):
    with emu.serve() as server:
        gc = gspread.Client(auth=None, session=forwarding_session(server.port))
        ws = gc.open_by_key(sid).worksheet("items")
        ws.update([["id"]], "A1", **RAW)
        assert ws.append_rows([["1"]], **RAW)["updates"]["updatedRange"] == "items!A2"
        gc.set_timeout(0.25)
        emu.faults = FaultPlan(at={0: "timeout_before", 1: "timeout_after"}, endpoints={"values.append"},
                               timeout_sleep=0.6)
        with pytest.raises(requests.exceptions.ReadTimeout):
            ws.append_rows([["2"]], **RAW)
        with pytest.raises(requests.exceptions.ReadTimeout):
            ws.append_rows([["3"]], **RAW)
        emu.faults = None
        assert [r[0] for r in ws.get_all_values()] == ["id", "1", "3"]
        with pytest.raises(SpreadsheetNotFound):
            gc.open_by_key("nope")


_CLIENT = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    import gspread
    from sheets_emulator import forwarding_session
    port, sid, tag, n = int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    ws = gspread.Client(auth=None, session=forwarding_session(port)).open_by_key(sid).worksheet("items")
    for i in range(n):
        ws.append_rows([[f"{tag}-{i}", tag, str(i)]], value_input_option="RAW", insert_data_option="INSERT_ROWS")
""")


def test_several_client_processes_share_one_server_process(tmp_path):
    state = tmp_path / "state.json"
    script = tmp_path / "client.py"
    script.write_text(_CLIENT)
    with ServerProcess(state=state, seed=3) as server:
        sid = server.remote.create("SIDIP", [{"title": "items", "rowCount": 5, "columnCount": 3}])
        procs = [subprocess.Popen([sys.executable, str(script), str(TESTS_DIR), str(server.port), sid, f"p{n}", "10"])
                 for n in range(3)]
        assert [p.wait(60) for p in procs] == [0, 0, 0]
        rows = server.remote.get_values(sid, "items")
        assert len(rows) == 30 and len({r[0] for r in rows}) == 30
        for n in range(3):
            assert [int(r[2]) for r in rows if r[1] == f"p{n}"] == list(range(10))
        counters = server.remote.counters()
        assert counters["requests"]["POST values.append"] == 30 and counters["cells_written"] == 90
    saved = json.loads(state.read_text())
    assert len(saved["spreadsheets"][0]["sheets"][0]["rows"]) == 30
    with ServerProcess(state=state) as again:  # the state file carries over to a new server
        assert again.remote.get_values(sid, "items") == rows


# ----------------------------------------------------------------------------------------------
# The behaviours the Sheets register relies on: one routine, run on the emulator every time and on
# real Google when credentials are given (SHEETS_BEHAVIOURS.md: "emulated only" items)
# ----------------------------------------------------------------------------------------------

def check_behaviours(make_client: Callable[[], gspread.Client], key: str) -> list[str]:
    """Run the checks on a scratch tab of spreadsheet ``key`` (removed afterwards); returns their names."""
    gc = make_client()
    sh = gc.open_by_key(key)
    title = f"sidip_check_{uuid.uuid4().hex[:8]}"
    ws = sh.add_worksheet(title, rows=6, cols=4)
    sheet, done = ws.id, []

    def batch(*reqs):
        return sh.batch_update({"requests": list(reqs)})

    def tab() -> dict:
        return sh.values_batch_get([f"'{title}'"], params={"valueRenderOption": "FORMATTED_VALUE"})["valueRanges"][0]

    def append(*rows):
        return {"appendCells": {"sheetId": sheet, "rows": [_cells(*r) for r in rows], "fields": "userEnteredValue"}}

    try:
        texts = ["=1+1", "0042", "TRUE", "2026-03-17"]
        ws.update([texts], "A1", **RAW)
        assert all(ws.get("A1:D1", value_render_option=o) == [texts] for o in ("FORMATTED_VALUE", "FORMULA"))
        batch({"updateCells": {"start": {"sheetId": sheet, "rowIndex": 0, "columnIndex": 0},
                               "rows": [_cells("=2+2")], "fields": "userEnteredValue"}})
        assert ws.get("A1:B1", value_render_option="FORMULA") == [["=2+2", "0042"]]
        done.append("raw and stringValue text is never parsed")

        sh.values_clear(f"'{title}'")
        ws.update([["a", "b", "", ""], ["", "", "", ""], ["", "c"]], "A1", **RAW)
        got = tab()
        assert got["range"] in (f"{title}!A1:D6", f"'{title}'!A1:D6") and got["values"] == [["a", "b"], [], ["", "c"]]
        done.append("whole-tab read is clamped to the grid and trimmed")

        batch({"updateCells": {"start": {"sheetId": sheet, "rowIndex": 4, "columnIndex": 3},
                               "rows": [_cells("far")], "fields": "userEnteredValue"}}, append(["d"]))
        assert tab()["values"][4:] == [["", "", "", "far"], ["d"]]
        batch(append(["e"], ["f"]))
        assert tab()["values"][5:] == [["d"], ["e"], ["f"]] and sh.worksheet(title).row_count == 8
        done.append("appendCells goes after the last row with data and adds rows")

        before = tab()
        for bad in ([append(["no"]), {"deleteSheet": {"sheetId": 2_000_000_001}}],
                    [append(["no"]), {"appendCells": {"sheetId": 2_000_000_001, "rows": [_cells("x")],
                                                      "fields": "userEnteredValue"}}],
                    [append(["no"]), {"frobnicate": {}}]):
            try:
                batch(*bad)
            except APIError as err:
                assert err.code == 400 and err.error["status"] == "INVALID_ARGUMENT", err.error
            else:
                raise AssertionError(f"accepted {bad}")
        assert tab() == before
        done.append("batchUpdate is all-or-nothing, unknown requests are 400")

        batch(*[{"deleteDimension": {"range": {"sheetId": sheet, "dimension": "ROWS", "startIndex": i,
                                               "endIndex": i + 1}}} for i in (7, 5, 1)])
        assert tab()["values"] == [["a", "b"], ["", "c"], [], ["", "", "", "far"], ["e"]]
        done.append("deleteDimension requests apply in order within one batch")

        def writer(n: int) -> None:
            own = make_client().open_by_key(key)
            for i in range(3):
                own.batch_update({"requests": [append([f"w{n}-{i}", str(n)])]})

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rows = tab()["values"][5:]
        assert sorted(r[0] for r in rows) == sorted(f"w{n}-{i}" for n in range(4) for i in range(3))
        assert all([r[0] for r in rows if r[1] == str(n)] == [f"w{n}-{i}" for i in range(3)] for n in range(4))
        done.append("concurrent appendCells never overwrite and keep each writer's order")

        try:
            sh.values_get(f"'{title}'!A1:Z999")
        except APIError as err:
            assert err.code == 400 and "exceeds grid limits" in err.error["message"], err.error
        else:
            raise AssertionError("a read beyond the grid was answered")
        try:
            gc.open_by_key("1" + "x" * 43)
        except SpreadsheetNotFound:
            pass
        else:
            raise AssertionError("an unknown spreadsheet was opened")
        done.append("reads beyond the grid and unknown spreadsheets are errors")
    finally:
        sh.del_worksheet(sh.worksheet(title))
    return done


def test_behaviour_checks_pass_on_the_emulator(emu):
    key = emu.create("scratch")
    done = check_behaviours(lambda: gspread.Client(auth=None, session=emu.session()), key)
    assert len(done) == 7 and emu.sheet_titles(key) == ["Sheet1"]


LIVE_KEY = os.environ.get("SIDIP_LIVE_SHEETS_KEY")
LIVE_CREDENTIALS = os.environ.get("SIDIP_LIVE_GOOGLE_CREDENTIALS")


@pytest.mark.skipif(not (LIVE_KEY and LIVE_CREDENTIALS),
                    reason="live Google check is opt-in: set SIDIP_LIVE_SHEETS_KEY (a scratch Sheet shared with "
                           "the service account as Editor) and SIDIP_LIVE_GOOGLE_CREDENTIALS (its JSON key file)")
def test_live_google_behaves_like_the_emulator():
    done = check_behaviours(lambda: gspread.service_account(filename=LIVE_CREDENTIALS), LIVE_KEY)
    assert len(done) == 7


# ----------------------------------------------------------------------------------------------
# Replaying Google's recorded traffic
# ----------------------------------------------------------------------------------------------

REPLAYED = [
    "SpreadsheetTest.test_values_get", "SpreadsheetTest.test_values_batch_get", "WorksheetTest.test_append_row",
    "WorksheetTest.test_append_row_with_empty_value", "WorksheetTest.test_append_row_with_empty_value_and_table_range",
    "WorksheetTest.test_batch_update", "WorksheetTest.test_get_all_values",
    "WorksheetTest.test_get_all_values_title_is_a1_notation", "SpreadsheetTest.test_add_del_worksheet",
    "SpreadsheetTest.test_update_title", "WorksheetTest.test_update_title", "SpreadsheetTest.test_properties",
    "ClientTest.test_open_by_key_has_metadata", "ClientTest.test_access_non_existing_spreadsheet",
    "ClientTest.test_create", "WorksheetTest.test_hide_show_worksheet", "WorksheetTest.test_batch_clear",
    "WorksheetTest.test_batch_get", "WorksheetTest.test_clear", "WorksheetTest.test_delete_row",
    "WorksheetTest.test_delete_cols", "WorksheetTest.test_insert_cols", "WorksheetTest.test_resize",
    "WorksheetTest.test_range_unbounded", "WorksheetTest.test_range_reversed", "WorksheetTest.test_update_cells",
    "WorksheetTest.test_update_cells_noncontiguous", "WorksheetTest.test_worksheet_update_index",
    "WorksheetTest.test_reorder_worksheets", "WorksheetTest.test_get_values_and_maintain_size",
]
VOLATILE = {"createdTime", "modifiedTime"}  # compared by type only


def _cassettes() -> Path:
    if not CASSETTES.is_dir():
        reason = f"Google's recorded Sheets traffic is not at {CASSETTES} (set SIDIP_SHARED_DIR)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return CASSETTES


def _remap(obj, sheet_ids: dict, ids: dict):
    """Swap spreadsheet ids (strings) and sheetIds (ints under "sheetId") between recording and emulator."""
    if isinstance(obj, dict):
        return {k: (sheet_ids.get(v, v) if k == "sheetId" and isinstance(v, int) else _remap(v, sheet_ids, ids))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [_remap(v, sheet_ids, ids) for v in obj]
    if isinstance(obj, str):
        for old, new in ids.items():
            obj = obj.replace(old, new)
    return obj


def _differences(recorded, got, path="$") -> list[str]:
    if isinstance(recorded, dict) and isinstance(got, dict):
        out = [f"{path}.{k}: missing" for k in recorded.keys() - got.keys()]
        out += [f"{path}.{k}: unexpected" for k in got.keys() - recorded.keys()]
        for k in recorded.keys() & got.keys():
            if k in VOLATILE:
                out += [] if type(recorded[k]) is type(got[k]) else [f"{path}.{k}: type"]
            else:
                out += _differences(recorded[k], got[k], f"{path}.{k}")
        return out
    if isinstance(recorded, list) and isinstance(got, list):
        out = [] if len(recorded) == len(got) else [f"{path}: {len(recorded)} items recorded, {len(got)} answered"]
        for i, (a, b) in enumerate(zip(recorded, got)):
            out += _differences(a, b, f"{path}[{i}]")
        return out
    return [] if recorded == got else [f"{path}: recorded {recorded!r}, answered {got!r}"]


def replay(cassette: Path, emulator: SheetsEmulator, tolerate: tuple[str, ...] = ()) -> tuple[int, list[str]]:
    """Send every recorded request (method, path, query, body) to the emulator, in order, starting
    from an empty account like the recording did; ids Google chose are mapped to the emulator's.
    Returns (requests replayed, differences in status or answer). Differences of requests whose body
    names something in ``tolerate`` (a request type the emulator does not emulate) are left out."""
    http = emulator.session()
    ids: dict[str, str] = {}
    sheet_ids: dict[int, int] = {}
    problems: list[str] = []
    interactions = json.loads(cassette.read_text())["interactions"]
    for n, it in enumerate(interactions):
        req, rec = it["request"], it["response"]
        uri = _remap(req["uri"], sheet_ids, ids)
        body = req["body"]
        if body:
            body = json.dumps(_remap(json.loads(body), sheet_ids, ids)).encode()
        r = http.request(req["method"], uri, data=body, headers={"Content-Type": "application/json"} if body else {})
        text = rec["body"]["string"]
        recorded = json.loads(text) if text.strip() else None
        got = r.json() if r.content else None
        if req["method"] == "POST" and uri.split("?")[0].endswith("/drive/v3/files") and recorded and got:
            ids[recorded["id"]] = got["id"]
        for a, b in zip((recorded or {}).get("replies", []), (got or {}).get("replies", [])):
            if "addSheet" in a and "addSheet" in b:
                sheet_ids[a["addSheet"]["properties"]["sheetId"]] = b["addSheet"]["properties"]["sheetId"]
        answer = _remap(got, {v: k for k, v in sheet_ids.items()}, {v: k for k, v in ids.items()})
        if any(word in (req["body"] or "") for word in tolerate):
            continue
        where = f"[{n}] {req['method']} {req['uri'].split('?')[0][-60:]}"
        if r.status_code != rec["status"]["code"]:
            problems.append(f"{where}: status recorded {rec['status']['code']}, answered {r.status_code}")
        problems += [f"{where}: {d}" for d in _differences(recorded, answer)]
    return len(interactions), problems


@pytest.mark.parametrize("name", REPLAYED)
def test_replayed_google_traffic_gets_the_recorded_answers(name):
    cassette = _cassettes() / f"{name}.json"
    if not cassette.exists():
        pytest.fail(f"cassette {cassette.name} missing from {CASSETTES}")
    count, problems = replay(cassette, SheetsEmulator(seed=0))
    assert count > 0
    assert problems == []


# Recordings that also use request types the emulator answers 501 to; every other answer must match.
PARTLY_REPLAYED = {"WorksheetTest.test_add_validation": ("setDataValidation",)}  # its 400 'data.values' answer


@pytest.mark.parametrize("name", sorted(PARTLY_REPLAYED))
def test_partly_replayed_google_traffic_gets_the_recorded_answers(name):
    count, problems = replay(_cassettes() / f"{name}.json", SheetsEmulator(seed=0), PARTLY_REPLAYED[name])
    assert count > 0 and problems == []


def test_replay_shows_user_entered_parsing_is_refused_not_faked():
    # WorksheetTest.test_update_cell: Google turned USER_ENTERED "0042" into 42. The emulator does not
    # parse USER_ENTERED input: it answers 501 for such values, so no test can come to rely on it.
    cassette = _cassettes() / "WorksheetTest.test_update_cell.json"
    refused = [n for n, it in enumerate(json.loads(cassette.read_text())["interactions"])
               if "USER_ENTERED" in it["request"]["uri"] and '"0042"' in (it["request"]["body"] or "")]
    _, problems = replay(cassette, SheetsEmulator(seed=0))
    assert refused and {p.split("]")[0] + "]" for p in problems} == {f"[{n}]" for n in refused}
    assert sum("status recorded 200, answered 501" in p for p in problems) == len(refused)
