"""Understanding an existing DIP spreadsheet: headers, categories, bentuk, place and year, Pasal 17.

Pure: a grid of text in, an ``ImportPlan`` out. Every row is either mapped or reported with a reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib.domain.grounds import looks_like_ground, parse_ground, parse_period
from lib.domain.import_files import FileMatch, looks_like_file, names_in
from lib.domain.models import CATEGORIES, DIP_FIELDS, TEXT_LIMITS, exemption_gaps
from lib.domain.import_headers import (
    FIELD_NAMES, TICKS, _TICK_MARKS, Mapping, _cell, category_of, find_header, normalise,
)

TITLE_LENGTH = 150  # a title derived from the summary: first sentence, or this many characters at a word
_SENTENCE_END = re.compile(r"(?<=[.!?])\s|\n")
_GROUP_LABEL = re.compile(r"^(?:[ivx]+|[a-h]|\d{1,2})[.)]?$", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_RETENTION = re.compile(r"(\d+)\s*tahun", re.IGNORECASE)


@dataclass
class PlannedRow:
    row: int                      # 1-based row number in the file
    fields: dict
    warnings: list[str] = field(default_factory=list)

    @property
    def incomplete(self) -> list[str]:
        missing = [DIP_FIELDS[f] for f in DIP_FIELDS if not self.fields.get(f)]
        if self.fields.get("kategori") == "dikecualikan":
            missing += exemption_gaps(self.fields)
        return missing


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
    files: FileMatch | None = None                        # a ZIP import: which entry goes to which row
    file_data: dict[str, bytes] = field(default_factory=dict, repr=False)  # a ZIP import: entry -> bytes

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
    rows, rejected, ignored, category = [], [], [], mapping.default_category
    for index in range(mapping.first_data_row, len(grid)):
        cells, number = grid[index], index + 1
        texts = [c.strip() for c in cells if c and c.strip()]
        group = _group_category(texts)
        if group:
            category = group
            continue
        if not texts:
            continue
        record = _fields(cells, mapping)
        if rows and _looks_like_signature(texts, record):
            ignored.append(Rejected(number, "", " | ".join(texts)[:80], "blok tanda tangan atau catatan di bawah tabel"))
            continue
        if not record.get("judul") and not record.get("ringkasan"):
            rejected.append(Rejected(number, FIELD_NAMES["judul"], " | ".join(texts)[:80],
                                     "judul dan ringkasan informasi kosong"))
            continue
        _finish(PlannedRow(number, record), category, rows, rejected)
    return ImportPlan(mapping, rows, rejected, ignored)


def _group_category(texts: list[str]) -> str | None:
    """A row spanning the table ('I. INFORMASI YANG WAJIB ... BERKALA', or 'IV' | 'Informasi Dikecualikan')."""
    distinct = list(dict.fromkeys(t for t in texts if not _GROUP_LABEL.match(t)))
    if len(distinct) != 1 or len(set(texts)) > 3:
        return None
    text = distinct[0]
    return category_of(text) if "informasi" in text.lower() or len(text) <= 40 else None


def _looks_like_signature(texts: list[str], record: dict) -> bool:
    """Below the table: place and date, the official's title and name, NIP — no numbered DIP row."""
    numbered = str(record.get("nomor", "")).strip().rstrip(".").isdigit()
    if numbered or record.get("kategori"):
        return False
    joined = " ".join(texts).lower()
    keyword = re.search(r"\bnip\b|ditetapkan|\bttd\b|mengetahui|^an\.|a\.n\.", joined)
    return len(texts) <= 2 or (len(texts) <= 4 and bool(keyword))


def _fields(cells: list[str], mapping: Mapping) -> dict:
    """The row's values by field; a field read from several columns keeps each column's value."""
    record: dict = {"_columns": {}}
    for col, name in mapping.columns.items():
        value = _cell(cells, col)
        if value and name != "abaikan":
            record["_columns"].setdefault(name, []).append((col, value))
    for name, values in record["_columns"].items():
        record[name] = _join(name, values, mapping)
    record["_cells"] = [c.strip() for c in cells if c and c.strip()]
    return record


def _join(name: str, values: list[tuple[int, str]], mapping: Mapping) -> str:
    if name == "tautan":
        return "\n".join(v for _, v in values)
    if name == "bentuk":  # "Bentuk" over unnamed tick columns: name each ticked column, never a bare "√"
        return ", ".join(dict.fromkeys(_tick_label(col, v, mapping) for col, v in values if _tick_label(col, v, mapping)))
    return " ".join(dict.fromkeys(v for _, v in values))


def _tick_label(col: int, value: str, mapping: Mapping) -> str:
    if value.lower() not in _TICK_MARKS:
        return value
    header = mapping.headers.get(col, "")
    sub = header.rsplit(" / ", 1)[-1] if " / " in header else ""
    return sub if sub and normalise(sub) != normalise(header) else ""


