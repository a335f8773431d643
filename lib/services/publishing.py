"""SOP step 5 and the documents of steps 3–5: exports, the signed decree, publishing, the public list."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config

from lib.domain import versions as dv
from lib.domain.models import Actor, SnapshotRow, Version
from lib.domain.workflow import VERSION_TRANSITIONS, check_transition
from lib.errors import ValidationError, WorkflowError
from lib.export import EXPORTERS, render_all
from lib.export.document import FILES_FOLDER, ITEM_FOLDER, PublicDocument, Signer, public_files
from lib.export.html_item import item_pages
from lib.files import PRIVATE_DIR, PRIVATE_FILE, check_id, inside, make_dir, write_atomic
from lib.publish import TARGETS
from lib.services import audit_trail
from lib.services.context import AppContext, require_role
from lib.services.public_files import PublicItem, files_digest, item_files, publication_root
from lib.services.versions import (
    _fresh, _history, _rows, _save, document_digest, document_letterhead, document_settings, get_version,
)

# Every PDF SIDIP makes is reproducible (no clock-made creation date or file id): an uploaded version's
# documents re-render byte for byte, so their recorded checksums keep meaning something.
rl_config.invariant = 1

SIGNED_DECREE = "keputusan-ditandatangani.pdf"
MAX_SIGNED_BYTES = 20 * 1024 * 1024


def _signer(ctx: AppContext, version: Version, s: dict) -> Signer | None:
    """Who signs: the decree's signer; for a draft, the PPID of the settings (date and number left blank);
    none for a list established outside SIDIP, whose signed original is the scan. ``s``: the settings the
    version's documents read (frozen at penetapan)."""
    d = version.decree
    if is_imported(version):
        return None
    if d is None:
        return Signer(s["office_place"], None, s["ppid_position"], s["ppid_name"])
    nip = d.nip if s["publish_nip"] == "1" else ""
    return Signer(d.tempat, d.tanggal, d.jabatan or s["ppid_position"], d.penandatangan, nip)


def is_imported(version: Version) -> bool:
    """Established outside SIDIP (imported as historical), whether or not it was uploaded since."""
    return version.status == "diimpor" or any(h.get("aksi") == "diimpor" for h in version.history)


def is_draft(version: Version) -> bool:
    return version.status not in ("disetujui", "diunggah", "diimpor")


def legal_bases(settings: dict) -> tuple[str, ...]:
    """The office's legal bases, then the decree appointing its PPID when one is set."""
    own = settings.get("ppid_appointment_decree", "").strip()
    return (*json.loads(settings["legal_bases"]), *([own] if own else []))


def _diff(ctx: AppContext, version: Version, rows: list[SnapshotRow]) -> dv.VersionDiff | None:
    if not version.base_version_id:
        return None
    return dv.diff(ctx.register.snapshot(version.base_version_id), rows)


def document(ctx: AppContext, version: Version, rows: list[SnapshotRow], files_url: str | None = None) -> PublicDocument:
    """An established version prints the settings frozen into it; a draft, today's settings.

    ``files_url`` (a publication only): where berkas/ is published, "" when only relative links are known."""
    s = document_settings(ctx, version)
    return PublicDocument(version, rows, s["office_name"], draft=is_draft(version),
                          audit_digest=document_digest(ctx, version),
                          signer=_signer(ctx, version, s), diff=_diff(ctx, version, rows),
                          legal_bases=legal_bases(s), decree_text=s["decree_template"],
                          settings=s, imported=is_imported(version), letterhead=document_letterhead(ctx, version),
                          publication=files_url is not None, files_url=files_url or "")


def export_bytes(ctx: AppContext, actor: Actor, version_id: str, fmt: str, kind: str = "dip") -> tuple[str, bytes]:
    """Any version may be exported; one not yet approved says DRAF on every page."""
    require_role(ctx, actor, "desk", "ppid", "atasan", "admin")
    version = get_version(ctx, actor, version_id)
    doc = document(ctx, version, _rows(ctx, version)[0])
    if fmt == "keputusan":
        from lib.export.decree_pdf import render_decree
        return "keputusan.pdf", render_decree(doc)
    exporter = EXPORTERS[fmt]
    return exporter.filename(kind), exporter.render(doc, kind)


# -- the signed decree ------------------------------------------------------------------------
def _attachment_dir(ctx: AppContext, version_id: str) -> Path:
    """lampiran/<version id>, refused unless the id is one SIDIP made and the path stays in the data folder."""
    return inside(Path(ctx.data_dir), "lampiran", check_id(version_id, "Kode versi"))


