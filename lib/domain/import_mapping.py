"""Understanding an existing DIP spreadsheet: headers, categories, bentuk, place and year, Pasal 17.

Pure: a grid of text in, an ``ImportPlan`` out. Every row is either mapped or reported with a reason.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from lib.domain.models import CATEGORIES, DIP_FIELDS, TEXT_LIMITS

SYNONYMS: dict[str, tuple[str, ...]] = {
    "nomor": ("no", "nomor", "no urut", "nomor urut"),
    "judul": ("judul informasi", "judul", "nama informasi", "informasi", "nama dokumen", "judul dokumen"),
    "ringkasan": ("ringkasan isi informasi", "ringkasan informasi", "ringkasan", "isi informasi", "uraian",
                  "keterangan"),
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
    "cetak": ("cetak", "hardcopy", "hard copy"),
    "rekam": ("rekam", "softcopy", "soft copy"),
    "online": ("online", "daring", "website"),
    "abaikan": ("status publikasi", "status", "aksi", "keterangan publikasi"),
}
FIELD_NAMES = {"abaikan": "(diabaikan)", "cetak": "Bentuk: Cetak (centang)", "rekam": "Bentuk: Rekam (centang)",
               "online": "Bentuk: Online (centang)", "tempat": "Tempat pembuatan", "waktu": "Waktu pembuatan",
               "nomor": "Nomor", "judul": "Judul informasi", "kategori": "Kategori", "tahun": "Tahun",
               "tautan": "Tautan", **DIP_FIELDS}
TICKS = {"cetak": "Cetak", "rekam": "Rekam", "online": "Online"}
_TICK_MARKS = {"v", "√", "✓", "✔", "x", "ya", "ada", "1", "y"}
_PASAL17 = re.compile(r"pasal\s*17\s*(?:huruf\s*)?([a-j])\b(?:\s*angka\s*(\d+))?", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_RETENTION = re.compile(r"(\d+)\s*tahun", re.IGNORECASE)


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


def _score(row: list[str]) -> int:
    return len({f for f in (header_field(c) for c in row) if f and f != "abaikan"})


def find_header(grid: list[list[str]]) -> Mapping | None:
    """The row (within the first 30) naming the most DIP fields, plus a second header row under it."""
    scored = [(_score(row), i) for i, row in enumerate(grid[:30])]
    best, at = max(scored, default=(0, 0))
    if best < 2:
        return None
    rows, headers, columns = [at], {}, {}
    for col, cell in enumerate(grid[at]):
        headers[col], field_ = cell, header_field(cell)
        if field_:
            columns[col] = field_
    nxt = at + 1
    if nxt < len(grid) and _is_subheader(grid[nxt], columns):
        rows.append(nxt)
        for col, cell in enumerate(grid[nxt]):
            sub = header_field(cell)
            if sub and (columns.get(col) in (None, "waktu_tempat", "bentuk") or sub in TICKS):
                columns[col], headers[col] = sub, f"{headers.get(col, '')} / {cell}".strip(" /")
        nxt += 1
    while nxt < len(grid) and _is_column_numbers(grid[nxt]):
        nxt += 1
    return Mapping(rows, columns, headers, nxt)


def _is_subheader(row: list[str], columns: dict[int, str]) -> bool:
    subs = [header_field(c) for c in row if c.strip()]
    return bool(subs) and all(s in ("tempat", "waktu", *TICKS) for s in subs)


def _is_column_numbers(row: list[str]) -> bool:
    cells = [c.strip().strip("()") for c in row if c.strip()]
    return len(cells) >= 2 and all(c.isdigit() for c in cells)


@dataclass
class PlannedRow:
    row: int                      # 1-based row number in the file
    fields: dict
    warnings: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> list[str]:
        return [DIP_FIELDS[f] for f in DIP_FIELDS if not self.fields.get(f)]


@dataclass
class Rejected:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportPlan:
    mapping: Mapping
    rows: list[PlannedRow]
    rejected: list[Rejected]
    ignored: list[Rejected]       # signature block, empty and column-number rows: not data

    def counts(self) -> dict[str, int]:
        return {k: sum(r.fields["kategori"] == k for r in self.rows) for k in CATEGORIES}

    @property
    def warnings(self) -> int:
        return sum(len(r.warnings) for r in self.rows)

    def summary_line(self) -> str:
        total = len(self.rows) + len(self.rejected)
        return f"rows={total} mapped={len(self.rows)} warnings={self.warnings} rejected={len(self.rejected)}"


def plan(grid: list[list[str]], overrides: dict[int, str] | None = None) -> ImportPlan | None:
    mapping = find_header(grid)
    if mapping is None:
        return None
    mapping.columns.update({c: f for c, f in (overrides or {}).items() if f})
    for c, f in (overrides or {}).items():
        if not f:
            mapping.columns.pop(c, None)
    return _walk(grid, mapping)


def _walk(grid: list[list[str]], mapping: Mapping) -> ImportPlan:
    rows, rejected, ignored, category = [], [], [], None
    for index in range(mapping.first_data_row, len(grid)):
        cells, number = grid[index], index + 1
        texts = [c for c in cells if c.strip()]
        group = _group_category(cells, mapping)
        if group:
            category = group
            continue
        if not texts:
            continue
        record = _fields(cells, mapping)
        if not record.get("judul"):
            (ignored if _looks_like_signature(texts, rows) else rejected).append(
                Rejected(number, FIELD_NAMES["judul"], " | ".join(texts)[:80],
                         "blok tanda tangan atau catatan di bawah tabel" if rows and _looks_like_signature(texts, rows)
                         else "judul informasi kosong"))
            continue
        _finish(PlannedRow(number, record), category, rows, rejected)
    return ImportPlan(mapping, rows, rejected, ignored)


def _group_category(cells: list[str], mapping: Mapping) -> str | None:
    """A row spanning the table ('I. INFORMASI YANG WAJIB ... BERKALA') sets the category below it."""
    distinct = {c.strip() for c in cells if c.strip()}
    if len(distinct) != 1:
        return None
    text = distinct.pop()
    return category_of(text) if "informasi" in text.lower() or len(text) > 6 else None


def _looks_like_signature(texts: list[str], rows: list) -> bool:
    joined = " ".join(texts).lower()
    return bool(rows) and (len(texts) <= 2 or "nip" in joined or "ditetapkan" in joined or "ttd" in joined)


def _fields(cells: list[str], mapping: Mapping) -> dict:
    record: dict = {}
    for col, name in mapping.columns.items():
        value = cells[col].strip() if col < len(cells) else ""
        if value and name != "abaikan":
            record[name] = f"{record[name]}\n{value}" if name in record and name == "tautan" else value
    record["_pasal17"] = next((m for c in cells for m in [_PASAL17.search(c)] if m), None)
    return record


def _finish(row: PlannedRow, group: str | None, rows: list, rejected: list) -> None:
    f = row.fields
    kategori = category_of(f.get("kategori", "")) or group
    if kategori is None:
        rejected.append(Rejected(row.row, FIELD_NAMES["kategori"], f.get("kategori", "")[:80],
                                 "kategori tidak dikenali (berkala, serta merta, setiap saat, dikecualikan)"))
        return
    match = f.pop("_pasal17")
    out = {"kategori": kategori, "judul": f["judul"]}
    for name in ("ringkasan", "pejabat_penguasa", "penanggung_jawab", "retensi"):
        out[name] = f.get(name, "")
    out["bentuk"] = _bentuk(f)
    out["waktu_tempat"], out["tahun"] = _place_and_year(f, row)
    out["tautan"] = _links(f.get("tautan", ""), row)
    if kategori == "dikecualikan":
        out |= _exemption(match, row)
    row.fields = out
    _check_lengths(row)
    rows.append(row)


def _bentuk(f: dict) -> str:
    ticked = [label for key, label in TICKS.items() if f.get(key, "").strip().lower() in _TICK_MARKS]
    return ", ".join(ticked) if ticked else f.get("bentuk", "")


def _place_and_year(f: dict, row: PlannedRow) -> tuple[str, int | None]:
    """'Jakarta, 2025' as one column, or Tempat and Waktu as two."""
    combined = f.get("waktu_tempat") or ", ".join(v for v in (f.get("tempat", ""), f.get("waktu", "")) if v)
    found = _YEAR.search(f.get("tahun", "")) or _YEAR.search(combined)
    if combined and not found:
        row.warnings.append("Tahun pembuatan tidak ditemukan pada waktu dan tempat pembuatan.")
    return combined, int(found.group(1)) if found else None


def _links(text: str, row: PlannedRow) -> str:
    links = [t.strip() for t in re.split(r"[\n\s]+", text) if t.strip()]
    good = [u for u in links if u.lower().startswith(("http://", "https://"))]
    for bad in (u for u in links if u not in good):
        row.warnings.append(f"Tautan \"{bad[:60]}\" bukan alamat http/https lengkap; tidak diimpor.")
    return "\n".join(good)


def _exemption(match, row: PlannedRow) -> dict:
    if match is None:
        row.warnings.append("Informasi dikecualikan tanpa rujukan Pasal 17; lengkapi uji konsekuensinya.")
        return {}
    return {"pasal17_huruf": match.group(1).lower(), "pasal17_angka": match.group(2) or ""}


def _check_lengths(row: PlannedRow) -> None:
    for name, value in list(row.fields.items()):
        limit = TEXT_LIMITS.get(name)
        if isinstance(value, str) and limit and len(value) > limit:
            row.fields[name] = value[:limit]
            row.warnings.append(f"{FIELD_NAMES.get(name, name)} dipotong menjadi {limit} karakter.")


def retention_years(text: str) -> int | None:
    """'5 Tahun' -> 5; 'Selama masih berlaku' -> None (kept as text)."""
    found = _RETENTION.search(text or "")
    return int(found.group(1)) if found else None
