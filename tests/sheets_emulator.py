"""A local Google Sheets API v4 emulator (plus the sliver of Drive v3 gspread touches) for tests.

The REAL gspread client talks to it, either in-process::

    emu = SheetsEmulator(seed=1)
    sid = emu.create("SIDIP", sheets=["items", "log"])
    gc = gspread.Client(auth=None, session=emu.session())
    ws = gc.open_by_key(sid).worksheet("items")

or over HTTP (another process, or several)::

    with emu.serve() as server:                      # 127.0.0.1, free port
        gc = gspread.Client(auth=None, session=forwarding_session(server.port))

    python tests/sheets_emulator.py --port 0 --state state.json   # prints SHEETS_EMULATOR_READY port=N

Only documented Sheets behaviour is emulated; see tests/SHEETS_BEHAVIOURS.md for the list and for
which behaviours were checked against Google's recorded answers. Every request is applied
atomically under one lock (Google serialises writes per spreadsheet); a spreadsheets.batchUpdate
or values.batchUpdate is all-or-nothing. Cell values are stored as strings (RAW writes); formulas
are never evaluated. Endpoints that are not emulated answer 501 UNIMPLEMENTED, so a test never
silently relies on something the emulator made up.

Instrumentation: ``emu.requests`` (Counter keyed by (HTTP method, endpoint kind)),
``emu.cells_read`` / ``emu.cells_written`` / ``emu.cells_cleared``, ``emu.reset_counters()``.
Fault injection: ``emu.faults = FaultPlan(...)``. Quotas: ``emu.quota = Quota(...)``.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict

__all__ = [
    "SheetsEmulator", "FaultPlan", "FaultEvent", "Quota", "EmulatorAdapter", "ForwardingAdapter",
    "ServerHandle", "ServerProcess", "RemoteEmulator", "forwarding_session", "start_server_process",
    "FAULT_KINDS", "main",
]

SHEETS_BASE = "https://sheets.googleapis.com/"
GOOGLEAPIS_BASE = "https://www.googleapis.com/"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
READY_MARKER = "SHEETS_EMULATOR_READY"

# Google's canonical HTTP status -> google.rpc.Code name, as in the recorded error bodies.
_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "UNIMPLEMENTED",
           503: "UNAVAILABLE"}

# Spreadsheet-level defaults exactly as Google returned them for a new spreadsheet (recordings).
_DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10,
                   "bold": False, "italic": False, "strikethrough": False, "underline": False,
                   "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_THEME = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        {"colorType": "TEXT", "color": {"rgbColor": {}}},
        {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
        {"colorType": "ACCENT1", "color": {"rgbColor": {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}}},
        {"colorType": "ACCENT2", "color": {"rgbColor": {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}}},
        {"colorType": "ACCENT3", "color": {"rgbColor": {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}}},
        {"colorType": "ACCENT4", "color": {"rgbColor": {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}}},
        {"colorType": "ACCENT5", "color": {"rgbColor": {"red": 1, "green": 0.42745098, "blue": 0.003921569}}},
        {"colorType": "ACCENT6", "color": {"rgbColor": {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}}},
        {"colorType": "LINK", "color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}},
    ],
}

# Request types of spreadsheets.batchUpdate that exist in the API (a name outside this set is a 400
# "Unknown name", like Google; a name inside it that is not emulated is a 501).
_KNOWN_REQUESTS = frozenset("""
updateSpreadsheetProperties updateSheetProperties updateDimensionProperties updateNamedRange repeatCell
addNamedRange deleteNamedRange addSheet deleteSheet autoFill cutPaste copyPaste mergeCells unmergeCells
updateBorders updateCells addFilterView appendCells clearBasicFilter deleteDimension deleteEmbeddedObject
deleteFilterView duplicateFilterView duplicateSheet findReplace insertDimension insertRange moveDimension
updateEmbeddedObjectPosition pasteData textToColumns updateFilterView deleteRange appendDimension
addConditionalFormatRule updateConditionalFormatRule deleteConditionalFormatRule sortRange setDataValidation
setBasicFilter addProtectedRange updateProtectedRange deleteProtectedRange autoResizeDimensions addChart
updateChartSpec updateBanding addBanding deleteBanding createDeveloperMetadata updateDeveloperMetadata
deleteDeveloperMetadata randomizeRange addDimensionGroup deleteDimensionGroup updateDimensionGroup
trimWhitespace deleteDuplicates updateEmbeddedObjectBorder addSlicer updateSlicerSpec addDataSource
updateDataSource deleteDataSource refreshDataSource cancelDataSourceRefresh addTable updateTable deleteTable
""".split())

FAULT_KINDS = ("429", "500", "503", "timeout_before", "timeout_after")

_READ_KINDS = frozenset({"spreadsheets.get", "values.get", "values.batchGet"})


# ----------------------------------------------------------------------------------------------
# Errors and small helpers
# ----------------------------------------------------------------------------------------------

class ApiError(Exception):
    """An error answer in Google's JSON shape: {"error": {"code", "message", "status"[, "details"]}}."""

    def __init__(self, code: int, message: str, status: str | None = None,
                 details: list | None = None, drive_reason: str | None = None):
        super().__init__(message)
        self.code, self.message = code, message
        self.status = status or _STATUS.get(code, "UNKNOWN")
        self.details, self.drive_reason = details, drive_reason

    def body(self) -> dict:
        if self.drive_reason:  # Drive v3 keeps the older "errors" list and no status
            err = {"message": self.message, "domain": "global", "reason": self.drive_reason}
            if self.drive_reason == "notFound":
                err.update(location="fileId", locationType="parameter")
            return {"error": {"code": self.code, "message": self.message, "errors": [err]}}
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def _bad(message: str, **kw) -> ApiError:
    return ApiError(400, message, **kw)


def _field_violation(field: str, message: str) -> ApiError:
    return _bad(message, details=[{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                   "fieldViolations": [{"field": field, "description": message}]}])


def _not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.")


def _unimplemented(what: str) -> ApiError:
    return ApiError(501, f"sheets_emulator: {what} is not emulated")


def _quota_error(write: bool, limit: int) -> ApiError:
    metric = "Write requests" if write else "Read requests"
    slug = "write_requests" if write else "read_requests"
    quota_limit = ("WriteRequestsPerMinutePerUser" if write else "ReadRequestsPerMinutePerUser")
    message = (f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' "
               "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.")
    details = [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
         "domain": "googleapis.com",
         "metadata": {"quota_metric": f"sheets.googleapis.com/{slug}", "quota_limit": quota_limit,
                      "service": "sheets.googleapis.com", "consumer": "projects/000000000000",
                      "quota_limit_value": str(limit), "quota_location": "global"}},
        {"@type": "type.googleapis.com/google.rpc.Help",
         "links": [{"description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase"}]},
    ]
    return ApiError(429, message, details=details)


def _now_iso() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def col_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


_SIMPLE_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELLISH_TITLE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*")


