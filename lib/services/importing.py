"""Bring an office's existing DIP into SIDIP: read, understand, dry run, then import all or nothing."""
from __future__ import annotations

from dataclasses import dataclass

from lib.domain import versions as dv
from lib.domain.import_mapping import ImportPlan, plan
from lib.domain.models import Actor, Item, Version, new_id
from lib.domain.workflow import VERSION_TRANSITIONS, check_transition
from lib.errors import ValidationError
from lib.files import check_id, check_office_id
from lib.reader import read_grid
from lib.services.context import AppContext, require_role
from lib.services.versions import clean_decree


def preview(ctx: AppContext, actor: Actor, filename: str, data: bytes,
            overrides: dict[int, str] | None = None) -> ImportPlan:
    """The dry run: how the columns were understood and what each row becomes. Changes nothing."""
    require_role(actor, "admin", "ppid")
    result = plan(read_grid(filename, data), overrides)
    if result is None:
        raise ValidationError({"berkas": "Baris judul kolom tidak ditemukan."},
                              "Judul kolom DIP tidak ditemukan di 30 baris pertama (misalnya \"Judul Informasi\", "
                              "\"Ringkasan Isi Informasi\", \"Jenis Informasi\"). Periksa berkasnya.")
    return result  # even with no importable row: the caller shows the mapping and every rejected row


def nothing_to_import(result: ImportPlan) -> str:
    """The message when no row maps: never "see the list" without the list and the mapping beside it."""
    return (f"Tidak ada baris yang dapat diimpor: {len(result.rejected)} baris ditolak. Periksa alasannya di "
            "daftar baris yang ditolak dan ubah pemetaan kolom (misalnya kolom mana yang berisi judul, ringkasan "
            "atau kategori), lalu coba lagi.")


@dataclass(frozen=True)
class ImportResult:
    items: int
    incomplete: int
    version: Version | None


def _item(ctx: AppContext, actor: Actor, fields: dict, unit: str, stamp: str) -> Item:
    unknown = set(fields) & {"id", "office_id", "revision", "status"}
    if unknown:  # a mapped column never sets what SIDIP owns: ids become file and folder names
        raise ValidationError({"berkas": f"Kolom {', '.join(sorted(unknown))} tidak dapat diimpor."})
    return Item(check_id(new_id("inf")), unit, fields["judul"], status="diklasifikasi", office_id=ctx.office_id,
                created_by=actor.username, created_at=stamp, classified_by=actor.username,
                classified_on=ctx.today(), **{k: v for k, v in fields.items() if k != "judul"})


def run(ctx: AppContext, actor: Actor, result: ImportPlan, unit: str, filename: str,
        as_version: dict | None = None, progress=None) -> ImportResult:
    """Import every mapped row (and optionally the historical version it was decreed as), or nothing."""
    require_role(actor, "admin", "ppid")
    check_office_id(ctx.office_id)
    if not result.rows:
        raise ValidationError({"berkas": "Tidak ada baris yang dapat diimpor."}, nothing_to_import(result))
    if unit not in ctx.units():
        raise ValidationError({"unit": f"Unit \"{unit}\" tidak terdaftar di Pengaturan."})
    stamp = ctx.now().isoformat(timespec="seconds")
    items = []
    for n, row in enumerate(result.rows, start=1):
        items.append(_item(ctx, actor, row.fields, unit, stamp))
        if progress and n % 500 == 0:
            progress(n / len(result.rows) / 2, f"Menyiapkan baris {n}")
    events = [ctx.event(actor, "informasi_diimpor", "item", i.id, unit=i.unit, after={"judul": i.judul,
              "kategori": i.kategori, "baris": r.row, "belum_lengkap": r.incomplete}, note=filename)
              for i, r in zip(items, result.rows)]
    version, snapshot = _historical(ctx, actor, as_version, items) if as_version else (None, None)
    summary = {"berkas": filename, "baris": len(items), "ditolak": len(result.rejected),
               "versi": version.id if version else ""}
    if version:
        events.append(ctx.event(actor, "dip_historis_diimpor", "version", version.id,
                                after={"tahun": version.tahun, "keputusan": version.decree.nomor}))
    events.append(ctx.event(actor, "impor_dip", "import", filename, after=summary))
    ctx.register.save_many(items, events, version, snapshot)
    if progress:
        progress(1.0, "Selesai")
    return ImportResult(len(items), sum(bool(r.incomplete) for r in result.rows), version)


def _historical(ctx: AppContext, actor: Actor, data: dict, items: list[Item]):
    """The imported rows as the version they were established as, outside SIDIP's approval."""
    check_transition(VERSION_TRANSITIONS, "import", actor, None)
    decree = clean_decree(ctx, data)
    version = Version(check_id(new_id("dip")), int(data["tahun"]), office_id=ctx.office_id, status="diimpor",
                      decree=decree, created_by=actor.username,
                      history=[{"aksi": "diimpor", "oleh": actor.username, "decree": {"nomor": decree.nomor}}])
    return version, dv.build_snapshot(version, items)
