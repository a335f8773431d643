"""Read an uploaded spreadsheet (XLSX or CSV in any common encoding and separator) into a grid of text.

No mapping happens here: the grid goes to ``lib.domain.import_mapping``.
"""
from __future__ import annotations

import csv
import io

from lib.domain.validation import clean_text
from lib.errors import SidipError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")  # latin-1 never fails: the last resort


class ReadError(SidipError):
    """The file cannot be read as a spreadsheet; nothing was imported."""


def read_grid(filename: str, data: bytes) -> list[list[str]]:
    if not data:
        raise ReadError("Berkas kosong. Pilih berkas DIP dalam format XLSX atau CSV.")
    if len(data) > MAX_BYTES:
        raise ReadError(f"Berkas terlalu besar ({len(data) / 1_048_576:.0f} MB); paling besar 20 MB. "
                        "Pecah menjadi beberapa berkas atau simpan ulang sebagai CSV.")
    grid = _xlsx(data) if filename.lower().endswith((".xlsx", ".xlsm")) else _csv(data)
    grid = [[clean_text(c) for c in row] for row in grid]  # the same cleaning as the forms
    if len(grid) > MAX_ROWS + 50:
        raise ReadError(f"Berkas berisi {len(grid):,} baris; paling banyak {MAX_ROWS:,} baris sekali impor."
                        .replace(",", "."))
    if not any(any(c.strip() for c in row) for row in grid):
        raise ReadError("Berkas tidak berisi data.")
    return grid


def _csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise ReadError("Berkas ini bukan teks CSV (isinya biner). Simpan ulang sebagai CSV atau XLSX.")
    text = _decode(data)
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(MAX_BYTES)  # one long cell (a summary pasted whole) is data, not an attack
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    try:
        return [[c.strip() for c in row] for row in reader]
    except csv.Error as err:
        raise ReadError(f"Berkas CSV rusak di sekitar baris {reader.line_num}: {_csv_problem(err)} Buka di aplikasi "
                        "lembar kerja lalu simpan ulang sebagai CSV. Tidak ada yang diimpor.") from err


def _csv_problem(err: csv.Error) -> str:
    if "EOF" in str(err) or "end of data" in str(err):
        return "ada tanda petik (\") yang tidak ditutup."
    return "susunan sel tidak dapat dibaca (sering karena tanda petik yang tidak ditutup atau salah tempat)."


def _decode(data: bytes) -> str:
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("Pengodean teks berkas tidak dikenali.")  # unreachable: latin-1 decodes anything


def _xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as err:  # a bad zip, a missing part, broken XML: all the same to the user
        raise ReadError("Berkas ini bukan XLSX yang sah (mungkin rusak, atau berkas lain yang diganti "
                        f"namanya). Buka di Excel lalu simpan ulang. [{type(err).__name__}]") from err
    sheet = book.worksheets[0]
    grid = [["" if v is None else _text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:  # a merged header or group row reads as its top-left text
        top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(grid) else ""
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(grid[r]) and not grid[r][c]:
                    grid[r][c] = top
    return grid


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()