def attach_signed_decree(ctx: AppContext, actor: Actor, version_id: str, pdf: bytes, revision: int) -> Version:
    """The scanned, signed decree is kept with the version and published with it.

    Every scan is kept under its own name (its SHA-256): a new scan never overwrites a signed one;
    the version history names the current one."""
    old = _fresh(ctx, actor, version_id, revision)
    require_role(ctx, actor, "ppid")
    if old.status == "draf":
        raise WorkflowError("Keputusan yang ditandatangani dilampirkan setelah DIP ditetapkan.")
    if not pdf.startswith(b"%PDF") or len(pdf) > MAX_SIGNED_BYTES:
        raise ValidationError({"berkas": "Unggah berkas PDF hasil pindaian, paling besar 20 MB."})
    sha = hashlib.sha256(pdf).hexdigest()
    name = f"keputusan-ditandatangani-{sha}.pdf"
    folder = make_dir(_attachment_dir(ctx, version_id), PRIVATE_DIR)
    write_atomic(folder / name, pdf, PRIVATE_FILE, what="pindaian keputusan")
    entry = _history(ctx, actor, "keputusan_dilampirkan", sha256=sha, berkas=name)
    new = old.replace(history=[*old.history, entry])
    return _save(ctx, actor, "keputusan_ditandatangani_dilampirkan", old, new, note=f"sha256 {sha}")


def signed_decree(ctx: AppContext, version: Version) -> bytes | None:
    """The current scan: the one the version history names last (older scans stay, unused)."""
    attached = [h for h in version.history if h.get("aksi") == "keputusan_dilampirkan"]
    if not attached:
        return None
    name = attached[-1].get("berkas") or SIGNED_DECREE  # scans attached before names carried the hash
    path = inside(_attachment_dir(ctx, version.id), name)
    return path.read_bytes() if path.exists() else None


# -- publishing -------------------------------------------------------------------------------
def publication_files(ctx: AppContext, version: Version, files_url: str = "") -> dict[str, bytes]:
    """Every format, the decree, the signed scan, the audit log's head as the documents saw it, and a page
    per public item (item/<id>.html) linking the item's files under ``files_url``/berkas/."""
    doc = document(ctx, version, ctx.register.snapshot(version.id), files_url)
    files = render_all(doc) | item_pages(doc)
    files[audit_trail.HEAD_FILE] = audit_trail.published_head_file(ctx, version)
    signed = signed_decree(ctx, version)
    if signed:
        files[SIGNED_DECREE] = signed
    return files


def target_config(ctx: AppContext) -> dict[str, str]:
    """Folder settings from the context; SFTP settings from the environment (secrets)."""
    import os
    config = {"root": ctx.publish_dir, "base_url": ctx.public_base_url()}
    config |= {k.lower().removeprefix("sidip_"): v for k, v in os.environ.items() if k.startswith("SIDIP_SFTP_")}
    if os.environ.get("SIDIP_SFTP_BASE_URL"):
        config["base_url"] = os.environ["SIDIP_SFTP_BASE_URL"]
    return config


def version_links(ctx: AppContext, version: Version) -> list[str]:
    from lib.linkcheck import links_of
    rows = ctx.register.snapshot(version.id)
    found = [u for r in rows for f in ("tautan", "lokasi_softcopy") for u in links_of(r.data.get(f) or "")]
    return list(dict.fromkeys(found))


def check_links(ctx: AppContext, actor: Actor, version_id: str):
    """Every link of the version (tautan and softcopy), checked now; dead ones are listed."""
    from lib.linkcheck import check_links as run
    require_role(ctx, actor, "desk", "ppid")
    return run(version_links(ctx, get_version(ctx, actor, version_id)))


def upload(ctx: AppContext, actor: Actor, version_id: str, revision: int, target: str = "folder",
           progress=None, dead_links_ok: bool = False) -> Version:
    """Step 5: publish every file of the approved version; record names, sizes, checksums and URL.

    Links are checked first: dead ones stop the upload unless the officer accepts them knowingly
    (recorded in the audit log)."""
    old = _fresh(ctx, actor, version_id, revision)
    check_transition(VERSION_TRANSITIONS, "upload", actor, old.status)
    dead = [r for r in check_links(ctx, actor, version_id) if not r.ok]
    if dead and not dead_links_ok:
        raise WorkflowError("Ada tautan yang tidak dapat dibuka: " + "; ".join(
            f"{r.url} ({r.message})" for r in dead[:10]) + ". Perbaiki, atau centang \"terbitkan meski ada "
            "tautan mati\" bila memang disengaja.")
    done, shared = _publish(ctx, old, target, progress)
    record = _upload_record(done, shared, target, [r.url for r in dead])
    new = old.replace(status="diunggah", uploaded_at=ctx.now().isoformat(timespec="seconds"),
                      uploaded_by=actor.username, upload_url=done.url, upload_files=_documents(done),
                      history=[*old.history, _history(ctx, actor, "diunggah", **record)])
    return _save(ctx, actor, "dip_diunggah", old, new, note=json.dumps(record, ensure_ascii=False)[:2000])