def quote_title(title: str) -> str:
    """Sheet title as Google writes it in a range: bare when plain, else quoted ('It''s')."""
    if _SIMPLE_TITLE.fullmatch(title) and not _CELLISH_TITLE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _a1(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    """Half-open 0-based box -> 'Sheet1!A1:C5' (a single cell is written 'Sheet1!B3')."""
    start = f"{col_letters(c0)}{r0 + 1}"
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{col_letters(c1 - 1)}{r1}"


def _fmt_number(x: float | int) -> str:
    if isinstance(x, bool):
        return "TRUE" if x else "FALSE"
    if isinstance(x, int):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


class _Typed(str):
    """A cell written as a JSON number or boolean: reads as its formatted text, while
    UNFORMATTED_VALUE / FORMULA reads return the number or boolean itself (like Google)."""

    raw: Any

    def __new__(cls, raw: Any) -> "_Typed":
        obj = super().__new__(cls, _fmt_number(raw))
        obj.raw = raw
        return obj


def _unformatted(v: str) -> Any:
    return v.raw if isinstance(v, _Typed) else v


def _trim_rows(rows: list[list[str]]) -> list[list[str]]:
    """Google's trimming: trailing empty cells of each row, then trailing empty rows."""
    out = []
    for row in rows:
        k = len(row)
        while k and row[k - 1] == "":
            k -= 1
        out.append(row[:k])
    while out and not out[-1]:
        out.pop()
    return out


def _bool_param(value: str | None) -> bool:
    return str(value).lower() == "true"


# ----------------------------------------------------------------------------------------------
# Field masks (?fields=... on any answer; "fields" of updateSheetProperties / updateCells)
# ----------------------------------------------------------------------------------------------

def _parse_mask(text: str) -> dict:
    """'a.b,c(d,e/f)' -> {'a': {'b': {}}, 'c': {'d': {}, 'e': {'f': {}}}}; {} under a key = all of it."""
    pos = 0

    def parse_list(stop: str | None) -> dict:
        nonlocal pos
        result: dict = {}
        while pos < len(text):
            if stop and text[pos] == stop:
                pos += 1
                return result
            if text[pos] in ", ":
                pos += 1
                continue
            m = re.match(r"[^,()./ ]+(?:[./][^,()./ ]+)*", text[pos:])
            if not m:
                raise _bad(f"Invalid field selection {text}")
            path = re.split(r"[./]", m.group(0))
            pos += len(m.group(0))
            sub: dict = {}
            if pos < len(text) and text[pos] == "(":
                pos += 1
                sub = parse_list(")")
            node = {path[-1]: sub}
            for part in reversed(path[:-1]):
                node = {part: node}
            result = _merge_mask(result, node, top=True)
        return result

    return parse_list(None)


def _merge_mask(a: dict, b: dict, top: bool = False) -> dict:
    if not top and (not a or not b):
        return {}   # one side selects the whole sub-tree
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge_mask(out[k], v) if k in out else v
    return out


def _apply_mask(value: Any, mask: dict) -> Any:
    if not mask or "*" in mask:
        return value
    if isinstance(value, list):
        return [_apply_mask(v, mask) for v in value]
    if isinstance(value, dict):
        return {k: _apply_mask(v, mask[k]) for k, v in value.items() if k in mask}
    return value


# ----------------------------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------------------------

class _Sheet:
    """One tab. ``rows`` holds only as many rows/cells as have ever been written (strings)."""

    def __init__(self, sheet_id: int, title: str, row_count: int = DEFAULT_ROWS,
                 col_count: int = DEFAULT_COLS, rows: list[list[str]] | None = None,
                 props: dict | None = None):
        self.sheet_id, self.title, self.index = sheet_id, title, 0
        self.row_count, self.col_count = row_count, col_count
        self.rows: list[list[str]] = rows if rows is not None else []
        self.props: dict = props or {}          # other SheetProperties (hidden, tabColorStyle, ...)
        self.grid_extra: dict = {}              # other GridProperties (frozenRowCount, ...)
        self._owned: set[int] | None = None     # copy-on-write bookkeeping inside a transaction

    # -- copy-on-write ------------------------------------------------------------------------
    def cow_clone(self) -> "_Sheet":
        s = _Sheet.__new__(_Sheet)
        s.sheet_id, s.title, s.index = self.sheet_id, self.title, self.index
        s.row_count, s.col_count = self.row_count, self.col_count
        s.rows = list(self.rows)
        s.props, s.grid_extra = copy.deepcopy(self.props), dict(self.grid_extra)
        s._owned = set()
        return s

    def _new_row(self) -> list[str]:
        row: list[str] = []
        if self._owned is not None:
            self._owned.add(id(row))
        return row

    def _writable_row(self, r: int) -> list[str]:
        rows = self.rows
        while len(rows) <= r:
            rows.append(self._new_row())
        row = rows[r]
        if self._owned is not None and id(row) not in self._owned:
            row = row[:]
            rows[r] = row
            self._owned.add(id(row))
        return row

    # -- cells --------------------------------------------------------------------------------
    def get(self, r: int, c: int) -> str:
        if r < len(self.rows):
            row = self.rows[r]
            if c < len(row):
                return row[c]
        return ""

    def set(self, r: int, c: int, value: str) -> bool:
        """Set one cell; returns True when a non-empty value was removed or written."""
        if value == "" and self.get(r, c) == "":
            return False
        row = self._writable_row(r)
        if len(row) <= c:
            row.extend([""] * (c + 1 - len(row)))
        row[c] = value
        return True

    def block(self, r0: int, c0: int, r1: int, c1: int) -> list[list[str]]:
        return [self.rows[r][c0:c1] for r in range(r0, min(r1, len(self.rows)))]

    def last_data_row(self) -> int:
        """Index of the last row holding any non-empty cell, or -1."""
        for r in range(len(self.rows) - 1, -1, -1):
            if any(v != "" for v in self.rows[r]):
                return r
        return -1

    # -- dimensions ---------------------------------------------------------------------------
    def insert_rows(self, at: int, n: int) -> None:
        if at < len(self.rows):
            self.rows[at:at] = [self._new_row() for _ in range(n)]
        self.row_count += n

    def delete_rows(self, start: int, end: int) -> None:
        del self.rows[start:end]
        self.row_count -= end - start

    def insert_cols(self, at: int, n: int) -> None:
        for r, row in enumerate(self.rows):
            if len(row) > at:
                self._writable_row(r)[at:at] = [""] * n
        self.col_count += n

    def delete_cols(self, start: int, end: int) -> None:
        for r, row in enumerate(self.rows):
            if len(row) > start:
                del self._writable_row(r)[start:end]
        self.col_count -= end - start

    def resize(self, rows: int | None = None, cols: int | None = None) -> None:
        if rows is not None:
            del self.rows[rows:]
            self.row_count = rows
        if cols is not None:
            for r, row in enumerate(self.rows):
                if len(row) > cols:
                    del self._writable_row(r)[cols:]
            self.col_count = cols

    # -- appearance in answers ----------------------------------------------------------------
    def properties(self) -> dict:
        props = {"sheetId": self.sheet_id, "title": self.title, "index": self.index, "sheetType": "GRID",
                 "gridProperties": {"rowCount": self.row_count, "columnCount": self.col_count,
                                    **self.grid_extra}}
        props.update(copy.deepcopy(self.props))
        return props

    def to_state(self) -> dict:
        return {"sheetId": self.sheet_id, "title": self.title, "rowCount": self.row_count,
                "columnCount": self.col_count, "props": self.props, "gridExtra": self.grid_extra,
                "rows": [[_unformatted(v) for v in row] for row in _trim_rows(self.rows)]}

    @classmethod
    def from_state(cls, data: dict) -> "_Sheet":
        s = cls(int(data["sheetId"]), data["title"], int(data.get("rowCount", DEFAULT_ROWS)),
                int(data.get("columnCount", DEFAULT_COLS)),
                [[v if isinstance(v, str) else _Typed(v) for v in row] for row in data.get("rows", [])],
                dict(data.get("props", {})))
        s.grid_extra = dict(data.get("gridExtra", {}))
        return s


class _Spreadsheet:
    def __init__(self, spreadsheet_id: str, title: str, sheets: list[_Sheet]):
        self.id, self.title = spreadsheet_id, title
        self.locale, self.time_zone = "en_US", "Etc/GMT"
        self.sheets = sheets
        self.created = self.modified = _now_iso()
        self.reindex()

    def reindex(self) -> None:
        for i, s in enumerate(self.sheets):
            s.index = i

    def cow_clone(self) -> "_Spreadsheet":
        c = _Spreadsheet.__new__(_Spreadsheet)
        c.id, c.title, c.locale, c.time_zone = self.id, self.title, self.locale, self.time_zone
        c.created, c.modified = self.created, self.modified
        c.sheets = [s.cow_clone() for s in self.sheets]
        return c

    def commit(self) -> None:
        for s in self.sheets:
            s._owned = None
        self.modified = _now_iso()

    def by_id(self, sheet_id: Any) -> _Sheet | None:
        for s in self.sheets:
            if s.sheet_id == sheet_id:
                return s
        return None

    def by_title(self, title: str) -> _Sheet | None:
        for s in self.sheets:
            if s.title == title:
                return s
        lowered = title.lower()  # Google resolves sheet names case-insensitively
        for s in self.sheets:
            if s.title.lower() == lowered:
                return s
        return None

    def first_visible(self) -> _Sheet:
        for s in self.sheets:
            if not s.props.get("hidden"):
                return s
        return self.sheets[0]

    def resource(self) -> dict:
        return {"spreadsheetId": self.id,
                "properties": {"title": self.title, "locale": self.locale, "autoRecalc": "ON_CHANGE",
                               "timeZone": self.time_zone, "defaultFormat": copy.deepcopy(_DEFAULT_FORMAT),
                               "spreadsheetTheme": copy.deepcopy(_THEME)},
                "sheets": [{"properties": s.properties()} for s in self.sheets],
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit"}

    def to_state(self) -> dict:
        return {"id": self.id, "title": self.title, "locale": self.locale, "timeZone": self.time_zone,
                "created": self.created, "modified": self.modified,
                "sheets": [s.to_state() for s in self.sheets]}

    @classmethod
    def from_state(cls, data: dict) -> "_Spreadsheet":
        ss = cls(data["id"], data["title"], [_Sheet.from_state(s) for s in data["sheets"]])
        ss.locale, ss.time_zone = data.get("locale", "en_US"), data.get("timeZone", "Etc/GMT")
        ss.created, ss.modified = data.get("created", ss.created), data.get("modified", ss.modified)
        return ss


@dataclass
class _Range:
    """A parsed A1 range: 0-based half-open box, None = unbounded on that side."""
    sheet: _Sheet
    text: str                      # as requested (for error messages)
    r0: int | None
    c0: int | None
    r1: int | None
    c1: int | None
    single_cell: bool = False      # "A1" alone: an anchor for writes

    def box(self) -> tuple[int, int, int, int]:
        """Clamp the unbounded sides to the grid; an explicit side beyond the grid is a 400."""
        s = self.sheet
        r0 = self.r0 or 0
        c0 = self.c0 or 0
        r1 = self.r1 if self.r1 is not None else s.row_count
        c1 = self.c1 if self.c1 is not None else s.col_count
        if self.single_cell:
            r1, c1 = r0 + 1, c0 + 1
        if r1 > s.row_count or c1 > s.col_count or r0 >= max(s.row_count, 1) or c0 >= max(s.col_count, 1):
            raise _bad(f"Range ({self.text}) exceeds grid limits. Max rows: {s.row_count}, "
                       f"max columns: {s.col_count}")
        return r0, c0, r1, c1


_A1_PART = re.compile(r"\$?([A-Za-z]*)\$?([0-9]*)")


def _parse_part(part: str) -> tuple[int | None, int | None] | None:
    m = _A1_PART.fullmatch(part)
    if not m or (not m.group(1) and not m.group(2)):
        return None
    col = _col_index(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) - 1 if m.group(2) else None
    if row is not None and row < 0:
        return None
    return row, col


def _parse_cells(ref: str) -> tuple[int | None, int | None, int | None, int | None, bool] | None:
    """'B3' / 'A1:C5' / 'A:C' / '2:4' / 'A1:C' / 'A1:1' -> (r0, c0, r1, c1, single_cell), 0-based,
    half-open, None = unbounded ('A1:C' runs to the last row, 'A1:1' to the last column)."""
    parts = ref.split(":")
    if len(parts) == 1:
        p = _parse_part(parts[0])
        if p is None:
            return None
        row, col = p
        if row is not None and col is not None:
            return row, col, row + 1, col + 1, True
        return row, col, None if row is None else row + 1, None if col is None else col + 1, False
    if len(parts) != 2:
        return None
    a, b = _parse_part(parts[0]), _parse_part(parts[1])
    if a is None or b is None:
        return None

    def side(x: int | None, y: int | None) -> tuple[int | None, int | None]:
        if x is not None and y is not None:
            return min(x, y), max(x, y) + 1
        if x is not None:
            return x, None
        if y is not None:
            return 0, y + 1
        return None, None

    r0, r1 = side(a[0], b[0])
    c0, c1 = side(a[1], b[1])
    return r0, c0, r1, c1, False


def _parse_range(ss: _Spreadsheet, text: str) -> _Range:
    text = text.strip()
    if not text:
        raise _bad("Unable to parse range: ")
    title: str | None
    ref: str | None
    if text.startswith("'"):
        i, buf = 1, []
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    buf.append("'")
                    i += 2
                    continue
                break
            buf.append(text[i])
            i += 1
        else:
            raise _bad(f"Unable to parse range: {text}")
        title = "".join(buf)
        rest = text[i + 1:]
        if rest and not rest.startswith("!"):
            raise _bad(f"Unable to parse range: {text}")
        ref = rest[1:] if rest else None
    elif "!" in text:
        title, ref = text.split("!", 1)
    else:
        sheet = ss.by_title(text)
        if sheet is not None:
            return _Range(sheet, text, None, None, None, None)
        cells = _parse_cells(text)
        if cells is None:
            raise _bad(f"Unable to parse range: {text}")
        sheet = ss.first_visible()
        return _Range(sheet, text, *cells)
    sheet = ss.by_title(title)
    if sheet is None:
        raise _bad(f"Unable to parse range: {text}")
    if not ref:
        return _Range(sheet, text, None, None, None, None)
    cells = _parse_cells(ref)
    if cells is None:
        raise _bad(f"Unable to parse range: {text}")
    shown = f"{quote_title(sheet.title)}!{ref}"
    return _Range(sheet, shown, *cells)


def _find_table(sheet: _Sheet, r0: int, c0: int, r1: int, c1: int) -> tuple[int, int, int, int] | None:
    """The 'table' values.append appends to: a block of non-empty cells connected horizontally,
    vertically or diagonally that intersects the searched range. When several do, the one whose
    last row is lowest wins, then the right-most (the recording test_append_row_with_empty_value:
    A1 and C1 filled, B1 empty -> tableRange C1). Returns (top, left, bottom, right) inclusive."""
    parent: list[int] = []

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    runs: list[tuple[int, int, int, int]] = []  # (row, start, end, id)
    prev: list[tuple[int, int, int]] = []
    prev_row = -2
    for r, row in enumerate(sheet.rows):
        cur: list[tuple[int, int, int]] = []
        c, n = 0, len(row)
        while c < n:
            if row[c] != "":
                s = c
                while c < n and row[c] != "":
                    c += 1
                rid = len(parent)
                parent.append(rid)
                cur.append((s, c - 1, rid))
                runs.append((r, s, c - 1, rid))
            else:
                c += 1
        if prev and cur and prev_row == r - 1:
            i = j = 0
            while i < len(prev) and j < len(cur):
                ps, pe, pid = prev[i]
                cs, ce, cid = cur[j]
                if cs <= pe + 1 and ps <= ce + 1:
                    a, b = find(pid), find(cid)
                    if a != b:
                        parent[b] = a
                if pe < ce:
                    i += 1
                else:
                    j += 1
        if cur:
            prev, prev_row = cur, r
    boxes: dict[int, list[int]] = {}
    hits: set[int] = set()
    for r, s, e, rid in runs:
        root = find(rid)
        b = boxes.get(root)
        if b is None:
            boxes[root] = [r, s, r, e]
        else:
            b[0], b[1], b[2], b[3] = min(b[0], r), min(b[1], s), max(b[2], r), max(b[3], e)
        if r0 <= r < r1 and s < c1 and e >= c0:
            hits.add(root)
    if not hits:
        return None
    best = max((boxes[h] for h in hits), key=lambda b: (b[2], b[1]))
    return best[0], best[1], best[2], best[3]


# ----------------------------------------------------------------------------------------------
# Fault injection and quotas
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FaultEvent:
    index: int      # position among the requests the plan considered (0-based)
    method: str
    kind: str       # endpoint kind, e.g. "values.append"
    fault: str      # one of FAULT_KINDS


class FaultPlan:
    """Which requests fail, and how.

    FaultPlan(at=[0, 3], fault="429")              the 1st and 4th considered requests get a 429
    FaultPlan(at={2: "timeout_after"})             per-index fault kinds
    FaultPlan(probability=0.2, fault="500", seed=7) each considered request fails with p=0.2
    FaultPlan(rates={"429": 0.1, "timeout_before": 0.05}, seed=3)

    Fault kinds (FAULT_KINDS): "429" (RESOURCE_EXHAUSTED, Google's quota body), "500" (INTERNAL),
    "503" (UNAVAILABLE), "timeout_before" (nothing applied; the client times out), "timeout_after"
    (the request IS applied, then the client times out). In-process the adapter raises
    requests.exceptions.ReadTimeout at once; over HTTP the server sleeps ``timeout_sleep`` seconds
    and drops the connection, so give the client a smaller timeout (gc.set_timeout(0.2)).

    Only requests matching ``endpoints`` (endpoint kinds, e.g. {"values.append"}), ``methods``
    ({"POST", "PUT"}) and ``writes_only`` are considered and indexed; by default every Sheets API
    request (not Drive, not the emulator's own /_emulator control calls). ``max_faults`` caps the
    total. Counts: ``plan.injected`` (Counter by fault kind), ``plan.total``, ``plan.history``
    (FaultEvent list), ``plan.seen`` (requests considered).
    """

    def __init__(self, at: Iterable[int] | Mapping[int, str] | None = None, *, fault: str = "429",
                 probability: float | None = None, rates: Mapping[str, float] | None = None,
                 seed: int | None = 0, endpoints: Iterable[str] | None = None,
                 methods: Iterable[str] | None = None, writes_only: bool = False,
                 include_drive: bool = False, timeout_sleep: float = 1.0, max_faults: int | None = None):
        if fault not in FAULT_KINDS:
            raise ValueError(f"unknown fault {fault!r}; expected one of {FAULT_KINDS}")
        if isinstance(at, Mapping):
            self.at = {int(k): str(v) for k, v in at.items()}
        else:
            self.at = {int(i): fault for i in (at or ())}
        self.rates = dict(rates or {})
        if probability is not None:
            self.rates[fault] = self.rates.get(fault, 0.0) + float(probability)
        for kind in list(self.at.values()) + list(self.rates):
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault {kind!r}; expected one of {FAULT_KINDS}")
        if sum(self.rates.values()) > 1.0 + 1e-9:
            raise ValueError("fault probabilities add up to more than 1")
        self.fault, self.seed = fault, seed
        self.endpoints = set(endpoints) if endpoints else None
        self.methods = {m.upper() for m in methods} if methods else None
        self.writes_only, self.include_drive = writes_only, include_drive
        self.timeout_sleep, self.max_faults = float(timeout_sleep), max_faults
        self._rng = random.Random(seed)
        self.seen = 0
        self.injected: Counter = Counter()
        self.history: list[FaultEvent] = []

    @property
    def total(self) -> int:
        return sum(self.injected.values())

    def considers(self, method: str, kind: str) -> bool:
        if kind.startswith("emulator.") or kind == "unknown":
            return False
        if kind.startswith("drive.") and not self.include_drive:
            return False
        if self.endpoints is not None and kind not in self.endpoints:
            return False
        if self.methods is not None and method.upper() not in self.methods:
            return False
        if self.writes_only and kind in _READ_KINDS:
            return False
        return True

    def decide(self, method: str, kind: str) -> str | None:
        """Called once per incoming request, under the emulator's lock."""
        if not self.considers(method, kind):
            return None
        index = self.seen
        self.seen += 1
        fault = self.at.get(index)
        if fault is None and self.rates:
            draw, acc = self._rng.random(), 0.0
            for name in FAULT_KINDS:
                acc += self.rates.get(name, 0.0)
                if draw < acc:
                    fault = name
                    break
        if fault is None or (self.max_faults is not None and self.total >= self.max_faults):
            return None
        self.injected[fault] += 1
        self.history.append(FaultEvent(index, method.upper(), kind, fault))
        return fault

    def to_dict(self) -> dict:
        return {"at": {str(k): v for k, v in self.at.items()}, "rates": self.rates, "seed": self.seed,
                "endpoints": sorted(self.endpoints) if self.endpoints else None,
                "methods": sorted(self.methods) if self.methods else None, "writes_only": self.writes_only,
                "include_drive": self.include_drive, "timeout_sleep": self.timeout_sleep,
                "max_faults": self.max_faults}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "FaultPlan":
        return cls(at={int(k): v for k, v in (data.get("at") or {}).items()}, rates=data.get("rates"),
                   seed=data.get("seed", 0), endpoints=data.get("endpoints"), methods=data.get("methods"),
                   writes_only=bool(data.get("writes_only")), include_drive=bool(data.get("include_drive")),
                   timeout_sleep=float(data.get("timeout_sleep", 1.0)), max_faults=data.get("max_faults"))

    def report(self) -> dict:
        return {"seen": self.seen, "injected": dict(self.injected), "total": self.total,
                "history": [e.__dict__ for e in self.history]}


class Quota:
    """Google's per-minute request quotas (read and write requests counted separately; a batch
    request counts once). Requests over the limit get Google's 429 RESOURCE_EXHAUSTED body.
    ``clock`` is injectable so tests need not wait a minute."""

    def __init__(self, read_per_minute: int = 60, write_per_minute: int = 60, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.read_per_minute, self.write_per_minute = read_per_minute, write_per_minute
        self.window, self.clock = window, clock
        self._reads: list[float] = []
        self._writes: list[float] = []
        self.rejected = 0

    def admit(self, write: bool) -> ApiError | None:
        now = self.clock()
        log = self._writes if write else self._reads
        limit = self.write_per_minute if write else self.read_per_minute
        while log and log[0] <= now - self.window:
            log.pop(0)
        if len(log) >= limit:
            self.rejected += 1
            return _quota_error(write, limit)
        log.append(now)
        return None


# ----------------------------------------------------------------------------------------------
# The emulator
# ----------------------------------------------------------------------------------------------

@dataclass
class _Outcome:
    status: int
    body: bytes
    headers: dict
    timeout: str | None = None      # "before" / "after": the client must see a timeout
    sleep: float = 0.0


class SheetsEmulator:
    """In-memory Google Sheets. One lock; every request is applied atomically under it."""

    def __init__(self, seed: int | None = None, state_path: str | os.PathLike | None = None):
        self.lock = threading.RLock()
        self._rng = random.Random(seed)
        self._spreadsheets: dict[str, _Spreadsheet] = {}
        self.faults: FaultPlan | None = None
        self.quota: Quota | None = None
        self.state_path = os.fspath(state_path) if state_path else None
        self.requests: Counter = Counter()
        self.cells_read = self.cells_written = self.cells_cleared = 0
        self.request_log: list[tuple[str, str, int]] = []   # (method, kind, status), kept short
        self.log_limit = 10000
        if self.state_path and os.path.exists(self.state_path) and os.path.getsize(self.state_path):
            with open(self.state_path, encoding="utf-8") as fh:
                self.load_state(json.load(fh))

    # -- set-up and inspection (no HTTP) ----------------------------------------------------------
    def _new_spreadsheet_id(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        while True:
            sid = "1" + "".join(self._rng.choice(alphabet) for _ in range(43))
            if sid not in self._spreadsheets:
                return sid

    def _new_sheet_id(self, ss: _Spreadsheet) -> int:
        while True:
            sheet_id = self._rng.randrange(1, 2**31 - 1)
            if ss.by_id(sheet_id) is None:
                return sheet_id

    def create(self, title: str, sheets: Iterable[str | Mapping[str, Any]] | None = None,
               spreadsheet_id: str | None = None) -> str:
        """Create a spreadsheet; returns its id. ``sheets``: titles, or dicts with title, rowCount,
        columnCount, sheetId, rows (list of lists of strings), hidden. Default: one 'Sheet1' of
        1000 x 26, sheetId 0 (what Google creates)."""
        with self.lock:
            sid = spreadsheet_id or self._new_spreadsheet_id()
            if sid in self._spreadsheets:
                raise ValueError(f"spreadsheet {sid} exists")
            ss = _Spreadsheet(sid, title, [])
            for i, spec in enumerate(list(sheets) if sheets is not None else ["Sheet1"]):
                if isinstance(spec, str):
                    spec = {"title": spec}
                sheet_id = spec.get("sheetId")
                if sheet_id is None:
                    sheet_id = 0 if i == 0 else self._new_sheet_id(ss)
                sheet = _Sheet(int(sheet_id), spec.get("title") or f"Sheet{i + 1}",
                               int(spec.get("rowCount", DEFAULT_ROWS)), int(spec.get("columnCount", DEFAULT_COLS)),
                               [[("" if v is None else str(v)) for v in row] for row in spec.get("rows", [])])
                if spec.get("hidden"):
                    sheet.props["hidden"] = True
                if ss.by_id(sheet.sheet_id) or ss.by_title(sheet.title):
                    raise ValueError(f"duplicate sheet {sheet.title!r}/{sheet.sheet_id}")
                if len(sheet.rows) > sheet.row_count or any(len(r) > sheet.col_count for r in sheet.rows):
                    raise ValueError(f"rows of {sheet.title!r} exceed its grid")
                ss.sheets.append(sheet)
            ss.reindex()
            self._spreadsheets[sid] = ss
            self._save()
            return sid

    def spreadsheet_ids(self) -> list[str]:
        with self.lock:
            return list(self._spreadsheets)

    def sheet_titles(self, spreadsheet_id: str) -> list[str]:
        with self.lock:
            return [s.title for s in self._get(spreadsheet_id).sheets]

    def grid_size(self, spreadsheet_id: str, sheet: str) -> tuple[int, int]:
        with self.lock:
            s = self._sheet(spreadsheet_id, sheet)
            return s.row_count, s.col_count

    def get_values(self, spreadsheet_id: str, sheet: str) -> list[list[str]]:
        """All values of a tab, trimmed like Google (not counted as a request)."""
        with self.lock:
            return _trim_rows(self._sheet(spreadsheet_id, sheet).rows)

    def _sheet(self, spreadsheet_id: str, title: str) -> _Sheet:
        s = self._get(spreadsheet_id).by_title(title)
        if s is None:
            raise KeyError(title)
        return s

    def _get(self, spreadsheet_id: str) -> _Spreadsheet:
        ss = self._spreadsheets.get(spreadsheet_id)
        if ss is None:
            raise KeyError(spreadsheet_id)
        return ss

    def delete(self, spreadsheet_id: str) -> None:
        with self.lock:
            self._spreadsheets.pop(spreadsheet_id, None)
            self._save()

    # -- state --------------------------------------------------------------------------------
    def dump_state(self) -> dict:
        with self.lock:
            return {"version": 1, "spreadsheets": [ss.to_state() for ss in self._spreadsheets.values()]}

    def load_state(self, state: Mapping[str, Any]) -> None:
        with self.lock:
            self._spreadsheets = {d["id"]: _Spreadsheet.from_state(d) for d in state.get("spreadsheets", [])}

    def save_state(self, path: str | os.PathLike) -> None:
        data = json.dumps(self.dump_state(), ensure_ascii=False)
        path = os.fspath(path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)) or ".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.replace(tmp, path)

    def _save(self) -> None:
        if self.state_path:
            self.save_state(self.state_path)

    # -- counters -----------------------------------------------------------------------------
    def reset_counters(self) -> None:
        with self.lock:
            self.requests = Counter()
            self.cells_read = self.cells_written = self.cells_cleared = 0
            self.request_log = []

    def request_count(self, kind: str | None = None, method: str | None = None) -> int:
        """Requests received (faulted ones included), filtered by endpoint kind and/or method."""
        with self.lock:
            return sum(n for (m, k), n in self.requests.items()
                       if (kind is None or k == kind) and (method is None or m == method.upper()))

    @property
    def read_requests(self) -> int:
        with self.lock:
            return sum(n for (m, k), n in self.requests.items() if k in _READ_KINDS)

    @property
    def write_requests(self) -> int:
        with self.lock:
            return sum(n for (m, k), n in self.requests.items()
                       if not k.startswith(("drive.", "emulator.", "unknown")) and k not in _READ_KINDS)

    def counters(self) -> dict:
        with self.lock:
            return {"requests": {f"{m} {k}": n for (m, k), n in sorted(self.requests.items())},
                    "read_requests": self.read_requests, "write_requests": self.write_requests,
                    "cells_read": self.cells_read, "cells_written": self.cells_written,
                    "cells_cleared": self.cells_cleared,
                    "faults": self.faults.report() if self.faults else None}

    # -- ways in ------------------------------------------------------------------------------
    def session(self) -> requests.Session:
        """A requests.Session answering https://sheets.googleapis.com/ and https://www.googleapis.com/
        from this emulator, in-process: gspread.Client(auth=None, session=emu.session())."""
        s = requests.Session()
        adapter = EmulatorAdapter(self)
        s.mount(SHEETS_BASE, adapter)
        s.mount(GOOGLEAPIS_BASE, adapter)
        return s

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator["ServerHandle"]:
        """Run as an HTTP server on a free port for the duration of the with-block."""
        server = _make_server(self, host, port)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  name="sheets-emulator", daemon=True)
        thread.start()
        try:
            yield ServerHandle(self, host, server.server_address[1])
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)

    # -- request handling ---------------------------------------------------------------------
    def handle(self, method: str, url: str, body: bytes | str | None = None) -> _Outcome:
        """Answer one HTTP request (both adapters and the HTTP server come through here)."""
        method = method.upper()
        parts = urlsplit(url)
        query = parse_qs(parts.query, keep_blank_values=True)
        if isinstance(body, str):
            body = body.encode("utf-8")
        try:
            kind, call = self._route(method, parts.netloc, parts.path)
        except ApiError as e:
            kind, call = "unknown", None
            routing_error: ApiError | None = e
        else:
            routing_error = None
        sleep = 0.0
        with self.lock:
            self.requests[(method, kind)] += 1
            fault = self.faults.decide(method, kind) if self.faults else None
            if self.faults:
                sleep = self.faults.timeout_sleep
            try:
                if fault in ("429", "500", "503"):
                    raise (_quota_error(method != "GET", 60) if fault == "429" else
                           ApiError(500, "Internal error encountered.") if fault == "500" else
                           ApiError(503, "The service is currently unavailable."))
                if fault == "timeout_before":
                    self._log(method, kind, 0)
                    return _Outcome(0, b"", {}, timeout="before", sleep=sleep)
                if routing_error is not None:
                    raise routing_error
                if self.quota is not None and kind.startswith(("spreadsheets.", "values.")):
                    refusal = self.quota.admit(kind not in _READ_KINDS)
                    if refusal is not None:
                        raise refusal
                status, payload = call(query, body or b"")
                if status in (200, 204) and kind not in _READ_KINDS and not kind.startswith("emulator."):
                    self._save()
            except ApiError as e:
                status, payload = e.code, e.body()
            if fault == "timeout_after":  # applied (if valid); the answer never reaches the client
                self._log(method, kind, 0)
                return _Outcome(0, b"", {}, timeout="after", sleep=sleep)
            self._log(method, kind, status)
        if payload is None:
            return _Outcome(status, b"", {})
        if status == 200 and "fields" in query and not kind.startswith("emulator."):
            payload = _apply_mask(payload, _parse_mask(",".join(query["fields"])))
        data = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        return _Outcome(status, data, {"Content-Type": "application/json; charset=UTF-8"})

    def _log(self, method: str, kind: str, status: int) -> None:
        if len(self.request_log) < self.log_limit:
            self.request_log.append((method, kind, status))

    def _route(self, method: str, host: str, raw_path: str) -> tuple[str, Callable]:
        if raw_path.startswith("/_emulator/"):
            return self._route_control(method, raw_path[len("/_emulator/"):])
        if raw_path.startswith("/drive/v3/files") or raw_path.startswith("/upload/drive/"):
            return self._route_drive(method, raw_path)
        if raw_path == "/v4/spreadsheets" and method == "POST":
            return "spreadsheets.create", self._spreadsheets_create
        prefix = "/v4/spreadsheets/"
        if not raw_path.startswith(prefix):
            raise _unimplemented(f"{method} {raw_path}")
        rest = raw_path[len(prefix):]
        m = re.match(r"([^/:]+)(.*)", rest)
        if not m:
            raise _not_found()
        sid, tail = unquote(m.group(1)), m.group(2)

        def bind(fn: Callable, *args: Any) -> Callable:
            return lambda q, b: fn(sid, *args, q, b)

        if tail == "" and method == "GET":
            return "spreadsheets.get", bind(self._spreadsheets_get)
        if tail == ":batchUpdate" and method == "POST":
            return "spreadsheets.batchUpdate", bind(self._spreadsheets_batch_update)
        if tail == "/values:batchGet" and method == "GET":
            return "values.batchGet", bind(self._values_batch_get)
        if tail == "/values:batchUpdate" and method == "POST":
            return "values.batchUpdate", bind(self._values_batch_update)
        if tail == "/values:batchClear" and method == "POST":
            return "values.batchClear", bind(self._values_batch_clear)
        if tail.startswith("/values/"):
            rng = tail[len("/values/"):]
            verb = None
            if ":" in rng and rng.rsplit(":", 1)[1] in ("append", "clear"):
                rng, verb = rng.rsplit(":", 1)
            rng = unquote(rng)
            if verb == "append" and method == "POST":
                return "values.append", bind(self._values_append, rng)
            if verb == "clear" and method == "POST":
                return "values.clear", bind(self._values_clear, rng)
            if verb is None and method == "GET":
                return "values.get", bind(self._values_get, rng)
            if verb is None and method == "PUT":
                return "values.update", bind(self._values_update, rng)
        raise _unimplemented(f"{method} /v4/spreadsheets/{{id}}{tail}")

    # -- spreadsheets -------------------------------------------------------------------------
    def _spreadsheets_create(self, query: dict, body: bytes) -> tuple[int, dict]:
        data = _json(body)
        props = data.get("properties") or {}
        specs = []
        for i, s in enumerate(data.get("sheets") or []):
            p = s.get("properties") or {}
            g = p.get("gridProperties") or {}
            specs.append({"title": p.get("title") or f"Sheet{i + 1}", "sheetId": p.get("sheetId"),
                          "rowCount": g.get("rowCount", DEFAULT_ROWS), "columnCount": g.get("columnCount", DEFAULT_COLS)})
        sid = self.create(props.get("title") or "Untitled spreadsheet", specs or None)
        return 200, self._spreadsheets[sid].resource()

    def _spreadsheets_get(self, sid: str, query: dict, body: bytes) -> tuple[int, dict]:
        ss = self._spreadsheets.get(sid)
        if ss is None:
            raise _not_found()
        res = ss.resource()
        include = _bool_param((query.get("includeGridData") or ["false"])[0])
        ranges = [_parse_range(ss, r) for r in query.get("ranges", [])]
        if ranges:
            wanted = {r.sheet.sheet_id for r in ranges}
            res["sheets"] = [s for s in res["sheets"] if s["properties"]["sheetId"] in wanted]
        if include:
            for entry in res["sheets"]:
                sheet = ss.by_id(entry["properties"]["sheetId"])
                mine = [r for r in ranges if r.sheet is sheet] or [_Range(sheet, sheet.title, None, None, None, None)]
                entry["data"] = [self._grid_data(sheet, *r.box()) for r in mine]
        return 200, res

    def _grid_data(self, sheet: _Sheet, r0: int, c0: int, r1: int, c1: int) -> dict:
        data: dict[str, Any] = {}
        if r0:
            data["startRow"] = r0
        if c0:
            data["startColumn"] = c0
        rows = _trim_rows(sheet.block(r0, c0, r1, c1))
        if rows:
            data["rowData"] = [({"values": [_cell_data(v) for v in row]} if row else {}) for row in rows]
            self.cells_read += sum(len(r) for r in rows)
        data["rowMetadata"] = [{"pixelSize": 21} for _ in range(r1 - r0)]
        data["columnMetadata"] = [{"pixelSize": 100} for _ in range(c1 - c0)]
        return data

    def _spreadsheets_batch_update(self, sid: str, query: dict, body: bytes) -> tuple[int, dict]:
        live = self._spreadsheets.get(sid)
        if live is None:
            raise _not_found()
        data = _json(body)
        reqs = data.get("requests")
        if not reqs:
            raise _bad("Must specify at least one request.")
        if not isinstance(reqs, list):
            raise _field_violation("requests", "Invalid value at 'requests' (type.googleapis.com/"
                                   "google.apps.sheets.v4.Request), " + json.dumps(reqs))
        for i, req in enumerate(reqs):  # structural validation first: unknown names fail the batch
            if not isinstance(req, dict) or not req:
                raise _bad(f"Invalid requests[{i}]: No request set.")
            for name in req:
                if name not in _KNOWN_REQUESTS:
                    msg = f"Invalid JSON payload received. Unknown name \"{name}\" at 'requests[{i}]': Cannot find field."
                    raise _field_violation(f"requests[{i}]", msg)
            if len(req) > 1:
                raise _bad(f"Invalid requests[{i}]: Only one kind of request may be set per Request.")
        ss = live.cow_clone()
        tally = _Tally()
        replies = []
        for i, req in enumerate(reqs):
            (name, args), = req.items()
            handler = getattr(self, f"_req_{name}", None)
            if handler is None:
                raise _unimplemented(f"batchUpdate request '{name}'")
            if not isinstance(args, dict):
                raise _field_violation(f"requests[{i}].{name}", f"Invalid value at 'requests[{i}].{name}'")
            try:
                replies.append(handler(ss, args, tally))
            except _RequestInvalid as e:
                raise _bad(f"Invalid requests[{i}].{name}: {e}") from None
        ss.commit()
        self._spreadsheets[sid] = ss
        tally.commit(self)
        out: dict[str, Any] = {"spreadsheetId": sid, "replies": replies}
        if _bool_param(data.get("includeSpreadsheetInResponse")):
            out["updatedSpreadsheet"] = ss.resource()
        return 200, out

    # batchUpdate requests: each mutates the clone ``ss``; _RequestInvalid -> 400, nothing applied
    def _req_sheet(self, ss: _Spreadsheet, sheet_id: Any) -> _Sheet:
        sheet = ss.by_id(sheet_id if sheet_id is not None else 0)
        if sheet is None:
            raise _RequestInvalid(f"No grid with id: {sheet_id}")
        return sheet

    def _req_addSheet(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        p = args.get("properties") or {}
        sheet_id = p.get("sheetId")
        if sheet_id is not None:
            if not isinstance(sheet_id, int) or sheet_id < 0:
                raise _RequestInvalid(f"Invalid sheetId: {sheet_id}")
            if ss.by_id(sheet_id) is not None:
                raise _RequestInvalid(f"A sheet with the id {sheet_id} already exists.")
        else:
            sheet_id = self._new_sheet_id(ss)
        title = p.get("title")
        if title is None or title == "":
            n = len(ss.sheets) + 1
            while ss.by_title(f"Sheet{n}"):
                n += 1
            title = f"Sheet{n}"
        if ss.by_title(title) is not None:
            raise _RequestInvalid(f'A sheet with the name "{title}" already exists. Please enter another name.')
        g = p.get("gridProperties") or {}
        rows, cols = int(g.get("rowCount", DEFAULT_ROWS)), int(g.get("columnCount", DEFAULT_COLS))
        if rows < 1 or cols < 1:
            raise _RequestInvalid("The grid must have at least one row and one column.")
        sheet = _Sheet(sheet_id, title, rows, cols)
        sheet._owned = set()
        for key, value in g.items():
            if key not in ("rowCount", "columnCount") and value:
                sheet.grid_extra[key] = value
        for key, value in p.items():
            if key not in ("sheetId", "title", "index", "sheetType", "gridProperties") and value:
                sheet.props[key] = copy.deepcopy(value)
        index = p.get("index")
        index = len(ss.sheets) if index is None else max(0, min(int(index), len(ss.sheets)))
        ss.sheets.insert(index, sheet)
        ss.reindex()
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_deleteSheet(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        sheet = ss.by_id(args.get("sheetId"))
        if sheet is None:
            raise _RequestInvalid(f"No sheet with id: {args.get('sheetId')}")
        if len(ss.sheets) == 1:
            raise _RequestInvalid("You can't remove all the sheets in a document.")
        ss.sheets.remove(sheet)
        if all(s.props.get("hidden") for s in ss.sheets):
            raise _RequestInvalid("You can't remove all the visible sheets in a document.")
        ss.reindex()
        return {}

    def _req_updateSheetProperties(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        p = args.get("properties") or {}
        sheet = ss.by_id(p.get("sheetId", 0))
        if sheet is None:
            raise _RequestInvalid(f"No grid with id: {p.get('sheetId', 0)}")
        fields = args.get("fields")
        if not fields:
            raise _RequestInvalid("At least one field must be updated, but no fields were specified.")
        if fields.strip() == "*":
            paths = [[k] for k in p if k != "sheetId"]
        else:
            paths = [re.split(r"[./]", f.strip()) for f in fields.split(",") if f.strip()]
        for path in paths:
            value = _dig(p, path)
            head = path[0]
            if head == "sheetId":
                raise _RequestInvalid("sheetId is not updatable.")
            if head == "sheetType":
                continue
            if head == "title":
                title = value or ""
                if not title:
                    raise _RequestInvalid("The sheet name cannot be empty.")
                other = ss.by_title(title)
                if other is not None and other is not sheet:
                    raise _RequestInvalid(f'A sheet with the name "{title}" already exists. '
                                          "Please enter another name.")
                sheet.title = title
            elif head == "index":
                ss.sheets.remove(sheet)
                ss.sheets.insert(max(0, min(int(value or 0), len(ss.sheets))), sheet)
                ss.reindex()
            elif head == "gridProperties":
                grid = value if len(path) == 1 else {path[1]: value}
                if len(path) == 1 and not isinstance(grid, dict):
                    grid = {}
                rows = grid.get("rowCount") if "rowCount" in grid else None
                cols = grid.get("columnCount") if "columnCount" in grid else None
                if (rows is not None and int(rows) < 1) or (cols is not None and int(cols) < 1):
                    raise _RequestInvalid("The grid must have at least one row and one column.")
                sheet.resize(None if rows is None else int(rows), None if cols is None else int(cols))
                for key, v in grid.items():
                    if key in ("rowCount", "columnCount"):
                        continue
                    if v:
                        sheet.grid_extra[key] = v
                    else:
                        sheet.grid_extra.pop(key, None)
            elif head == "hidden":
                if value:
                    sheet.props["hidden"] = True
                    if all(s.props.get("hidden") for s in ss.sheets):
                        raise _RequestInvalid("You can't hide all the sheets in a document.")
                else:
                    sheet.props.pop("hidden", None)
            else:
                _put(sheet.props, path, copy.deepcopy(value))
        return {}

    def _req_updateSpreadsheetProperties(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        p = args.get("properties") or {}
        fields = args.get("fields")
        if not fields:
            raise _RequestInvalid("At least one field must be updated, but no fields were specified.")
        names = list(p) if fields.strip() == "*" else [f.strip() for f in fields.split(",") if f.strip()]
        for name in names:
            if name == "title":
                ss.title = p.get("title") or ""
            elif name == "locale":
                ss.locale = p.get("locale") or ss.locale
            elif name == "timeZone":
                ss.time_zone = p.get("timeZone") or ss.time_zone
            else:
                raise _unimplemented(f"updateSpreadsheetProperties field '{name}'")
        return {}

    def _req_appendDimension(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        sheet = self._req_sheet(ss, args.get("sheetId"))
        length = int(args.get("length") or 0)
        if length < 1:
            raise _RequestInvalid("length must be at least 1.")
        dim = args.get("dimension")
        if dim == "ROWS":
            sheet.row_count += length
        elif dim == "COLUMNS":
            sheet.col_count += length
        else:
            raise _RequestInvalid("dimension must be ROWS or COLUMNS.")
        return {}

    def _dimension_range(self, ss: _Spreadsheet, args: dict) -> tuple[_Sheet, str, int, int]:
        rng = args.get("range") or {}
        sheet = self._req_sheet(ss, rng.get("sheetId"))
        dim = rng.get("dimension")
        if dim not in ("ROWS", "COLUMNS"):
            raise _RequestInvalid("range.dimension must be ROWS or COLUMNS.")
        count = sheet.row_count if dim == "ROWS" else sheet.col_count
        start = int(rng.get("startIndex") or 0)
        end = int(rng["endIndex"]) if rng.get("endIndex") is not None else count
        if start < 0 or end <= start:
            raise _RequestInvalid(f"Invalid dimension range: startIndex {start}, endIndex {end}.")
        return sheet, dim, start, end

    def _req_insertDimension(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        sheet, dim, start, end = self._dimension_range(ss, args)
        count = sheet.row_count if dim == "ROWS" else sheet.col_count
        if start > count:
            raise _RequestInvalid(f"range.startIndex ({start}) must be less than or equal to the "
                                  f"number of {dim.lower()} ({count}).")
        if dim == "ROWS":
            sheet.insert_rows(start, end - start)
        else:
            sheet.insert_cols(start, end - start)
        return {}

    def _req_deleteDimension(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        sheet, dim, start, end = self._dimension_range(ss, args)
        count = sheet.row_count if dim == "ROWS" else sheet.col_count
        if end > count:
            raise _RequestInvalid(f"Cannot delete a {dim.lower()[:-1]} that doesn't exist. Tried to delete "
                                  f"{dim.lower()[:-1]} index {end - 1} but there are only {count} {dim.lower()}.")
        if start == 0 and end == count:
            raise _RequestInvalid(f"You can't delete all the {dim.lower()} on the sheet.")
        if dim == "ROWS":
            sheet.delete_rows(start, end)
        else:
            sheet.delete_cols(start, end)
        return {}

    def _req_appendCells(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        sheet = self._req_sheet(ss, args.get("sheetId"))
        writes_values = _fields_cover_value(args.get("fields"))
        rows = args.get("rows") or []
        start = sheet.last_data_row() + 1
        needed = start + len(rows)
        width = max((len(r.get("values") or []) for r in rows), default=0)
        if width > sheet.col_count:
            raise _RequestInvalid(f"Range ({quote_title(sheet.title)}!{col_letters(sheet.col_count)}{start + 1}) "
                                  f"exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.col_count}")
        if needed > sheet.row_count:  # "inserting new rows into the sheet if necessary"
            sheet.row_count = needed
        if writes_values:
            for i, row in enumerate(rows):
                for j, cell in enumerate(row.get("values") or []):
                    sheet.set(start + i, j, _cell_value(cell))
                    tally.written += 1
                tally.touch(sheet, start + i)
        return {}

    def _req_updateCells(self, ss: _Spreadsheet, args: dict, tally: "_Tally") -> dict:
        if ("start" in args) == ("range" in args):
            raise _RequestInvalid("Exactly one of start or range must be set.")
        writes_values = _fields_cover_value(args.get("fields"))
        rows = args.get("rows") or []
        if "start" in args:
            st = args["start"] or {}
            sheet = self._req_sheet(ss, st.get("sheetId"))
            r0, c0 = int(st.get("rowIndex") or 0), int(st.get("columnIndex") or 0)
            r1 = r0 + len(rows)
            c1 = c0 + max((len(r.get("values") or []) for r in rows), default=0)
            clear_box = None
        else:
            g = args["range"] or {}
            sheet = self._req_sheet(ss, g.get("sheetId"))
            r0, c0 = int(g.get("startRowIndex") or 0), int(g.get("startColumnIndex") or 0)
            r1 = int(g["endRowIndex"]) if g.get("endRowIndex") is not None else sheet.row_count
            c1 = int(g["endColumnIndex"]) if g.get("endColumnIndex") is not None else sheet.col_count
            clear_box = (r0, c0, r1, c1)
        if r1 > sheet.row_count or c1 > sheet.col_count or r0 < 0 or c0 < 0:
            raise _RequestInvalid(f"Range ({_a1(sheet.title, r0, c0, max(r1, r0 + 1), max(c1, c0 + 1))}) "
                                  f"exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.col_count}")
        if not writes_values:
            return {}
        written: set[tuple[int, int]] = set()
        for i, row in enumerate(rows):
            for j, cell in enumerate(row.get("values") or []):
                r, c = r0 + i, c0 + j
                if clear_box and not (r < r1 and c < c1):
                    continue  # data beyond the given range is ignored
                sheet.set(r, c, _cell_value(cell))
                written.add((r, c))
                tally.written += 1
            tally.touch(sheet, r0 + i)
        if clear_box:  # "fields set in `fields` are cleared in the rest of the range"
            for r in range(r0, min(r1, len(sheet.rows))):
                for c in range(c0, min(c1, len(sheet.rows[r]))):
                    if (r, c) not in written and sheet.set(r, c, ""):
                        tally.cleared += 1
        return {}

    # -- values -------------------------------------------------------------------------------
    def _values_get(self, sid: str, rng: str, query: dict, body: bytes) -> tuple[int, dict]:
        ss = self._spreadsheets.get(sid)
        if ss is None:
            raise _not_found()
        return 200, self._value_range(ss, rng, query)

    def _value_range(self, ss: _Spreadsheet, rng: str, query: dict) -> dict:
        major = (query.get("majorDimension") or ["ROWS"])[0] or "ROWS"
        if major not in ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED"):
            raise _field_violation("major_dimension", "Invalid value at 'major_dimension' "
                                   f"(type.googleapis.com/google.apps.sheets.v4.Dimension), \"{major}\"")
        render = (query.get("valueRenderOption") or ["FORMATTED_VALUE"])[0]
        if render not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
            raise _field_violation("value_render_option", "Invalid value at 'value_render_option' "
                                   f"(type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), \"{render}\"")
        r = _parse_range(ss, rng)
        r0, c0, r1, c1 = r.box()
        block = r.sheet.block(r0, c0, r1, c1)
        if major == "COLUMNS":
            width = max((len(row) for row in block), default=0)
            block = [[row[j] if j < len(row) else "" for row in block] for j in range(width)]
        else:
            major = "ROWS"
        values = _trim_rows(block)
        if render != "FORMATTED_VALUE":
            values = [[_unformatted(v) for v in row] for row in values]
        self.cells_read += sum(len(v) for v in values)
        out: dict[str, Any] = {"range": _a1(r.sheet.title, r0, c0, r1, c1), "majorDimension": major}
        if values:
            out["values"] = values
        return out

    def _values_batch_get(self, sid: str, query: dict, body: bytes) -> tuple[int, dict]:
        ss = self._spreadsheets.get(sid)
        if ss is None:
            raise _not_found()
        out: dict[str, Any] = {"spreadsheetId": sid}
        ranges = query.get("ranges", [])
        if ranges:
            out["valueRanges"] = [self._value_range(ss, r, query) for r in ranges]
        return 200, out

    def _txn(self, sid: str) -> _Spreadsheet:
        live = self._spreadsheets.get(sid)
        if live is None:
            raise _not_found()
        return live.cow_clone()

    def _commit(self, ss: _Spreadsheet, tally: "_Tally") -> None:
        ss.commit()
        self._spreadsheets[ss.id] = ss
        tally.commit(self)

    def _values_update(self, sid: str, rng: str, query: dict, body: bytes) -> tuple[int, dict]:
        ss = self._txn(sid)
        option = _value_input_option(query.get("valueInputOption", [None])[0])
        data = _json(body)
        if data.get("range") and not _same_range(ss, data["range"], rng):
            raise _bad(f"Requested writing within range [{rng}], but the request body has range "
                       f"[{data['range']}]. Please make sure the range in the URL and request body match.")
        tally = _Tally()
        resp = self._write_values(ss, rng, data, option, tally, query)
        self._commit(ss, tally)
        return 200, resp

    def _write_values(self, ss: _Spreadsheet, rng: str, data: dict, option: str, tally: "_Tally",
                      query: Mapping[str, Any], field: str = "data.values") -> dict:
        r = _parse_range(ss, rng)
        grid = _input_grid(data, option, field)
        sheet = r.sheet
        r0, c0 = r.r0 or 0, r.c0 or 0
        nrows = len(grid)
        ncols = max((len(row) for row in grid), default=0)
        if not r.single_cell:
            limit_r1 = r.r1 if r.r1 is not None else sheet.row_count
            limit_c1 = r.c1 if r.c1 is not None else sheet.col_count
            if r0 + nrows > limit_r1:
                raise _bad(f"Requested writing within range [{rng}], but tried writing to row [{r0 + nrows}]")
            if c0 + ncols > limit_c1:
                raise _bad(f"Requested writing within range [{rng}], but tried writing to column "
                           f"[{col_letters(c0 + ncols - 1)}]")
        if r0 + max(nrows, 1) > sheet.row_count or c0 + max(ncols, 1) > sheet.col_count:
            raise _bad(f"Range ({_a1(sheet.title, r0, c0, r0 + max(nrows, 1), c0 + max(ncols, 1))}) exceeds "
                       f"grid limits. Max rows: {sheet.row_count}, max columns: {sheet.col_count}")
        cells, rows_hit, cols_hit = _write_grid(sheet, r0, c0, grid, tally)
        resp: dict[str, Any] = {"spreadsheetId": ss.id}
        if nrows and ncols:
            resp["updatedRange"] = _a1(sheet.title, r0, c0, r0 + nrows, c0 + ncols)
            if cells:  # rows/columns counted only where a cell was written (nulls are skipped)
                resp.update(updatedRows=rows_hit, updatedColumns=cols_hit, updatedCells=cells)
        else:
            resp["updatedRange"] = _a1(sheet.title, r0, c0, r0 + 1, c0 + 1)
        if _bool_param((query.get("includeValuesInResponse") or ["false"])[0]) and nrows and ncols:
            resp["updatedData"] = self._echo(sheet, r0, c0, r0 + nrows, c0 + ncols)
        return resp

    def _echo(self, sheet: _Sheet, r0: int, c0: int, r1: int, c1: int) -> dict:
        values = _trim_rows(sheet.block(r0, c0, r1, c1))
        out: dict[str, Any] = {"range": _a1(sheet.title, r0, c0, r1, c1), "majorDimension": "ROWS"}
        if values:
            out["values"] = values
        return out

    def _values_batch_update(self, sid: str, query: dict, body: bytes) -> tuple[int, dict]:
        ss = self._txn(sid)
        data = _json(body)
        option = _value_input_option(data.get("valueInputOption"))
        tally = _Tally()
        responses = []
        echo = {"includeValuesInResponse": [str(data.get("includeValuesInResponse", False)).lower()]}
        for i, vr in enumerate(data.get("data") or []):
            if not vr.get("range"):
                raise _bad(f"Invalid data[{i}]: range is required")
            responses.append(self._write_values(ss, vr["range"], vr, option, tally, echo,
                                                field=f"data[{i}].values"))
        self._commit(ss, tally)
        out: dict[str, Any] = {"spreadsheetId": sid}
        if tally.written:
            out.update(totalUpdatedRows=len(tally.rows), totalUpdatedColumns=len(tally.cols),
                       totalUpdatedCells=tally.written, totalUpdatedSheets=len(tally.sheets))
        if responses:
            out["responses"] = responses
        return 200, out

    def _values_append(self, sid: str, rng: str, query: dict, body: bytes) -> tuple[int, dict]:
        ss = self._txn(sid)
        option = _value_input_option(query.get("valueInputOption", [None])[0])
        insert = (query.get("insertDataOption") or ["OVERWRITE"])[0]
        if insert not in ("OVERWRITE", "INSERT_ROWS"):
            raise _field_violation("insert_data_option", "Invalid value at 'insert_data_option' "
                                   f"(type.googleapis.com/google.apps.sheets.v4.InsertDataOption), \"{insert}\"")
        data = _json(body)
        r = _parse_range(ss, rng)
        sheet = r.sheet
        r0, c0, r1, c1 = r.box()
        if r.single_cell:  # the search for the table is not bounded by a single anchor cell
            r1, c1 = r0 + 1, c0 + 1
        grid = _input_grid(data, option, "data.values")
        nrows = len(grid)
        ncols = max((len(row) for row in grid), default=0)
        table = _find_table(sheet, r0, c0, r1, c1)
        if table is not None:
            start_r, start_c = table[2] + 1, table[1]
        else:
            start_r, start_c = r0, c0
        tally = _Tally()
        if nrows and ncols:
            if insert == "INSERT_ROWS":
                if start_r < sheet.row_count:
                    sheet.insert_rows(start_r, nrows)
                else:
                    sheet.row_count = start_r + nrows
            elif start_r + nrows > sheet.row_count:
                sheet.row_count = start_r + nrows   # "will still insert new rows ... so the data can be written"
            if start_c + ncols > sheet.col_count:
                sheet.col_count = start_c + ncols
            cells, rows_hit, cols_hit = _write_grid(sheet, start_r, start_c, grid, tally)
        self._commit(ss, tally)
        out: dict[str, Any] = {"spreadsheetId": sid}
        if table is not None:
            out["tableRange"] = _a1(sheet.title, table[0], table[1], table[2] + 1, table[3] + 1)
        updates: dict[str, Any] = {"spreadsheetId": sid}
        if nrows and ncols:
            updates["updatedRange"] = _a1(sheet.title, start_r, start_c, start_r + nrows, start_c + ncols)
            if cells:
                updates.update(updatedRows=rows_hit, updatedColumns=cols_hit, updatedCells=cells)
            if _bool_param((query.get("includeValuesInResponse") or ["false"])[0]):
                updates["updatedData"] = self._echo(sheet, start_r, start_c, start_r + nrows, start_c + ncols)
        out["updates"] = updates
        return 200, out

    def _clear(self, ss: _Spreadsheet, rng: str, tally: "_Tally") -> str:
        r = _parse_range(ss, rng)
        r0, c0, r1, c1 = r.box()
        sheet = r.sheet
        for rr in range(r0, min(r1, len(sheet.rows))):
            for cc in range(c0, min(c1, len(sheet.rows[rr]))):
                if sheet.set(rr, cc, ""):
                    tally.cleared += 1
        return _a1(sheet.title, r0, c0, r1, c1)

    def _values_clear(self, sid: str, rng: str, query: dict, body: bytes) -> tuple[int, dict]:
        ss = self._txn(sid)
        tally = _Tally()
        cleared = self._clear(ss, rng, tally)
        self._commit(ss, tally)
        return 200, {"spreadsheetId": sid, "clearedRange": cleared}

    def _values_batch_clear(self, sid: str, query: dict, body: bytes) -> tuple[int, dict]:
        ss = self._txn(sid)
        data = _json(body)
        tally = _Tally()
        cleared = [self._clear(ss, rng, tally) for rng in data.get("ranges") or []]
        self._commit(ss, tally)
        out: dict[str, Any] = {"spreadsheetId": sid}
        if cleared:
            out["clearedRanges"] = cleared
        return 200, out

    # -- Drive v3 (just what gspread's create/open/delete use) --------------------------------
    def _route_drive(self, method: str, raw_path: str) -> tuple[str, Callable]:
        if raw_path == "/drive/v3/files":
            if method == "POST":
                return "drive.files.create", self._drive_create
            if method == "GET":
                return "drive.files.list", lambda q, b: self._drive_list(q)
        m = re.fullmatch(r"/drive/v3/files/([^/]+)", raw_path)
        if m:
            fid = unquote(m.group(1))
            if method == "GET":
                return "drive.files.get", lambda q, b: self._drive_get(fid, q)
            if method == "DELETE":
                return "drive.files.delete", lambda q, b: self._drive_delete(fid)
        raise _unimplemented(f"Drive {method} {raw_path}")

    def _drive_file(self, ss: _Spreadsheet) -> dict:
        return {"kind": "drive#file", "id": ss.id, "name": ss.title, "mimeType": SPREADSHEET_MIME,
                "createdTime": ss.created, "modifiedTime": ss.modified}

    def _drive_missing(self, fid: str) -> ApiError:
        return ApiError(404, f"File not found: {fid}.", drive_reason="notFound")

    def _drive_create(self, query: dict, body: bytes) -> tuple[int, dict]:
        data = _json(body)
        if data.get("mimeType") != SPREADSHEET_MIME:
            raise _unimplemented("Drive files.create for anything but a Google spreadsheet")
        sid = self.create(data.get("name") or "Untitled spreadsheet")
        f = self._drive_file(self._spreadsheets[sid])
        return 200, {k: f[k] for k in ("kind", "id", "name", "mimeType")}

    def _drive_get(self, fid: str, query: dict) -> tuple[int, dict]:
        ss = self._spreadsheets.get(fid)
        if ss is None:
            raise self._drive_missing(fid)
        f = self._drive_file(ss)
        if "fields" not in query:
            f = {k: f[k] for k in ("kind", "id", "name", "mimeType")}
        return 200, f

    def _drive_delete(self, fid: str) -> tuple[int, None]:
        if fid not in self._spreadsheets:
            raise self._drive_missing(fid)
        del self._spreadsheets[fid]
        return 204, None

    def _drive_list(self, query: dict) -> tuple[int, dict]:
        q = (query.get("q") or [""])[0]
        name = re.search(r'name\s*=\s*"((?:[^"\\]|\\.)*)"', q)
        files = [self._drive_file(ss) for ss in self._spreadsheets.values()
                 if name is None or ss.title == name.group(1).replace('\\"', '"')]
        files.sort(key=lambda f: f["modifiedTime"], reverse=True)
        return 200, {"kind": "drive#fileList", "incompleteSearch": False, "files": files}

    # -- control endpoints for other processes (never Google paths) ---------------------------
    def _route_control(self, method: str, name: str) -> tuple[str, Callable]:
        def create(q: dict, b: bytes) -> tuple[int, dict]:
            d = _json(b)
            return 200, {"id": self.create(d["title"], d.get("sheets"), d.get("spreadsheetId"))}

        def values(q: dict, b: bytes) -> tuple[int, dict]:
            return 200, {"values": self.get_values(q["spreadsheetId"][0], q["sheet"][0])}

        def set_faults(q: dict, b: bytes) -> tuple[int, dict]:
            d = _json(b)
            self.faults = FaultPlan.from_dict(d) if d else None
            return 200, {}

        def reset(q: dict, b: bytes) -> tuple[int, dict]:
            self.reset_counters()
            return 200, {}

        table: dict[tuple[str, str], Callable] = {
            ("POST", "create"): create, ("GET", "values"): values, ("POST", "faults"): set_faults,
            ("GET", "counters"): lambda q, b: (200, self.counters()),
            ("POST", "reset_counters"): reset,
            ("GET", "state"): lambda q, b: (200, self.dump_state()),
        }
        fn = table.get((method, name))
        if fn is None:
            raise _unimplemented(f"control call {method} {name}")
        return f"emulator.{name}", fn


# ----------------------------------------------------------------------------------------------
# Helpers used by the request handlers
# ----------------------------------------------------------------------------------------------

class _RequestInvalid(Exception):
    """A batchUpdate sub-request is invalid: becomes 'Invalid requests[i].name: ...'."""


class _Tally:
    """Counts for one request; added to the emulator's counters only if the request commits."""

    def __init__(self) -> None:
        self.written = self.cleared = 0
        self.rows: set[tuple[int, int]] = set()
        self.cols: set[tuple[int, int]] = set()
        self.sheets: set[int] = set()

    def mark(self, sheet: _Sheet, r: int, c: int) -> None:
        self.rows.add((sheet.sheet_id, r))
        self.cols.add((sheet.sheet_id, c))
        self.sheets.add(sheet.sheet_id)

    def touch(self, sheet: _Sheet, r: int) -> None:
        self.rows.add((sheet.sheet_id, r))
        self.sheets.add(sheet.sheet_id)

    def commit(self, emu: SheetsEmulator) -> None:
        emu.cells_written += self.written
        emu.cells_cleared += self.cleared


def _json(body: bytes) -> dict:
    if not body:
        return {}
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _bad(f"Invalid JSON payload received. {e}") from None
    if not isinstance(data, dict):
        raise _bad("Invalid JSON payload received. Expected an object.")
    return data


def _dig(obj: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _put(obj: dict, path: list[str], value: Any) -> None:
    for key in path[:-1]:
        obj = obj.setdefault(key, {})
    if value in (None, False, 0, "", {}, []):  # proto3: a default value is simply absent
        obj.pop(path[-1], None)
    else:
        obj[path[-1]] = value


def _value_input_option(value: str | None) -> str:
    if not value or value == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise _bad("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    if value not in ("RAW", "USER_ENTERED"):
        raise _field_violation("value_input_option", "Invalid value at 'value_input_option' "
                               f"(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"{value}\"")
    return value


def _input_value(v: Any, option: str, field: str) -> str | None:
    if v is None:
        return None
    if isinstance(v, (bool, int, float)):
        return _Typed(v)
    if isinstance(v, str):
        if option == "USER_ENTERED":
            if v.startswith("'"):
                return v[1:]  # the apostrophe only forces text
            if _user_entered_would_parse(v):
                raise _unimplemented(f"USER_ENTERED parsing of {v!r} (Google would turn it into a formula, "
                                     "number, boolean or date; write it with valueInputOption=RAW)")
        return v          # RAW: stored exactly as given, never parsed (no formulas, no numbers)
    raise _field_violation(field, f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), "
                           + json.dumps(v, ensure_ascii=False))


_UE_NUMBER = re.compile(r"[+-]?\s*[$€£¥]?\s*(?:\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(?:\.\d*)?(?:[eE][+-]?\d+)?\s*%?")
_UE_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                      r"|\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?")


def _user_entered_would_parse(v: str) -> bool:
    """Best effort: would Google's USER_ENTERED parser turn this text into something else?"""
    t = v.strip()
    return (t.startswith(("=", "+")) or t.upper() in ("TRUE", "FALSE")
            or bool(_UE_NUMBER.fullmatch(t)) or bool(_UE_DATE.fullmatch(t)))


def _input_grid(data: dict, option: str, field: str) -> list[list[str | None]]:
    values = data.get("values")
    if values is None:
        return []
    if not isinstance(values, list) or any(not isinstance(row, list) for row in values):
        bad = values if not isinstance(values, list) else next(r for r in values if not isinstance(r, list))
        raise _field_violation(field, f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), "
                               + json.dumps(bad, ensure_ascii=False))
    grid = [[_input_value(v, option, field) for v in row] for row in values]
    major = data.get("majorDimension") or "ROWS"
    if major == "COLUMNS":
        height = max((len(col) for col in grid), default=0)
        grid = [[col[i] if i < len(col) else None for col in grid] for i in range(height)]
    elif major not in ("ROWS", "DIMENSION_UNSPECIFIED"):
        raise _field_violation("data.major_dimension", "Invalid value at 'data.major_dimension' "
                               f"(type.googleapis.com/google.apps.sheets.v4.Dimension), \"{major}\"")
    return grid


def _write_grid(sheet: _Sheet, r0: int, c0: int, grid: list[list[str | None]],
                tally: _Tally) -> tuple[int, int, int]:
    """Write a row-major grid at (r0, c0); None cells are skipped. -> (cells, rows, columns) written."""
    cells, rows, cols = 0, set(), set()
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v is None:
                continue  # JSON null: "Null values will be skipped"
            sheet.set(r0 + i, c0 + j, v)
            cells += 1
            rows.add(i)
            cols.add(j)
            tally.mark(sheet, r0 + i, c0 + j)
    tally.written += cells
    return cells, len(rows), len(cols)


def _same_range(ss: _Spreadsheet, a: str, b: str) -> bool:
    try:
        ra, rb = _parse_range(ss, a), _parse_range(ss, b)
    except ApiError:
        return a == b
    return (ra.sheet is rb.sheet and (ra.r0, ra.c0, ra.r1, ra.c1) == (rb.r0, rb.c0, rb.r1, rb.c1))


def _fields_cover_value(fields: str | None) -> bool:
    if not fields:
        raise _RequestInvalid("At least one field must be updated, but no fields were specified.")
    names = [f.strip() for f in fields.split(",") if f.strip()]
    other = [n for n in names if n != "*" and n.split(".")[0].split("/")[0] != "userEnteredValue"]
    if other:  # formats, notes, validation...: refused rather than silently ignored
        raise _unimplemented(f"CellData fields {', '.join(other)}")
    return True


def _cell_data(v: str) -> dict:
    """CellData of a stored value, for includeGridData answers."""
    if v == "":
        return {}
    if isinstance(v, _Typed):
        key = "boolValue" if isinstance(v.raw, bool) else "numberValue"
        ext = {key: v.raw}
    else:
        ext = {"stringValue": str(v)}
    return {"userEnteredValue": ext, "effectiveValue": dict(ext), "formattedValue": str(v)}


def _cell_value(cell: Mapping[str, Any] | None) -> str:
    uev = (cell or {}).get("userEnteredValue") or {}
    if "stringValue" in uev:
        return str(uev["stringValue"])
    if "numberValue" in uev:
        return _Typed(uev["numberValue"])
    if "boolValue" in uev:
        return _Typed(bool(uev["boolValue"]))
    if "formulaValue" in uev:
        return str(uev["formulaValue"])  # stored, never evaluated (see SHEETS_BEHAVIOURS.md)
    if "errorValue" in uev:
        raise _RequestInvalid("errorValue cannot be written.")
    return ""


# ----------------------------------------------------------------------------------------------
# Transports
# ----------------------------------------------------------------------------------------------

class EmulatorAdapter(BaseAdapter):
    """requests transport adapter answering from a SheetsEmulator in-process."""

    def __init__(self, emulator: SheetsEmulator):
        super().__init__()
        self.emulator = emulator

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        outcome = self.emulator.handle(request.method or "GET", request.url or "", request.body)
        if outcome.timeout:
            raise requests.exceptions.ReadTimeout(
                f"sheets_emulator: injected timeout ({outcome.timeout} applying) for {request.method} {request.url}",
                request=request)
        resp = requests.Response()
        resp.status_code = outcome.status
        resp.reason = _REASONS.get(outcome.status, "")
        resp.headers = CaseInsensitiveDict(outcome.headers)
        resp._content = outcome.body
        resp.encoding = "utf-8"
        resp.url = request.url or ""
        resp.request = request
        resp.connection = self
        return resp

    def close(self) -> None:
        pass


_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented",
            503: "Service Unavailable"}


class ForwardingAdapter(HTTPAdapter):
    """Sends https://sheets.googleapis.com/... and https://www.googleapis.com/... to a local
    emulator server (http://127.0.0.1:PORT/...), keeping path and query."""

    def __init__(self, base_url: str, **kw: Any):
        super().__init__(**kw)
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, **kw: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kw)


def forwarding_session(port: int, host: str = "127.0.0.1") -> requests.Session:
    """A requests.Session whose Google API calls go to the emulator server at host:port
    (usable from any process): gspread.Client(auth=None, session=forwarding_session(port))."""
    s = requests.Session()
    adapter = ForwardingAdapter(f"http://{host}:{port}")
    s.mount(SHEETS_BASE, adapter)
    s.mount(GOOGLEAPIS_BASE, adapter)
    return s


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = "sheets.googleapis.com" if self.path.startswith("/v4/") else "www.googleapis.com"
        emulator: SheetsEmulator = self.server.emulator  # type: ignore[attr-defined]
        try:
            outcome = emulator.handle(self.command, f"https://{host}{self.path}", body)
        except Exception as exc:  # an emulator bug: say so loudly, never pass it off as Google's answer
            traceback.print_exc()
            error = ApiError(500, f"sheets_emulator bug: {type(exc).__name__}: {exc}").body()
            outcome = _Outcome(500, json.dumps(error).encode(), {"Content-Type": "application/json; charset=UTF-8"})
        if outcome.timeout:
            time.sleep(outcome.sleep)       # past the client's timeout; then no answer at all
            self.close_connection = True
            return
        self.send_response(outcome.status, _REASONS.get(outcome.status))
        for k, v in outcome.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(outcome.body)))
        self.end_headers()
        if outcome.body:
            self.wfile.write(outcome.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _make_server(emulator: SheetsEmulator, host: str, port: int) -> _Server:
    server = _Server((host, port), _Handler)
    server.emulator = emulator  # type: ignore[attr-defined]
    return server


@dataclass
class ServerHandle:
    emulator: SheetsEmulator
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def session(self) -> requests.Session:
        return forwarding_session(self.port, self.host)


class RemoteEmulator:
    """Set-up and inspection of an emulator server in another process (its /_emulator/ calls)."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.base = f"http://{host}:{port}/_emulator"
        self.http = requests.Session()

    def _call(self, method: str, name: str, **kw: Any) -> dict:
        r = self.http.request(method, f"{self.base}/{name}", timeout=10, **kw)
        r.raise_for_status()
        return r.json()

    def create(self, title: str, sheets: Iterable[str | Mapping[str, Any]] | None = None) -> str:
        return self._call("POST", "create", json={"title": title, "sheets": list(sheets) if sheets else None})["id"]

    def get_values(self, spreadsheet_id: str, sheet: str) -> list[list[str]]:
        return self._call("GET", "values", params={"spreadsheetId": spreadsheet_id, "sheet": sheet})["values"]

    def counters(self) -> dict:
        return self._call("GET", "counters")

    def reset_counters(self) -> None:
        self._call("POST", "reset_counters")

    def set_faults(self, plan: FaultPlan | None) -> None:
        self._call("POST", "faults", json=plan.to_dict() if plan else {})

    def state(self) -> dict:
        return self._call("GET", "state")


class ServerProcess:
    """``python tests/sheets_emulator.py`` in a child process; a context manager."""

    def __init__(self, state: str | os.PathLike | None = None, port: int = 0, seed: int | None = None,
                 startup_timeout: float = 15.0):
        cmd = [sys.executable, os.path.abspath(__file__), "--port", str(port)]
        if state:
            cmd += ["--state", os.fspath(state)]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + startup_timeout
        line = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if line.startswith(READY_MARKER) or not line:
                break
        if not line.startswith(READY_MARKER):
            self.stop()
            raise RuntimeError(f"emulator server did not start: {line!r} {self.proc.stderr.read()!r}")  # type: ignore[union-attr]
        self.port = int(line.split("port=")[1])
        self.remote = RemoteEmulator(self.port)

    def session(self) -> requests.Session:
        return forwarding_session(self.port)

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
        return self.proc.returncode

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_server_process(state: str | os.PathLike | None = None, port: int = 0,
                         seed: int | None = None) -> ServerProcess:
    return ServerProcess(state=state, port=port, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local Google Sheets API v4 emulator (tests only).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--state", help="JSON state file: loaded at start, rewritten after every write")
    parser.add_argument("--seed", type=int, default=None, help="seed for spreadsheet and sheet ids")
    args = parser.parse_args(argv)
    emulator = SheetsEmulator(seed=args.seed, state_path=args.state)
    server = _make_server(emulator, args.host, args.port)
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    print(f"{READY_MARKER} port={server.server_address[1]}", flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    if args.state:
        emulator.save_state(args.state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
