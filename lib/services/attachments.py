"""Softcopy files stored by SIDIP (SOP step 2: the PPID documents every item as softcopy).

The bytes go to the file store by their SHA-256; the register keeps each file's record with its
audit event. Replacing a file keeps the old one ("diganti") in the item's history.
"""
from __future__ import annotations

from lib.domain import filetypes, workflow
from lib.domain.models import Actor, Attachment, Item, new_id
from lib.errors import NotFound, PermissionDenied, SidipError
from lib.services.context import AppContext, require_role
from lib.store.filestore import sha256_of

DESK_STATES = ("diminta", "diajukan", "dikembalikan")  # the desk adds files while it is submitting


def limit_mb(ctx: AppContext) -> int:
    """The upload limit in MB (setting ``batas_berkas_mb``; pages check a file's size before reading it)."""
    return filetypes.limit_bytes(ctx.settings().get("batas_berkas_mb")) // (1024 * 1024)


def attach(ctx: AppContext, actor: Actor, item_id: str, filename: str, data: bytes) -> Attachment:
    """Store one more softcopy of an item; its type is judged by its content. The same bytes given again
    (a form sent twice) return the file already current, with no second record."""
    item = _writable_item(ctx, actor, item_id)
    kind = filetypes.detect(data, filename, limit_mb(ctx))
    held = [a for a in current(ctx.register.list_attachments(ctx.office_id, item.id)) if a.sha256 == sha256_of(data)]
    if held:
        return held[0]
    att = _stored(ctx, actor, item, filename, data, kind)
    event = ctx.event(actor, "berkas.unggah", "attachment", att.id, unit=item.unit,
                      after={"item_id": item.id, **att.frozen()})
    return ctx.register.save_attachment(att, event, None)


def replace(ctx: AppContext, actor: Actor, attachment_id: str, filename: str, data: bytes) -> Attachment:
    """Put a new file in the place of a current one; the old one stays in the history as "diganti"."""
    old = _attachment(ctx, attachment_id)
    item = _writable_item(ctx, actor, old.item_id)
    if old.status != "aktif" or old.id in _replaced_ids(ctx, item.id):
        raise SidipError(f"Berkas \"{old.filename}\" sudah diganti; ganti berkas yang berlaku sekarang.")
    kind = filetypes.detect(data, filename, limit_mb(ctx))
    new = _stored(ctx, actor, item, filename, data, kind).replace(replaces=old.id)
    event = ctx.event(actor, "berkas.ganti", "attachment", new.id, unit=item.unit,
                      before={"item_id": item.id, **old.frozen()}, after={"item_id": item.id, **new.frozen()})
    saved = ctx.register.save_attachment(new, event, None)
    # The new record names the old one first: should this second write fail, the old file already
    # reads as replaced (see ``current``), and the history is whole.
    retired = ctx.event(actor, "berkas.diganti", "attachment", old.id, unit=item.unit,
                        before={"status": "aktif"}, after={"status": "diganti"}, note=f"diganti oleh {new.id}")
    ctx.register.save_attachment(old.replace(status="diganti"), retired, old.revision)
    return saved


def check_uploads(ctx: AppContext, uploads) -> bool:
    """Judge a form's files (size first, then content) before the item itself is saved, so a bad file
    never leaves a saved item whose files are missing. Raises ValidationError; True when all pass."""
    limit = limit_mb(ctx)
    for upload in uploads:
        filetypes.check_size(upload.size, limit, f"Berkas \"{filetypes.safe_filename(upload.name)}\"")
    for upload in uploads:
        filetypes.detect(upload.getvalue(), upload.name, limit)
    return True


def attach_uploads(ctx: AppContext, actor: Actor, item_id: str, uploads) -> list[Attachment]:
    """Files from a form (objects with ``name``, ``size`` and ``getvalue()``): every size is checked
    before any file is read, so a 200 MB upload is refused without holding it in memory twice."""
    limit = limit_mb(ctx)
    for upload in uploads:
        filetypes.check_size(upload.size, limit, f"Berkas \"{filetypes.safe_filename(upload.name)}\"")
    return [attach(ctx, actor, item_id, upload.name, upload.getvalue()) for upload in uploads]


def files_of(ctx: AppContext, actor: Actor, item_id: str, history: bool = False) -> list[Attachment]:
    """An item's current files (oldest first), or every file it ever had with ``history``."""
    item = _visible_item(ctx, actor, item_id)
    every = ctx.register.list_attachments(ctx.office_id, item.id)
    return every if history else current(every)


def read(ctx: AppContext, actor: Actor, attachment_id: str) -> bytes:
    """The file's bytes, refused when they no longer match the hash recorded at upload."""
    att = _attachment(ctx, attachment_id)
    _visible_item(ctx, actor, att.item_id)
    data = ctx.file_store().get(att.storage_ref)
    if sha256_of(data) != att.sha256:
        raise SidipError(f"Berkas \"{att.filename}\" rusak atau telah diubah di penyimpanan: isinya tidak cocok "
                         "dengan sidik SHA-256 yang dicatat saat diunggah. Hubungi administrator.")
    return data


def current(attachments: list[Attachment]) -> list[Attachment]:
    """The files still in force: "aktif", and not named as replaced by another file."""
    replaced = {a.replaces for a in attachments if a.replaces}
    return [a for a in attachments if a.status == "aktif" and a.id not in replaced]


def current_by_item(ctx: AppContext) -> dict[str, list[Attachment]]:
    """Every item's current files in one read (a DIP version freezes them; publishing copies them)."""
    out: dict[str, list[Attachment]] = {}
    for att in current(ctx.register.list_attachments(ctx.office_id)):
        out.setdefault(att.item_id, []).append(att)
    return out


def _stored(ctx: AppContext, actor: Actor, item: Item, filename: str, data: bytes,
            kind: filetypes.FileKind) -> Attachment:
    sha = sha256_of(data)
    ref = ctx.file_store().put(ctx.office_id, data, sha)
    return Attachment(new_id("brk"), item.id, ctx.office_id, filetypes.safe_filename(filename), kind.media_type,
                      len(data), sha, ref, actor.username, ctx.now().isoformat(timespec="seconds"))


def _visible_item(ctx: AppContext, actor: Actor, item_id: str) -> Item:
    from lib.services.items import get_item
    return get_item(ctx, actor, item_id)


def _writable_item(ctx: AppContext, actor: Actor, item_id: str) -> Item:
    require_role(ctx, actor, "desk", "ppid")
    item = _visible_item(ctx, actor, item_id)
    if actor.has("ppid"):
        return item
    workflow.check_unit(actor, item)
    if item.status not in DESK_STATES:
        raise PermissionDenied("Berkas informasi yang sudah diklasifikasi atau ditarik hanya dapat diubah PPID.")
    return item


def _attachment(ctx: AppContext, attachment_id: str) -> Attachment:
    att = ctx.register.get_attachment(attachment_id)
    if att is None or att.office_id != ctx.office_id:
        raise NotFound("Berkas tidak ditemukan; mungkin salah tautan.")
    return att


def _replaced_ids(ctx: AppContext, item_id: str) -> set[str]:
    return {a.replaces for a in ctx.register.list_attachments(ctx.office_id, item_id) if a.replaces}
