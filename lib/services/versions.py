"""SOP steps 3–5: establish a DIP version by decree, approve it, upload it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lib.domain import versions as dv
from lib.domain.models import Actor, Decree, SnapshotRow, Version, new_id
from lib.domain.validation import clean_reason, clean_texts, parse_date, parse_year, require
from lib.domain.workflow import VERSION_TRANSITIONS, check_transition
from lib.errors import NotFound, ValidationError, WorkflowError
from lib.services.context import AppContext, at_revision, changes, require_role

OPEN_STATES = ("draf", "ditetapkan", "disetujui")


def list_versions(ctx: AppContext, actor: Actor) -> list[Version]:
    require_role(ctx, actor, "desk", "ppid", "atasan", "admin")
    return list(reversed(ctx.register.list_versions(ctx.office_id)))


def get_version(ctx: AppContext, actor: Actor, version_id: str) -> Version:
    require_role(ctx, actor, "desk", "ppid", "atasan", "admin")
    version = ctx.register.get_version(version_id)
    if version is None or version.office_id != ctx.office_id:
        raise NotFound("Versi DIP tidak ditemukan.")
    return version


def _save(ctx, actor, action, old, new, snapshot=None, note="") -> Version:
    before, after = changes(old, new)
    event = ctx.event(actor, action, "version", new.id, before=before, after=after, note=note)
    return ctx.register.save_version(new, event, old.revision if old else None, snapshot)


def _fresh(ctx, actor, version_id, revision) -> Version:
    return at_revision(get_version(ctx, actor, version_id), revision, "Versi DIP")


def create_version(ctx: AppContext, actor: Actor, tahun, semester=None) -> Version:
    """A new version (pemutakhiran) starts from the last established one."""
    check_transition(VERSION_TRANSITIONS, "create", actor, None)
    errors: dict[str, str] = {}
    year = parse_year(tahun, errors) or (None if errors else errors.setdefault("tahun", "Tahun wajib diisi."))
    if semester not in (None, "", 1, 2, "1", "2"):
        errors["semester"] = "Semester hanya 1 atau 2 (atau kosong untuk satu tahun)."
    if errors:
        raise ValidationError(errors)
    existing = ctx.register.list_versions(ctx.office_id)
    if any(v.status in ("draf", "ditetapkan") for v in existing):
        raise WorkflowError("Masih ada versi DIP yang belum disetujui. Selesaikan versi itu dahulu.")
    base = next((v.id for v in reversed(existing) if v.status != "draf"), "")
    version = Version(new_id("dip"), int(year), int(semester) if semester else None,
                      office_id=ctx.office_id, base_version_id=base, created_by=actor.username)
    return _save(ctx, actor, "versi_dibuat", None, version)


@dataclass(frozen=True)
class Preview:
    version: Version
    rows: list[SnapshotRow]          # frozen snapshot, or what establishing now would freeze
    incomplete: list                 # items kept out for missing DIP columns
    diff: dv.VersionDiff             # against the version it updates
    base: Version | None


def preview(ctx: AppContext, actor: Actor, version_id: str) -> Preview:
    require_role(ctx, actor, "ppid", "atasan", "admin")
    version = get_version(ctx, actor, version_id)
    rows, incomplete = _rows(ctx, version)
    base = ctx.register.get_version(version.base_version_id) if version.base_version_id else None
    base_rows = ctx.register.snapshot(base.id) if base else []
    return Preview(version, rows, incomplete, dv.diff(base_rows, rows), base)


def _rows(ctx: AppContext, version: Version) -> tuple[list[SnapshotRow], list]:
    if version.status != "draf":
        return ctx.register.snapshot(version.id), []
    from lib.services.attachments import current_by_item
    found = dv.candidates(ctx.register.list_items(ctx.office_id), ctx.office_id)
    from lib.services.parent_dik import adopted_rows
    files = {item_id: [a.frozen() for a in atts] for item_id, atts in current_by_item(ctx).items()}
    own = dv.build_snapshot(version, found.included, files)
    return own + adopted_rows(ctx, version, own), found.incomplete


def clean_decree(ctx: AppContext, data: dict) -> Decree:
    errors: dict[str, str] = {}
    texts = clean_texts(data, ("nomor_keputusan", "tempat_keputusan", "penandatangan"), errors)
    require(texts, ("nomor_keputusan", "tempat_keputusan", "penandatangan"), errors)
    tanggal = parse_date(data.get("tanggal_keputusan"), "tanggal_keputusan", errors)
    if tanggal is None and "tanggal_keputusan" not in errors:
        errors["tanggal_keputusan"] = "Tanggal keputusan wajib diisi."
    if errors:
        raise ValidationError(errors)
    s = ctx.settings()
    return Decree(texts["nomor_keputusan"], tanggal, texts["tempat_keputusan"],
                  texts["penandatangan"], s["ppid_position"], s["ppid_nip"])


def establish(ctx: AppContext, actor: Actor, version_id: str, decree_data: dict,
              revision: int) -> Version:
    """Step 3: freeze the classified items under the PPID's decree."""
    old = _fresh(ctx, actor, version_id, revision)
    check_transition(VERSION_TRANSITIONS, "establish", actor, old.status)
    decree = clean_decree(ctx, decree_data)
    snap, _ = _rows(ctx, old)
    if not [r for r in snap if not dv.is_adopted(r)]:  # the parent's DIK alone is no DIP of this office
        raise WorkflowError("Belum ada informasi terklasifikasi untuk ditetapkan. "
                            "Klasifikasikan informasi di halaman Klasifikasi terlebih dahulu.")
    gaps, reason = _completeness_guard(ctx, decree_data)
    entry = _history(ctx, actor, "ditetapkan", decree=_decree_dict(decree), items=len(snap),
                     kelengkapan={"belum_tercakup": [o.id for o in gaps], "alasan": reason})
    new = old.replace(status="ditetapkan", decree=decree, history=[*old.history, entry],
                      frozen=_freeze(ctx, old.id))
    return _save(ctx, actor, "dip_ditetapkan", old, new, snapshot=snap, note=reason)


