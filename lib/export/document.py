"""What every export renders: one frozen version, as the public may see it.

The DIP carries the seven Perki 1/2021 columns (with the title above the summary); the DIK carries
only what DESIGN §3 allows to publish: title, Pasal 17 ground, consequence test, period, decree.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from lib.domain.models import CATEGORIES, PUBLIC_CATEGORIES, SnapshotRow, Version
from lib.domain.versions import (
    VersionDiff, dik_ground, dik_rows, dip_rows, exemption_ends, exemption_period_text,
)
from lib.domain.workdays import format_date_id

# Perki 1/2021 column order; "Judul" and "Tautan" are the common extra columns.
DIP_COLUMNS = ("Nomor", "Judul", "Ringkasan Isi Informasi", "Pejabat / Unit yang Menguasai Informasi",
               "Penanggung Jawab Pembuatan / Penerbitan Informasi", "Waktu dan Tempat Pembuatan Informasi",
               "Bentuk Informasi yang Tersedia", "Jangka Waktu Penyimpanan / Retensi Arsip", "Tahun", "Tautan")
DIP_KEYS = ("nomor", "judul", "ringkasan", "pejabat_penguasa", "penanggung_jawab", "waktu_tempat",
            "bentuk", "retensi", "tahun", "tautan")
DIK_COLUMNS = ("Nomor", "Judul Informasi", "Dasar Pengecualian", "Konsekuensi apabila Dibuka",
               "Konsekuensi apabila Ditutup", "Jangka Waktu Pengecualian", "Berakhir")
DIK_KEYS = ("nomor", "judul", "dasar_pengecualian", "konsekuensi_dibuka", "konsekuensi_ditutup",
            "jangka_waktu", "berakhir")
LISTS = {"dip": "Daftar Informasi Publik", "dik": "Daftar Informasi yang Dikecualikan"}


_ABBREVIATIONS = (("PPID", "Pejabat Pengelola Informasi dan Dokumentasi"), ("KPU", "Komisi Pemilihan Umum"))


def full_title(text: str) -> str:
    """Names on a decree are written out: 'PPID KPU Kabupaten X' -> 'Pejabat Pengelola … Komisi Pemilihan Umum …'."""
    for short, full in _ABBREVIATIONS:
        text = re.sub(rf"\b{short}\b", full, text)
    return text


@dataclass(frozen=True)
class Signer:
    place: str
    day: date | None
    position: str
    name: str
    nip: str = ""  # empty unless the office allows publishing it


@dataclass(frozen=True)
class PublicDocument:
    version: Version
    rows: list[SnapshotRow]
    office_name: str
    draft: bool = False
    audit_digest: str = ""
    signer: Signer | None = None
    diff: VersionDiff | None = None
    legal_bases: tuple[str, ...] = ()
    decree_text: str = ""
    settings: dict = field(default_factory=dict)
    imported: bool = False  # established outside SIDIP: no decree of SIDIP's own, no DRAF mark
    letterhead: bytes = b""  # the office's kop surat (PNG or JPEG), printed atop the decree
    # A publication carries its public items' files and item pages; ``files_url`` is the absolute address
    # of the publication root (where ``berkas/`` lives), "" when only relative links are known.
    publication: bool = False
    files_url: str = ""

    @property
    def period(self) -> str:
        return f"Tahun {self.version.tahun}" + (f" Semester {self.version.semester}" if self.version.semester else "")

    def title(self, kind: str = "dip") -> str:
        return f"{LISTS[kind]} {self.office_name} {self.period}"

    @property
    def decree_line(self) -> str:
        d = self.version.decree
        if d is None:
            return "Belum ditetapkan"
        return f"Keputusan {d.jabatan or 'PPID'} Nomor {d.nomor} tanggal {format_date_id(d.tanggal)}"

    @property
    def decree_caption(self) -> str:
        """Under a list's title: a list SIDIP attached to its decree, or one established elsewhere."""
        if self.version.decree is None:
            return "Belum ditetapkan"
        return ("Ditetapkan dengan " if self.imported else "Lampiran ") + self.decree_line

    def dip_row_groups(self) -> list[tuple[str, list[SnapshotRow]]]:
        """(category title, snapshot rows) in the order of the law."""
        return [(CATEGORIES[k], [r for r in dip_rows(self.rows) if r.kategori == k]) for k in PUBLIC_CATEGORIES]

    def dip_groups(self) -> list[tuple[str, list[dict]]]:
        """(category title, rows as dicts keyed by DIP_KEYS) in the order of the law; in a publication
        with a known address, the item's published files are links in the Tautan column."""
        return [(label, [self.record(r) for r in rows]) for label, rows in self.dip_row_groups()]

    def record(self, row: SnapshotRow) -> dict:
        record = dip_record(row)
        urls = [self.file_url(f) for f in public_files(row)] if self.publication and self.files_url else []
        record["tautan"] = "\n".join(filter(None, [record["tautan"], *urls]))
        return record

    def file_url(self, f: "PublicFile") -> str:
        return f"{self.files_url.rstrip('/')}/{f.path}"

    def dik_records(self) -> list[dict]:
        decree_date = self.version.decree.tanggal if self.version.decree else None
        return [dik_record(r, decree_date) for r in dik_rows(self.rows)]


