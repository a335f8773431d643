"""What every export renders: one frozen version, as the public may see it.

The DIP carries the seven Perki 1/2021 columns (with the title above the summary); the DIK carries
only what DESIGN §3 allows to publish: title, Pasal 17 ground, consequence test, period, decree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from lib.domain.models import CATEGORIES, PUBLIC_CATEGORIES, SnapshotRow, Version
from lib.domain.versions import (
    VersionDiff, dik_rows, dip_rows, exemption_ends, exemption_period_text, pasal17_text,
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

    def dip_groups(self) -> list[tuple[str, list[dict]]]:
        """(category title, rows as dicts keyed by DIP_KEYS) in the order of the law."""
        return [(CATEGORIES[k], [dip_record(r) for r in dip_rows(self.rows) if r.kategori == k])
                for k in PUBLIC_CATEGORIES]

    def dik_records(self) -> list[dict]:
        decree_date = self.version.decree.tanggal if self.version.decree else None
        return [dik_record(r, decree_date) for r in dik_rows(self.rows)]


def dip_record(row: SnapshotRow) -> dict:
    d = row.data
    record = {k: ("" if d.get(k) is None else str(d.get(k))) for k in DIP_KEYS[1:]}
    return {"nomor": str(row.nomor), **record}


def dik_record(row: SnapshotRow, decree_date: date | None) -> dict:
    d = row.data
    ends = exemption_ends(row, decree_date)
    return {"nomor": str(row.nomor), "judul": d.get("judul") or "", "dasar_pengecualian": pasal17_text(d),
            "konsekuensi_dibuka": d.get("konsekuensi_dibuka") or "",
            "konsekuensi_ditutup": d.get("konsekuensi_ditutup") or "",
            "jangka_waktu": exemption_period_text(d), "berakhir": format_date_id(ends) if ends else "-"}


def table(doc: PublicDocument, kind: str) -> tuple[tuple[str, ...], list[tuple[str, list[list[str]]]]]:
    """Columns and groups of rows (cells as text) for the flat formats (CSV, XLSX)."""
    if kind == "dik":
        return DIK_COLUMNS, [(LISTS["dik"], [[r[k] for k in DIK_KEYS] for r in doc.dik_records()])]
    return DIP_COLUMNS, [(label, [[r[k] for k in DIP_KEYS] for r in rows]) for label, rows in doc.dip_groups()]
