"""What every export renders: one frozen version, as the public may see it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lib.domain.models import CATEGORIES, DIP_FIELDS, SnapshotRow, Version
from lib.domain.versions import (
    dik_rows, dip_rows, exemption_ends, exemption_period_text, pasal17_text,
)
from lib.domain.workdays import format_date_id

DIP_COLUMNS = ("Nomor", "Judul", *DIP_FIELDS.values(), "Tahun", "Tautan")
DIK_COLUMNS = ("Nomor", "Judul informasi", "Dasar pengecualian", "Konsekuensi apabila dibuka",
               "Konsekuensi apabila ditutup", "Jangka waktu pengecualian", "Berakhir")


@dataclass(frozen=True)
class PublicDocument:
    version: Version
    rows: list[SnapshotRow]
    office_name: str
    draft: bool = False
    audit_digest: str = ""

    @property
    def title(self) -> str:
        return f"Daftar Informasi Publik {self.office_name} Tahun {self.version.tahun}" + (
            f" Semester {self.version.semester}" if self.version.semester else "")

    @property
    def decree_line(self) -> str:
        d = self.version.decree
        if d is None:
            return "Belum ditetapkan"
        return f"Keputusan PPID Nomor {d.nomor} tanggal {format_date_id(d.tanggal)}"

    def dip_by_category(self) -> list[tuple[str, list[list[str]]]]:
        groups = []
        for key, label in CATEGORIES.items():
            rows = [dip_cells(r) for r in dip_rows(self.rows) if r.kategori == key]
            if key != "dikecualikan":
                groups.append((label, rows))
        return groups

    def dik_table(self) -> list[list[str]]:
        decree_date: date | None = self.version.decree.tanggal if self.version.decree else None
        return [dik_cells(r, decree_date) for r in dik_rows(self.rows)]


def dip_cells(row: SnapshotRow) -> list[str]:
    d = row.data
    return [str(row.nomor), d.get("judul") or "", *(d.get(f) or "" for f in DIP_FIELDS),
            str(d.get("tahun") or ""), d.get("tautan") or ""]


def dik_cells(row: SnapshotRow, decree_date: date | None) -> list[str]:
    d = row.data
    ends = exemption_ends(row, decree_date)
    return [str(row.nomor), d.get("judul") or "", pasal17_text(d), d.get("konsekuensi_dibuka") or "",
            d.get("konsekuensi_ditutup") or "", exemption_period_text(d),
            format_date_id(ends) if ends else "-"]
