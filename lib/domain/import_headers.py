"""Reading the header of an existing DIP spreadsheet: which column holds which field.

Pure. Synonyms and close spellings of real lists' headers, one- or two-row headers with merged cells
(across or down), a row of column numbers under them, and a list titled as the DIK.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from lib.domain.models import DIP_FIELDS

SYNONYMS: dict[str, tuple[str, ...]] = {
    "nomor": ("no", "nomor", "no urut", "nomor urut"),
    "judul": ("judul informasi", "judul", "nama informasi", "informasi", "nama dokumen", "judul dokumen",
              "informasi yang dikecualikan", "judul informasi yang dikecualikan"),
    "ringkasan": ("ringkasan isi informasi", "ringkasan informasi", "ringkasan", "isi informasi", "uraian"),
    "catatan_ppid": ("keterangan", "catatan", "ket"),
    "pejabat_penguasa": ("pejabat yang menguasai informasi", "pejabat unit satker yang menguasai informasi",
                         "pejabat unit yang menguasai informasi", "unit yang menguasai informasi",
                         "pejabat atau unit satuan kerja yang menguasai informasi", "penguasa informasi",
                         "pejabat unit satker yang menguasi informasi"),
    "penanggung_jawab": ("penanggung jawab pembuatan penerbitan informasi", "penanggung jawab",
                         "penanggungjawab pembuatan atau penerbitan informasi", "penanggungjawab",
                         "penanggung jawab pembuatan atau penerbitan informasi", "penanggungjawab informasi"),
    "waktu_tempat": ("waktu dan tempat pembuatan informasi", "tempat dan waktu pembuatan informasi",
                     "tempat dan waktu pembuatan", "waktu dan tempat pembuatan", "waktu dan tempat"),
    "tempat": ("tempat pembuatan", "tempat pembuatan informasi", "tempat"),
    "waktu": ("waktu pembuatan", "waktu pembuatan informasi", "waktu", "tahun pembuatan"),
    "bentuk": ("bentuk informasi yang tersedia", "bentuk informasi", "format informasi yang tersedia",
               "format informasi", "bentuk", "format"),
    "retensi": ("jangka waktu penyimpanan", "jangka waktu penyimpanan atau retensi arsip", "retensi arsip",
                "retensi", "jangka waktu penyimpanan retensi arsip", "masa simpan"),
    "kategori": ("jenis informasi", "kategori informasi", "kategori", "klasifikasi informasi", "klasifikasi",
                 "golongan informasi"),
    "tahun": ("tahun", "tahun informasi"),
    "tautan": ("tautan", "link", "link file", "url", "tautan informasi", "link informasi", "link dokumen"),
    "cetak": ("cetak", "tercetak", "hardcopy", "hard copy"),
    "rekam": ("rekam", "terekam", "softcopy", "soft copy", "elektronik"),
    "online": ("online", "daring", "website", "on line"),
    "dasar_pengecualian": ("dasar hukum pengecualian", "dasar pengecualian", "alasan pengecualian",
                           "dasar hukum", "pasal pengecualian", "dasar hukum pengecualian informasi"),
    "konsekuensi_dibuka": ("konsekuensi apabila dibuka", "konsekuensi jika dibuka", "uji konsekuensi",
                           "konsekuensi", "akibat apabila dibuka", "alasan dikecualikan"),
    "konsekuensi_ditutup": ("konsekuensi apabila ditutup", "konsekuensi jika ditutup",
                            "pertimbangan kepentingan publik", "akibat apabila ditutup"),
    "masa_pengecualian": ("jangka waktu pengecualian", "masa pengecualian", "jangka waktu dikecualikan",
                          "lama pengecualian"),
    "berkas": ("berkas", "nama berkas", "nama file", "file", "berkas softcopy", "file softcopy", "lampiran",
               "nama berkas softcopy", "berkas lampiran"),
    "abaikan": ("status publikasi", "status", "aksi", "keterangan publikasi"),
}
FIELD_NAMES = {"abaikan": "(diabaikan)", "dasar_pengecualian": "Dasar pengecualian (Pasal 17 / UU lain)",
               "konsekuensi_dibuka": "Konsekuensi apabila dibuka", "konsekuensi_ditutup": "Konsekuensi apabila ditutup",
               "masa_pengecualian": "Jangka waktu pengecualian", "catatan_ppid": "Keterangan (catatan PPID)", "cetak": "Bentuk: Cetak (centang)", "rekam": "Bentuk: Rekam (centang)",
               "online": "Bentuk: Online (centang)", "tempat": "Tempat pembuatan", "waktu": "Waktu pembuatan",
               "nomor": "Nomor", "judul": "Judul informasi", "kategori": "Kategori", "tahun": "Tahun",
               "tautan": "Tautan", "berkas": "Berkas (nama file di dalam ZIP)", **DIP_FIELDS}
TICKS = {"cetak": "Cetak", "rekam": "Rekam", "online": "Online"}
_TICK_MARKS = {"v", "√", "✓", "✔", "x", "ya", "ada", "1", "y"}


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def header_field(cell: str) -> str | None:
    """The field a header cell names: exact synonym, else a close spelling (typos like 'Menguasi')."""
    key = normalise(cell)
    if not key:
        return None
    for name, words in SYNONYMS.items():
        if key in words:
            return name
    best = max(((difflib.SequenceMatcher(None, key, w).ratio(), n) for n, ws in SYNONYMS.items() for w in ws
                if len(w) > 6), default=(0, None))
    return best[1] if best[0] >= 0.88 else None


def category_of(text: str) -> str | None:
    key = normalise(text)
    for needle, category in (("dikecualikan", "dikecualikan"), ("serta merta", "serta_merta"),
                             ("sertamerta", "serta_merta"), ("setiap saat", "setiap_saat"),
                             ("berkala", "berkala")):
        if needle in key:
            return category
    return None


@dataclass
class Mapping:
    header_rows: list[int]            # 0-based rows that hold the header (one or two)
    columns: dict[int, str]           # column index -> field
    headers: dict[int, str]           # column index -> header text as written
    first_data_row: int
    default_category: str | None = None  # a list titled "Daftar Informasi yang Dikecualikan"

    def describe(self) -> list[tuple[int, str, str]]:
        """(1-based column, header as written, field it was read as) for every column: what a user fixes."""
        return [(col + 1, self.headers.get(col, "") or "(tanpa judul)",
                 FIELD_NAMES.get(self.columns.get(col, ""), "(tidak diimpor)"))
                for col in sorted(set(self.headers) | set(self.columns))]


def _score(row: list[str]) -> int:
    return len({f for f in (header_field(c) for c in row) if f and f != "abaikan"})


SUB_FIELDS = ("tempat", "waktu", *TICKS)


def find_header(grid: list[list[str]]) -> Mapping | None:
    """The row (within the first 30) naming the most DIP fields, plus a second header row under it.

    Printed lists merge header cells: "Bentuk Informasi" spans Cetak / Rekam / Online, and
    "No" or "Ringkasan" span both header rows, so the lower row repeats them.
    """
    scored = [(_score(row), -i) for i, row in enumerate(grid[:30])]
    best, at = max(scored, default=(0, 0))
    at = -at
    if best < 2:
        return None
    if at > 0 and _score(grid[at - 1]) >= 2 and _is_subheader(grid[at], grid[at - 1]):
        at -= 1
    rows, headers, columns = [at], {}, {}
    for col, cell in enumerate(grid[at]):
        headers[col], field_ = cell, header_field(cell)
        if field_:
            columns[col] = field_
    nxt = at + 1
    if nxt < len(grid) and _is_subheader(grid[nxt], grid[at]):
        rows.append(nxt)
        _merge_subheader(grid[nxt], grid[at], headers, columns)
        nxt += 1
    while nxt < len(grid) and _is_column_numbers(grid[nxt]):
        nxt += 1
    return Mapping(rows, columns, headers, nxt, _title_category(grid[:at]) if "kategori" not in
                   columns.values() else None)


def _cell(row: list[str], col: int) -> str:
    return row[col].strip() if col < len(row) and row[col] else ""


def _is_subheader(row: list[str], above: list[str]) -> bool:
    """Every cell repeats the header above (a vertical merge) or names a sub-column; one at least does."""
    subs = 0
    for col, cell in enumerate(row):
        cell = (cell or "").strip()
        if not cell or cell == _cell(above, col):
            continue
        if header_field(cell) in SUB_FIELDS:
            subs += 1
        elif not _cell(above, col) and not any(_cell(above, c) for c in range(max(0, col - 3), col)):
            return False  # text under nothing: a data row, not a header
        elif cell.strip("()").isdigit() or cell.lower() in _TICK_MARKS:
            return False
    return subs > 0


def _merge_subheader(row: list[str], above: list[str], headers: dict, columns: dict) -> None:
    for col, cell in enumerate(row):
        cell = (cell or "").strip()
        if not cell or cell == _cell(above, col):
            continue
        sub = header_field(cell)
        top = headers.get(col) or _spanning_header(above, col)
        headers[col] = f"{top} / {cell}".strip(" /")
        if sub in SUB_FIELDS:
            columns[col] = sub
        elif col not in columns:  # a header broken over two lines: read the whole of it
            whole = header_field(f"{top} {cell}")
            if whole:
                columns[col] = whole


def _spanning_header(above: list[str], col: int) -> str:
    """In a CSV a merged header is written once, in its first column: the nearest one to the left."""
    for c in range(col, max(-1, col - 4), -1):
        if _cell(above, c):
            return _cell(above, c)
    return ""


def _title_category(rows: list[list[str]]) -> str | None:
    """A list whose title says "yang Dikecualikan" holds exempt items even without a category column."""
    text = " ".join(c for row in rows for c in row if c)
    return "dikecualikan" if "dikecualikan" in normalise(text) else None


def _is_column_numbers(row: list[str]) -> bool:
    cells = [c.strip().strip("()") for c in row if c.strip()]
    return len(cells) >= 2 and all(c.isdigit() for c in cells)
