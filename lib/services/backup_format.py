"""The backup workbook's format: its sheets and columns per format version, and reading it back row by row
with every value checked (the use cases are in lib.services.backup)."""
from __future__ import annotations

import io
import json
import re
from datetime import date

from lib.errors import SidipError
from lib.files import check_id, check_office_id
from lib.store import codec
from lib.store.port import Register

SCHEMA = "sidip-backup/3"   # /2 plus the attachments table and the files' bytes
OLD_SCHEMAS = ("sidip-backup/2", "sidip-backup/1")
SIGNED = (SCHEMA, "sidip-backup/2")  # every row but the events carries its MAC (_mac)
NEWER_TABLES = {"attachments": SCHEMA}  # tables a backup holds only from this format on
# events: the rows each action wrote (a backup of Google Sheets may leave it empty). A format-1 backup's rows
# are unsigned: restored (and signed) as they are; its events are still verified.
WRITE_LEDGER = "_rows"
META_SHEET = "_sidip"
CELLS_SHEET = "_sidip_cells"
CELLS_COLUMNS = ["sheet", "row", "column", "part", "json"]
TABLES: tuple[str, ...] = Register.DUMP_TABLES
CELL_LIMIT = 32767  # characters per cell in Excel; openpyxl silently cuts longer strings
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")
NOT_BACKUP = "Berkas bukan XLSX cadangan SIDIP"


def expected_columns(table: str, schema: str = SCHEMA) -> list[str]:
    """The columns a table's sheet must have: the record's fields, or the fixed set, and the row MAC."""
    if table == "events":
        return codec.data_columns(table) + ([WRITE_LEDGER] if schema in SIGNED else [])
    return codec.data_columns(table) + ([codec.ROW_MAC] if schema in SIGNED else [])


def tables_of(schema: str) -> tuple[str, ...]:
    return tuple(t for t in TABLES if t not in NEWER_TABLES or schema == NEWER_TABLES[t])


def read_workbook(data: bytes) -> dict[str, list[list[str | None]]]:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as err:  # not a zip, not OOXML, a broken part: all the same to the admin
        raise SidipError(f"{NOT_BACKUP}: berkas tidak dapat dibuka sebagai buku kerja Excel.") from err
    try:
        return {ws.title: _sheet_values(ws) for ws in wb.worksheets}
    except SidipError:
        raise
    except Exception as err:
        raise SidipError(f"{NOT_BACKUP}: isi buku kerja rusak.") from err
    finally:
        wb.close()


def _sheet_values(ws) -> list[list[str | None]]:
    rows = []
    for cells in ws.iter_rows():
        values = []
        for cell in cells:
            if cell.value is None:
                values.append(None)
                continue
            if not isinstance(cell.value, str) or cell.data_type == "f":
                what = "rumus" if cell.data_type == "f" else "angka atau tanggal"
                raise SidipError(f"Lembar {ws.title} sel {cell.coordinate} berisi {what}, bukan teks: "
                                 "cadangan yang diubah di aplikasi lembar kerja tidak dapat dipulihkan.")
            values.append(cell.value)
        rows.append(values)
    return rows


def table_rows(sheet: str, rows, expected: list[str]) -> tuple[list[dict[str, str]], list[int]]:
    """The sheet's rows as dicts (header checked against ``expected``) and their row numbers."""
    header = list(rows[0]) if rows else []
    while header and header[-1] is None:
        header.pop()
    if None in header:
        raise SidipError(f"Lembar {sheet}: kolom ke-{header.index(None) + 1} tidak berjudul.")
    problems = []
    missing = [c for c in expected if c not in header and c not in codec.ADDED_COLUMNS.get(sheet, ())
               and c != WRITE_LEDGER]
    extra = [c for c in header if c not in expected]
    doubled = sorted({c for c in header if header.count(c) > 1})
    if missing:
        problems.append(f"kolom hilang: {', '.join(missing)}")
    if extra:
        problems.append(f"kolom tidak dikenal: {', '.join(extra)}")
    if doubled:
        problems.append(f"kolom ganda: {', '.join(doubled)}")
    if problems:
        raise SidipError(f"Lembar {sheet}: {'; '.join(problems)}.")
    records, numbers = [], []
    for number, values in enumerate(rows[1:], 2):
        if all(v is None for v in values):
            continue
        if any(v is not None for v in values[len(header):]):
            raise SidipError(f"Lembar {sheet} baris {number}: ada isian di luar kolom yang berjudul.")
        padded = list(values) + [None] * (len(header) - len(values))
        records.append({name: padded[i] or "" for i, name in enumerate(header)})
        numbers.append(number)
    return records, numbers