def dip_record(row: SnapshotRow) -> dict:
    d = row.data
    record = {k: ("" if d.get(k) is None else str(d.get(k))) for k in DIP_KEYS[1:]}
    return {"nomor": str(row.nomor), **record}


FILES_FOLDER = "berkas"  # beside the version folders: one stable address per item and file name
ITEM_FOLDER = "item"     # inside a version folder: item/<item id>.html
_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
          "application/vnd.oasis.opendocument.text": "ODT", "application/vnd.oasis.opendocument.spreadsheet": "ODS"}


@dataclass(frozen=True)
class PublicFile:
    """One frozen file of a public item as published: ``path`` is relative to the publication root."""
    attachment_id: str
    filename: str
    path: str
    media_type: str
    size: int
    sha256: str

    @property
    def kind(self) -> str:
        return _TYPES.get(self.media_type) or (self.filename.rpartition(".")[2].upper() or "Berkas")

    @property
    def size_text(self) -> str:
        return size_text(self.size)


def size_text(size: int) -> str:
    """1536 -> "1,5 KB" (Indonesian decimal comma)."""
    for unit, scale in (("MB", 1024 ** 2), ("KB", 1024)):
        if size >= scale:
            number = f"{size / scale:.1f}".removesuffix(".0").replace(".", ",")
            return f"{number} {unit}"
    return f"{size} B"


def public_name(filename: str) -> str:
    """A name every web server and SFTP target accepts: ASCII letters, digits, '.', '_', '-'; never hidden."""
    stem, dot, ext = re.split(r"[/\\]", filename)[-1].rpartition(".")
    if not dot:
        stem, ext = ext, ""
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:10].lower()
    stem = _ascii(stem)[:90].strip("-._") or "berkas"
    return f"{stem}.{ext}" if ext else stem


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))  # "é" -> "e"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-._")


def public_files(row: SnapshotRow) -> list[PublicFile]:
    """The frozen files of a public item, each with its stable published path; an exempt item has none."""
    if row.kategori == "dikecualikan":
        return []
    used: set[str] = set()
    return [_public_file(row.item_id, f, used) for f in row.data.get("berkas") or []]


def _public_file(item_id: str, f: dict, used: set[str]) -> PublicFile:
    name, n = public_name(str(f.get("filename") or "")), 1
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    while name.lower() in used:  # two files of one item with the same cleaned name
        n += 1
        name = f"{stem}-{n}{dot}{ext}"
    used.add(name.lower())
    return PublicFile(str(f.get("id") or ""), str(f.get("filename") or name), f"{FILES_FOLDER}/{item_id}/{name}",
                      str(f.get("media_type") or ""), int(f.get("size") or 0), str(f.get("sha256") or ""))


def dik_record(row: SnapshotRow, decree_date: date | None) -> dict:
    """An adopted exemption cites, under its ground, the parent office's decree that established it."""
    d = row.data
    ends = exemption_ends(row, decree_date)
    return {"nomor": str(row.nomor), "judul": d.get("judul") or "", "dasar_pengecualian": dik_ground(d),
            "konsekuensi_dibuka": d.get("konsekuensi_dibuka") or "",
            "konsekuensi_ditutup": d.get("konsekuensi_ditutup") or "",
            "jangka_waktu": exemption_period_text(d), "berakhir": format_date_id(ends) if ends else "-"}


def table(doc: PublicDocument, kind: str) -> tuple[tuple[str, ...], list[tuple[str, list[list[str]]]]]:
    """Columns and groups of rows (cells as text) for the flat formats (CSV, XLSX)."""
    if kind == "dik":
        return DIK_COLUMNS, [(LISTS["dik"], [[r[k] for k in DIK_KEYS] for r in doc.dik_records()])]
    return DIP_COLUMNS, [(label, [[r[k] for k in DIP_KEYS] for r in rows]) for label, rows in doc.dip_groups()]
