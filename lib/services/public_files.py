"""The public items' softcopies as a publication carries them, and one item as the public page shows it.

Files are taken from the version's frozen snapshot (its "berkas" list, by hash), never from the items'
current files, and only for public items: an exempt item's files are never read for publishing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lib.domain import versions as dv
from lib.domain.models import SnapshotRow, Version
from lib.errors import SidipError
from lib.export.document import FILES_FOLDER, PublicFile, public_files
from lib.services.context import AppContext


def item_files(ctx: AppContext, rows: list[SnapshotRow]) -> dict[str, bytes]:
    """``{"<item id>/<name>": bytes}`` for the berkas/ folder: every file of every public row, checked
    against the hash the version froze. Everything is read before anything is written."""
    out: dict[str, bytes] = {}
    for row in dv.dip_rows(rows):
        for f in public_files(row):
            out[f.path.removeprefix(FILES_FOLDER + "/")] = frozen_bytes(ctx, row, f)
    return out


def frozen_bytes(ctx: AppContext, row: SnapshotRow, f: PublicFile) -> bytes:
    """The bytes of a frozen file, refused when the store lost them or they changed since the decree."""
    title = row.data.get("judul") or row.item_id
    att = ctx.register.get_attachment(f.attachment_id) if f.attachment_id else None
    try:
        data = ctx.file_store().get(att.storage_ref) if att and att.office_id == ctx.office_id else None
    except (OSError, SidipError, KeyError):
        data = None
    if data is None:
        raise SidipError(f"Berkas \"{f.filename}\" dari informasi \"{title}\" tidak ditemukan di penyimpanan "
                         "berkas. Tidak ada yang diterbitkan; pulihkan berkasnya (cadangan) lalu ulangi.")
    if hashlib.sha256(data).hexdigest() != f.sha256:
        raise SidipError(f"Isi berkas \"{f.filename}\" dari informasi \"{title}\" tidak sama dengan saat DIP "
                         "ditetapkan (checksum berbeda). Tidak ada yang diterbitkan; periksa `doctor`.")
    return data


def files_digest(files: dict[str, bytes]) -> str:
    """One SHA-256 over every published item file (name and content): the upload record stays small."""
    sha = hashlib.sha256()
    for name in sorted(files):
        sha.update(f"{name}\0{hashlib.sha256(files[name]).hexdigest()}\n".encode())
    return sha.hexdigest()


@dataclass(frozen=True)
class PublicItem:
    version: Version
    row: SnapshotRow
    files: list[PublicFile]
    files_url: str  # where berkas/ is published; "" when the version has no public address

    def url(self, f: PublicFile) -> str:
        return f"{self.files_url}/{f.path}" if self.files_url else ""


def publication_root(version: Version) -> str:
    """``<base>/<version>/dip.html`` -> ``<base>``: where the version folders and berkas/ live."""
    parts = version.upload_url.rsplit("/", 2)
    return parts[0] if version.upload_url and len(parts) == 3 else ""
