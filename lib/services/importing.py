"""Bring an office's existing DIP into SIDIP: read, understand, dry run, then import all or nothing."""
from __future__ import annotations

from dataclasses import dataclass

from lib.domain import filetypes
from lib.domain import versions as dv
from lib.domain.import_files import match_files
from lib.domain.import_mapping import ImportPlan, plan
from lib.domain.models import Actor, Item, Version, new_id
from lib.domain.workflow import VERSION_TRANSITIONS, check_transition
from lib.errors import ValidationError
from lib.files import check_id, check_office_id
from lib.reader import read_grid, read_zip
from lib.services.attachments import limit_mb
from lib.services.context import AppContext, require_role
from lib.services.versions import clean_decree


def preview(ctx: AppContext, actor: Actor, filename: str, data: bytes,
            overrides: dict[int, str] | None = None) -> ImportPlan:
    """The dry run: how the columns were understood, what each row becomes and, for a ZIP, which file goes
    to which row (every file's type checked now). Changes nothing."""
    require_role(ctx, actor, "admin", "ppid")
    if filename.lower().endswith(".zip"):
        return _preview_zip(ctx, data, overrides)
    result = plan(read_grid(filename, data), overrides)
    _check_found(result)
    for row in result.rows:  # a list alone brings no files: say so on the row that names one
        row.warnings += [f"Berkas \"{name[:60]}\" bukan alamat http/https lengkap; berkas hanya dilampirkan bila "
                         "daftar diimpor sebagai ZIP bersama berkasnya. Tidak diimpor." for name in row.fields.get("berkas", [])]
    return result  # even with no importable row: the caller shows the mapping and every rejected row


def _preview_zip(ctx: AppContext, data: bytes, overrides) -> ImportPlan:
    limit = limit_mb(ctx)
    bundle = read_zip(data, limit * 1024 * 1024)
    result = plan(read_grid(bundle.list_name, bundle.list_data), overrides)
    _check_found(result)
    result.files = match_files(result.rows, list(bundle.files))
    for number, name in result.files.missing:
        next(r for r in result.rows if r.row == number).warnings.append(
            f"Berkas \"{name[:60]}\" tidak ada di dalam ZIP; informasinya diimpor tanpa berkas itu.")
    result.file_data = {entry: bundle.files[entry] for _, entry in result.files.attach}
    _check_types(result, limit)
    return result


def _check_types(result: ImportPlan, limit: int) -> None:
    """Every file to attach is judged by its content before anything is written."""
    problems = {}
    for entry, data in result.file_data.items():
        try:
            filetypes.detect(data, entry, limit)
        except ValidationError as err:
            problems[entry] = str(err)
    if problems:
        raise ValidationError({"berkas": "Berkas di dalam ZIP ditolak."}, "Berkas di dalam ZIP ditolak; tidak ada "
                              "yang diimpor: " + "; ".join(f"{n}: {m}" for n, m in list(problems.items())[:10]))


def _check_found(result: ImportPlan | None) -> None:
    if result is None:
        raise ValidationError({"berkas": "Baris judul kolom tidak ditemukan."},
                              "Judul kolom DIP tidak ditemukan di 30 baris pertama (misalnya \"Judul Informasi\", "
                              "\"Ringkasan Isi Informasi\", \"Jenis Informasi\"). Periksa berkasnya.")


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
    files: int = 0  # softcopies attached from a ZIP


def _item(ctx: AppContext, actor: Actor, fields: dict, unit: str, stamp: str) -> Item:
    fields = {k: v for k, v in fields.items() if k != "berkas"}  # names of files, attached after
    unknown = set(fields) & {"id", "office_id", "revision", "status"}
    if unknown:  # a mapped column never sets what SIDIP owns: ids become file and folder names
        raise ValidationError({"berkas": f"Kolom {', '.join(sorted(unknown))} tidak dapat diimpor."})
    return Item(check_id(new_id("inf")), unit, fields["judul"], status="diklasifikasi", office_id=ctx.office_id,
                created_by=actor.username, created_at=stamp, classified_by=actor.username,
                classified_on=ctx.today(), **{k: v for k, v in fields.items() if k != "judul"})