def _finish(row: PlannedRow, group: str | None, rows: list, rejected: list) -> None:
    f = row.fields
    kategori = category_of(f.get("kategori", "")) or group
    if kategori is None:
        rejected.append(Rejected(row.row, FIELD_NAMES["kategori"], f.get("kategori", "")[:80],
                                 "kategori tidak dikenali (berkala, serta merta, setiap saat, dikecualikan)"))
        return
    out = {"kategori": kategori, "judul": f.get("judul") or _title_from_summary(f["ringkasan"], row)}
    for name in ("ringkasan", "pejabat_penguasa", "penanggung_jawab", "retensi"):
        out[name] = f.get(name, "")
    if f.get("catatan_ppid"):
        out["catatan_ppid"] = f["catatan_ppid"]
    out["bentuk"] = _bentuk(f)
    out["waktu_tempat"], out["tahun"] = _place_and_year(f, row)
    out["tautan"] = _links(f.get("tautan", ""), row)
    named = names_in(f.get("berkas", "")) + [t for t in _tokens(f.get("tautan", "")) if looks_like_file(t)]
    if named:
        out["berkas"] = list(dict.fromkeys(named))  # attached from the ZIP, never stored as item text
    if kategori == "dikecualikan":
        out |= _exemption(f, row)
    row.fields = out
    _check_lengths(row)
    rows.append(row)


def _title_from_summary(summary: str, row: PlannedRow) -> str:
    """Perki 1/2021's DIP has no title column: the first sentence, or ~150 characters cut at a word."""
    first = _SENTENCE_END.split(summary.strip(), maxsplit=1)[0].strip()
    title = first.rstrip(".") if len(first) <= TITLE_LENGTH else cut_at_word(first, TITLE_LENGTH)
    row.warnings.append("Judul diambil dari ringkasan isi informasi (tidak ada kolom judul).")
    return title


def cut_at_word(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending at a whole word, with "…" when anything was left out."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


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


def _tokens(text: str) -> list[str]:
    """Addresses split at any space; a line that is a file's path stays whole (its name may have spaces)."""
    lines = [line.strip() for line in text.split("\n")]
    return [t for line in lines for t in ([line] if looks_like_file(line) else line.split()) if t]


def _links(text: str, row: PlannedRow) -> str:
    links = [t for t in _tokens(text) if not looks_like_file(t)]  # a file's path is a file to attach
    good = [u for u in links if u.lower().startswith(("http://", "https://"))]
    for bad in (u for u in links if u not in good):
        row.warnings.append(f"Tautan \"{bad[:60]}\" bukan alamat http/https lengkap; tidak diimpor.")
    return "\n".join(good)


def _exemption(f: dict, row: PlannedRow) -> dict:
    """The ground as written (its own column, else the cell that cites Pasal 17 or a law) and the period."""
    text = f.get("dasar_pengecualian") or next((c for c in f["_cells"] if looks_like_ground(c)), "")
    ground = parse_ground(text)
    out = {"dasar_pengecualian": ground.text, "pasal17_huruf": ground.primary_letter,
           "pasal17_angka": ground.primary_angka, "dasar_hukum_lain": "; ".join(ground.other_laws),
           "konsekuensi_dibuka": f.get("konsekuensi_dibuka", ""), "konsekuensi_ditutup": f.get("konsekuensi_ditutup", "")}
    if not ground.primary_letter:
        row.warnings.append("Dasar pengecualian (Pasal 17 UU 14/2008 atau undang-undang lain) tidak ditemukan.")
    out |= _period(f, ground.all_letters or [ground.primary_letter], row)
    gaps = exemption_gaps(out | {"masa_pengecualian_tahun": out.get("masa_pengecualian_tahun")})
    if gaps:
        row.warnings.append("Informasi dikecualikan belum lengkap (" + ", ".join(gaps) + "); lengkapi di halaman "
                            "Klasifikasi sebelum masuk DIK yang ditetapkan.")
    return out


def _period(f: dict, letters: list[str], row: PlannedRow) -> dict:
    source = f.get("masa_pengecualian") or ""
    if not source and parse_period(f.get("retensi", "")).given:
        source = f["retensi"]  # the seven-column layout has no period column: offices write it under retention
    period = parse_period(source)
    if period.permanent and any(letter in "abcdef" for letter in letters if letter):
        row.warnings.append("Pengecualian berdasarkan Pasal 17 huruf a–f tidak dapat permanen (Pasal 20 UU 14/2008); "
                            "isi jangka waktunya.")
        period = type(period)()
    return {"masa_pengecualian_tahun": period.years, "pengecualian_permanen": period.permanent,
            "masa_pengecualian_teks": period.text}


def _check_lengths(row: PlannedRow) -> None:
    for name, value in list(row.fields.items()):
        limit = TEXT_LIMITS.get(name)
        if isinstance(value, str) and limit and len(value) > limit:
            row.fields[name] = cut_at_word(value, limit)
            row.warnings.append(f"{FIELD_NAMES.get(name, name)} dipotong menjadi {limit} karakter (di batas kata).")


def retention_years(text: str) -> int | None:
    """'5 Tahun' -> 5; 'Selama masih berlaku' -> None (kept as text)."""
    found = _RETENTION.search(text or "")
    return int(found.group(1)) if found else None
