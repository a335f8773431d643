"""Read an uploaded spreadsheet (XLSX or CSV in any common encoding and separator) into a grid of text.

No mapping happens here: the grid goes to ``lib.domain.import_mapping``.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

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


# -- a ZIP holding the list and the files it names ------------------------------------------------------
MAX_ENTRIES = 1000
MAX_TOTAL_BYTES = 200 * 1024 * 1024   # everything unpacked, in memory: bounded whatever the headers say
_LISTS = (".csv", ".xlsx", ".xlsm")
_UNSAFE = re.compile(r"(^|/)\.\.(/|$)|^[A-Za-z]:|^/|[\x00-\x1f\x7f]")
NOTHING = "Tidak ada yang diimpor."


@dataclass(frozen=True)
class ZipBundle:
    list_name: str
    list_data: bytes
    files: dict[str, bytes]   # path inside the ZIP (common top folder removed) -> bytes; the list excluded


def read_zip(data: bytes, file_limit: int) -> ZipBundle:
    """The list and its files from a ZIP, refusing the whole ZIP when one entry is unsafe: a name leaving
    its folder, too many entries, an entry larger than ``file_limit`` bytes (checked on the declared size
    and again while reading), an encrypted or broken entry."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = _entries(archive, file_limit)
        files = {name: _read_entry(archive, info, file_limit) for name, info in entries.items()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as err:
        raise ReadError(f"Berkas ZIP rusak atau tidak dapat dibaca ({type(err).__name__}). {NOTHING}") from err
    name = _list_name(files)
    return ZipBundle(name, files.pop(name), files)


def _entries(archive: zipfile.ZipFile, file_limit: int) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ReadError(f"ZIP berisi {len(infos)} entri; paling banyak {MAX_ENTRIES}. {NOTHING}")
    kept = {}
    for info in infos:
        name = info.filename.replace("\\", "/")
        if _UNSAFE.search(name):
            raise ReadError(f"ZIP berisi nama berkas yang tidak aman (\"{name[:80]!s}\"): nama tidak boleh keluar "
                            f"dari foldernya. {NOTHING}")
        if info.is_dir() or name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("."):
            continue
        _check_declared(info, name, file_limit)
        if name.casefold() in (k.casefold() for k in kept):
            raise ReadError(f"ZIP memuat \"{name[:80]}\" dua kali. {NOTHING}")
        kept[name] = info
    if sum(i.file_size for i in kept.values()) > MAX_TOTAL_BYTES:
        raise ReadError(f"Isi ZIP lebih dari {MAX_TOTAL_BYTES // 1_048_576} MB setelah dibuka. {NOTHING}")
    return _without_top_folder(kept)


def _check_declared(info: zipfile.ZipInfo, name: str, file_limit: int) -> None:
    if info.flag_bits & 0x1:
        raise ReadError(f"\"{name[:80]}\" di dalam ZIP terkunci kata sandi; buat ZIP tanpa kata sandi. {NOTHING}")
    if info.file_size > max(file_limit, MAX_BYTES):
        raise ReadError(_too_large(name, file_limit))


def _too_large(name: str, file_limit: int) -> str:
    return (f"\"{name[:80]}\" di dalam ZIP lebih dari {file_limit // 1_048_576} MB setelah dibuka "
            f"(mungkin ZIP bom). {NOTHING}")


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_limit: int) -> bytes:
    """Read at most one byte past the limit: a header that lies about the size cannot make us read more."""
    limit = max(file_limit, MAX_BYTES) if info.filename.lower().endswith(_LISTS) else file_limit
    with archive.open(info) as entry:
        data = entry.read(limit + 1)
    if len(data) > limit:
        raise ReadError(_too_large(info.filename, limit))
    return data


def _without_top_folder(entries: dict[str, zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """A zipped folder ("DIP 2025/…") reads as its content."""
    tops = {name.split("/", 1)[0] for name in entries}
    if len(tops) == 1 and all("/" in name for name in entries):
        return {name.split("/", 1)[1]: info for name, info in entries.items()}
    return entries


def _list_name(files: dict[str, bytes]) -> str:
    """The list: the one spreadsheet at the top of the ZIP (the one named DIP or daftar, if there are several)."""
    lists = [n for n in files if "/" not in n and n.lower().endswith(_LISTS)]
    if len(lists) > 1:
        lists = [n for n in lists if re.search(r"dip|daftar", n, re.IGNORECASE)] or lists
    if len(lists) != 1:
        found = ", ".join(lists[:5]) or "tidak ada"
        raise ReadError("ZIP harus memuat tepat satu daftar (CSV atau XLSX) di tingkat teratas, sebaiknya bernama "
                        f"DIP atau daftar (ditemukan: {found}). {NOTHING}")
    return lists[0]