def run(ctx: AppContext, actor: Actor, result: ImportPlan, unit: str, filename: str,
        as_version: dict | None = None, progress=None) -> ImportResult:
    """Import every mapped row (and optionally the historical version it was decreed as), or nothing."""
    require_role(ctx, actor, "admin", "ppid")
    check_office_id(ctx.office_id)
    if not result.rows:
        raise ValidationError({"berkas": "Tidak ada baris yang dapat diimpor."}, nothing_to_import(result))
    if unit not in ctx.units():
        raise ValidationError({"unit": f"Unit \"{unit}\" tidak terdaftar di Pengaturan."})
    if result.files and result.files.attach:
        _ready_to_attach(ctx, actor, result)
    stamp = ctx.now().isoformat(timespec="seconds")
    items = []
    for n, row in enumerate(result.rows, start=1):
        items.append(_item(ctx, actor, row.fields, unit, stamp))
        if progress and n % 500 == 0:
            progress(n / len(result.rows) / 2, f"Menyiapkan baris {n}")
    events = [ctx.event(actor, "informasi_diimpor", "item", i.id, unit=i.unit, after={"judul": i.judul,
              "kategori": i.kategori, "baris": r.row, "belum_lengkap": r.incomplete}, note=filename)
              for i, r in zip(items, result.rows)]
    version = _historical_version(ctx, actor, as_version) if as_version else None
    if version and result.files and result.files.attach:
        # The version freezes each item's files by hash: the items and their files are saved first.
        ctx.register.save_many(items, events, None, None)
        _attach_all(ctx, actor, result, items, progress)
        ctx.register.save_many([], _closing_events(ctx, actor, result, filename, items, version), version,
                               dv.build_snapshot(version, items, _frozen_files(ctx)))
    else:
        snapshot = dv.build_snapshot(version, items) if version else None
        ctx.register.save_many(items, events + _closing_events(ctx, actor, result, filename, items, version),
                               version, snapshot)
        _attach_all(ctx, actor, result, items, progress)
    if progress:
        progress(1.0, "Selesai")
    return ImportResult(len(items), sum(bool(r.incomplete) for r in result.rows), version,
                        len(result.files.attach) if result.files else 0)


def _ready_to_attach(ctx: AppContext, actor: Actor, result: ImportPlan) -> None:
    """Checked before anything is written: who may attach, and every file's type and size again."""
    if not actor.has("ppid"):
        raise ValidationError({"berkas": "Impor dengan berkas dilakukan oleh PPID."},
                              "Impor ZIP yang melampirkan berkas dilakukan oleh PPID (berkas dicatat atas nama "
                              "pengunggahnya). Tidak ada yang diimpor.")
    _check_types(result, limit_mb(ctx))


def _attach_all(ctx: AppContext, actor: Actor, result: ImportPlan, items: list[Item], progress) -> None:
    """Each matched file goes to its row's new item through the attachments service (stored, audited)."""
    from lib.services import attachments
    for n, (index, entry) in enumerate(result.files.attach if result.files else [], start=1):
        attachments.attach(ctx, actor, items[index].id, entry.rsplit("/", 1)[-1], result.file_data[entry])
        if progress and n % 20 == 0:
            progress(0.5 + n / len(result.files.attach) / 2, f"Melampirkan berkas {n}")


def _closing_events(ctx: AppContext, actor: Actor, result: ImportPlan, filename: str, items: list[Item],
                    version: Version | None) -> list:
    summary = {"berkas": filename, "baris": len(items), "ditolak": len(result.rejected),
               "versi": version.id if version else "", "berkas_dilampirkan": len(result.files.attach) if result.files else 0}
    opening = [ctx.event(actor, "dip_historis_diimpor", "version", version.id,
                         after={"tahun": version.tahun, "keputusan": version.decree.nomor})] if version else []
    return [*opening, ctx.event(actor, "impor_dip", "import", filename, after=summary)]


def _frozen_files(ctx: AppContext) -> dict[str, list[dict]]:
    from lib.services.attachments import current_by_item
    return {item_id: [a.frozen() for a in atts] for item_id, atts in current_by_item(ctx).items()}


def _historical_version(ctx: AppContext, actor: Actor, data: dict) -> Version:
    """The imported rows as the version they were established as, outside SIDIP's approval."""
    check_transition(VERSION_TRANSITIONS, "import", actor, None)
    decree = clean_decree(ctx, data)
    version = Version(check_id(new_id("dip")), int(data["tahun"]), office_id=ctx.office_id, status="diimpor",
                      decree=decree, created_by=actor.username,
                      history=[{"aksi": "diimpor", "oleh": actor.username, "decree": {"nomor": decree.nomor}}])
    return version