def republish(ctx: AppContext, actor: Actor, version_id: str, revision: int, target: str = "folder",
              progress=None) -> Version:
    """Write an uploaded version's files again (a cron re-run, a lost or restored web folder): the same
    version, a fresh copy of its documents, item pages and items' files, recorded like the upload."""
    old = _fresh(ctx, actor, version_id, revision)
    require_role(ctx, actor, "desk", "ppid")
    if old.status != "diunggah":
        raise WorkflowError("Hanya versi yang sudah diunggah yang dapat diterbitkan ulang.")
    done, shared = _publish(ctx, old, target, progress)
    record = _upload_record(done, shared, target, [])
    new = old.replace(upload_url=done.url, upload_files=_documents(done),
                      history=[*old.history, _history(ctx, actor, "diunggah_ulang", **record)])
    return _save(ctx, actor, "dip_diunggah_ulang", old, new, note=json.dumps(record, ensure_ascii=False)[:2000])


def _documents(done) -> list[str]:
    """The version's documents by name; item pages are counted, not listed (a register cell has a limit)."""
    return [n for n in done.files if not n.startswith(ITEM_FOLDER + "/")]


def _upload_record(done, shared: dict[str, bytes], target: str, dead: list[str]) -> dict:
    documents = _documents(done)
    return {"url": done.url, "target": target, "tautan_mati": dead,
            "berkas": {n: {"ukuran": done.sizes.get(n), "sha256": done.checksums[n]} for n in documents},
            "halaman_informasi": len(done.files) - len(documents),
            "berkas_informasi": {"jumlah": len(shared), "sha256": files_digest(shared)}}


def _publish(ctx: AppContext, version: Version, target: str, progress):
    """The items' files first (berkas/, one stable address per item and file, replaced whole so a file
    that left the public list is withdrawn), then the version folder whose pages link to them."""
    config = target_config(ctx)
    shared = item_files(ctx, ctx.register.snapshot(version.id))
    files = publication_files(ctx, version, (config.get("base_url") or "") if target != "manual" else "")
    TARGETS[target].publish(shared, FILES_FOLDER, config, None, latest=False)
    return TARGETS[target].publish(files, version.id, config, progress), shared


@dataclass(frozen=True)
class PublicList:
    version: Version
    rows: list[SnapshotRow]  # DIP rows only; DIK rows carry their public fields only


def latest_published(ctx: AppContext) -> PublicList | None:
    """For everyone, no login: the last uploaded version, without protected details."""
    uploaded = [v for v in ctx.register.list_versions(ctx.office_id) if v.status == "diunggah"]
    if not uploaded:
        return None
    version = max(uploaded, key=lambda v: v.uploaded_at)
    rows = ctx.register.snapshot(version.id)
    public = dv.dip_rows(rows) + [SnapshotRow(r.version_id, r.item_id, r.nomor, r.kategori,
                                              dv.dik_public(r)) for r in dv.dik_rows(rows)]
    return PublicList(version, public)


def published_item(ctx: AppContext, item_id: str) -> PublicItem | None:
    """For everyone, no login: one item of the last uploaded version. An exempt item shows its public DIK
    fields only and never a file; an item not in that version is None."""
    published = latest_published(ctx)
    row = next((r for r in published.rows if r.item_id == item_id), None) if published else None
    if row is None:
        return None
    return PublicItem(published.version, row, public_files(row), publication_root(published.version))


def record_public_url(ctx: AppContext, actor: Actor, version_id: str, url: str, revision: int) -> Version:
    """Manual target: the officer uploaded the files to the CMS; SIDIP fetches the page and checks it."""
    from lib.domain.validation import clean_text
    from lib.publish.manual import verify
    old = _fresh(ctx, actor, version_id, revision)
    require_role(ctx, actor, "desk", "ppid")
    if old.status != "diunggah":
        raise WorkflowError("Catat alamat publik setelah berkas disiapkan (versi berstatus diunggah).")
    url = clean_text(url)
    if not url.startswith(("http://", "https://")):
        raise ValidationError({"url": "Alamat harus diawali http:// atau https://."})
    verify(url, _published_checksum(old, "dip.html"))
    new = old.replace(upload_url=url, history=[*old.history, _history(ctx, actor, "alamat_publik_dicek", url=url)])
    return _save(ctx, actor, "dip_alamat_publik_dicek", old, new, note=url)


def _published_checksum(version: Version, name: str) -> str:
    """The checksum recorded when the files were prepared (re-rendering would differ: the audit digest moves)."""
    uploads = [h for h in version.history if h.get("aksi") in ("diunggah", "diunggah_ulang")]
    if not uploads or name not in uploads[-1].get("berkas", {}):
        raise WorkflowError("Catatan unggah versi ini tidak memuat checksum; siapkan ulang berkasnya.")
    return uploads[-1]["berkas"][name]["sha256"]


def targets() -> dict[str, str]:
    """The publish targets this installation has, name -> label."""
    return {name: t.label for name, t in TARGETS.items()}