# Every setting the documents of a version read; frozen into the version when it is established.
DOCUMENT_SETTINGS = ("office_name", "office_place", "legal_bases", "ppid_appointment_decree", "decree_template",
                     "ppid_name", "ppid_position", "ppid_nip", "publish_nip", "letterhead")


def _freeze(ctx: AppContext, version_id: str) -> dict:
    """The settings as they are now, and a copy of the letterhead image kept with the version."""
    from lib.services import letterhead
    s = ctx.settings()
    image, name = letterhead.read(ctx), ""
    if image:
        name = s["letterhead"].split(" ")[0]
        folder = Path(ctx.data_dir) / "lampiran" / version_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(image)
    return {"settings": {k: s.get(k, "") for k in DOCUMENT_SETTINGS}, "letterhead": name}


def document_settings(ctx: AppContext, version: Version) -> dict:
    """What an established version's documents print: the settings frozen when it was established. A draft
    reads today's settings; so does a version established before settings were frozen (no frozen data)."""
    return {**ctx.settings(), **version.frozen.get("settings", {})}


def document_letterhead(ctx: AppContext, version: Version) -> bytes:
    from lib.services import letterhead
    if "letterhead" not in version.frozen:  # a draft, or established before letterheads were frozen
        return letterhead.read(ctx) or b""
    name = version.frozen["letterhead"]
    path = Path(ctx.data_dir) / "lampiran" / version.id / name
    return path.read_bytes() if name.startswith("kop-surat.") and path.is_file() else b""


def document_digest(ctx: AppContext, version: Version) -> str:
    """The audit digest printed on the documents: for an uploaded version, the log as it stood when its files
    were published (so they re-render byte for byte); otherwise the log as it stands now."""
    from lib.domain.audit import digest
    from lib.services.audit_trail import published_events
    return digest(published_events(ctx, version))


def _completeness_guard(ctx: AppContext, data: dict):
    """Establishing a DIP with mandatory information missing needs a reason; it does not block."""
    from lib.domain.validation import clean_text
    from lib.services.completeness import establish_gaps
    gaps = establish_gaps(ctx)
    reason = clean_text(data.get("alasan_kelengkapan"))[:2000]
    if gaps and not reason:
        sample = "; ".join(f"{o.id} {o.judul[:50]}" for o in gaps[:3])
        raise ValidationError({"alasan_kelengkapan": (
            f"{len(gaps)} kewajiban informasi belum tercakup DIP ini (antara lain {sample}). Lengkapi lewat "
            "halaman Kelengkapan DIP, atau tulis alasan untuk tetap menetapkan; alasan dicatat di riwayat.")})
    return gaps, reason


def _decree_dict(decree: Decree) -> dict:
    return {"nomor": decree.nomor, "tanggal": decree.tanggal.isoformat(), "tempat": decree.tempat,
            "penandatangan": decree.penandatangan}


def _history(ctx: AppContext, actor: Actor, action: str, **data) -> dict:
    return {"aksi": action, "oleh": actor.username, "waktu": ctx.now().isoformat(timespec="seconds"), **data}


def approve(ctx: AppContext, actor: Actor, version_id: str, note: str, revision: int) -> Version:
    """Step 4: the Atasan PPID approves and orders the upload."""
    old = _fresh(ctx, actor, version_id, revision)
    check_transition(VERSION_TRANSITIONS, "approve", actor, old.status)
    text = (note or "").strip()[:2000]
    new = old.replace(status="disetujui",
                      history=[*old.history, _history(ctx, actor, "disetujui", catatan=text)])
    return _save(ctx, actor, "dip_disetujui_perintah_unggah", old, new, note=text)


def send_back(ctx: AppContext, actor: Actor, version_id: str, note: str, revision: int) -> Version:
    """The version returns to draf; the next penetapan records the decree again."""
    old = _fresh(ctx, actor, version_id, revision)
    check_transition(VERSION_TRANSITIONS, "send_back", actor, old.status)
    text = clean_reason(note, "note")
    new = old.replace(status="draf", frozen={},
                      history=[*old.history, _history(ctx, actor, "dikembalikan", catatan=text)])
    return _save(ctx, actor, "dip_dikembalikan_ke_draf", old, new, snapshot=[], note=text)