def check_count(meta: dict[str, str], sheet: str, found: int) -> None:
    noted = meta.get(f"rows.{sheet}")
    if noted is None:
        raise SidipError(f"Lembar {META_SHEET} tidak mencatat jumlah baris lembar {sheet}.")
    if noted != str(found):
        raise SidipError(f"Lembar {sheet} berisi {found} baris, padahal {META_SHEET} mencatat {noted}: "
                         "cadangan tidak utuh.")


def apply_side_cells(side_rows, tables, numbers) -> None:
    """Put back the exact values kept in _sidip_cells."""
    parts: dict[tuple[str, str, str], dict[int, str]] = {}
    for row in side_rows:
        key = (row["sheet"], row["row"], row["column"])
        if not row["part"].isdigit() or int(row["part"]) in parts.setdefault(key, {}):
            raise SidipError(f"Lembar {CELLS_SHEET} rusak: bagian \"{row['part']}\" untuk "
                             f"{row['sheet']} baris {row['row']} kolom {row['column']} tidak sah.")
        parts[key][int(row["part"])] = row["json"]
    for (sheet, number, column), pieces in parts.items():
        where = f"{sheet} baris {number} kolom {column}"
        if sheet not in tables or not number.isdigit() or int(number) not in numbers[sheet] \
                or column not in expected_columns(sheet):
            raise SidipError(f"Lembar {CELLS_SHEET} rusak: sel {where} tidak ada.")
        try:
            if sorted(pieces) != list(range(len(pieces))):
                raise ValueError("bagian hilang")
            value = json.loads("".join(pieces[i] for i in range(len(pieces))))
            if not isinstance(value, str):
                raise ValueError("bukan teks")
        except ValueError as err:
            raise SidipError(f"Lembar {CELLS_SHEET} rusak: nilai sel {where} tidak dapat dibaca.") from err
        tables[sheet][numbers[sheet].index(int(number))][column] = value


def check_values(table: str, rows: list[dict[str, str]], numbers: list[int]) -> None:
    """Every row must read back as a record: a restore never leaves pages that crash."""
    for number, row in zip(numbers, rows):
        try:
            if table in codec.RECORDS:
                codec.from_row(codec.RECORDS[table], row)
            elif table == "version_items":
                int(row["nomor"]), json.loads(row["data"])
            elif table == "holidays":
                date.fromisoformat(row["day"])
        except (ValueError, TypeError, KeyError) as err:
            raise SidipError(f"Lembar {table} baris {number} berisi nilai yang tidak sah.") from err


ID_COLUMNS = {"items": ("id",), "versions": ("id", "base_version_id"), "events": ("id",),
              "version_items": ("version_id", "item_id"), "attachments": ("id", "item_id", "replaces")}


def check_ids(table: str, rows: list[dict[str, str]], numbers: list[int]) -> None:
    """Ids become folder names when a version is published: only ids as SIDIP makes them come in."""
    for number, row in zip(numbers, rows):
        try:
            if "office_id" in row:
                check_office_id(row["office_id"])
            for column in ID_COLUMNS.get(table, ()):
                if row.get(column) or column == "id" or table == "version_items":
                    check_id(row.get(column, ""), f"Kolom {column}")
        except SidipError as err:
            raise SidipError(f"Lembar {table} baris {number}: {err} Cadangan tidak dipulihkan.") from None
