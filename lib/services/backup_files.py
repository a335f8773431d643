"""The stored softcopies in a backup (format ``sidip-backup/3``) and putting them back on restore.

The workbook's ``attachments`` sheet already holds every file's record: its hash and where the store
keeps it (a local key or a Google Drive id). The ``_sidip_files`` sheet adds the bytes, once per
distinct SHA-256, as base64 in parts of at most 32,764 characters (a cell holds 32,767). A backup of a
local store always carries them; a backup of a Drive store carries only the ids and hashes unless asked
for the bytes (the files stay in Drive; a copy of a large Drive folder in a workbook is rarely wanted).

A restore checks every file before it changes anything: bytes in the backup must hash to their record;
a file the backup does not carry must be in the target store under its ref with the same hash.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import replace

from lib.domain.models import Actor
from lib.errors import SidipError
from lib.services.context import AppContext
from lib.store.filestore import FileStore

FILES_SHEET = "_sidip_files"
FILES_COLUMNS = ["sha256", "size", "part", "base64"]
PART = 32764  # a multiple of 4 under Excel's 32,767 characters per cell
RESTORED = "berkas.dipulihkan"
_SHOWN = 5


def carries_bytes_by_default(store: FileStore) -> bool:
    """Local files go into the backup; Drive files stay in Drive (their ids and hashes are backed up)."""
    from lib.store.drivestore import DriveFileStore
    return not isinstance(store, DriveFileStore)


def file_rows(ctx: AppContext, attachments: list[dict[str, str]]) -> list[list[str]]:
    """The bytes of every recorded file as rows of the files sheet; a missing or changed file stops the
    backup (a backup that cannot be restored is no backup)."""
    store, rows, seen, problems = ctx.file_store(), [], set(), []
    for record in attachments:
        if record["sha256"] in seen:
            continue
        seen.add(record["sha256"])
        data, problem = _read(store, record)
        if problem:
            problems.append(problem)
            continue
        text = base64.b64encode(data).decode("ascii")
        for part, start in enumerate(range(0, len(text) or 1, PART)):
            rows.append([record["sha256"], str(len(data)), str(part), text[start:start + PART]])
    _refuse(problems, "Cadangan tidak dibuat", "Jalankan python -m lib.cli doctor, lalu ganti berkas yang rusak.")
    return rows


def read_blobs(rows: list[dict[str, str]]) -> dict[str, bytes]:
    """The files sheet back as bytes by hash, each checked against its hash and size."""
    parts: dict[str, dict[int, str]] = {}
    sizes: dict[str, str] = {}
    for row in rows:
        if not row["part"].isdigit():
            raise SidipError(f"Lembar {FILES_SHEET} rusak: bagian \"{row['part'][:20]}\" tidak sah.")
        parts.setdefault(row["sha256"], {})[int(row["part"])] = row["base64"]
        sizes[row["sha256"]] = row["size"]
    blobs = {}
    for sha, pieces in parts.items():
        try:
            if sorted(pieces) != list(range(len(pieces))):
                raise ValueError
            data = base64.b64decode("".join(pieces[i] for i in range(len(pieces))), validate=True)
        except (ValueError, binascii.Error):
            raise SidipError(f"Lembar {FILES_SHEET} rusak: isi berkas {sha[:12]}… tidak dapat dibaca. "
                             "Tidak ada yang dipulihkan.") from None
        if hashlib.sha256(data).hexdigest() != sha or str(len(data)) != sizes[sha]:
            raise SidipError(f"Berkas {sha[:12]}… dalam cadangan tidak cocok dengan sidik SHA-256-nya: cadangan "
                             "telah diubah atau rusak. Tidak ada yang dipulihkan.")
        blobs[sha] = data
    return blobs


def check_restorable(ctx: AppContext, attachments: list[dict[str, str]], blobs: dict[str, bytes]) -> None:
    """Every recorded file either travels in the backup or is already in the target store, unchanged."""
    store = ctx.file_store()
    problems = []
    for record in attachments:
        if record["sha256"] in blobs:
            continue
        _, problem = _read(store, record, missing=" (cadangan tidak membawa isinya dan penyimpanan "
                                                  f"{store.describe()} tidak memilikinya)")
        if problem:
            problems.append(problem)
    _refuse(problems, "Cadangan tidak dipulihkan",
            "Buat cadangan yang membawa isi berkas (python -m lib.cli backup --sertakan-berkas), atau pulihkan "
            "ke register yang memakai folder Google Drive yang sama.")


def put_back(ctx: AppContext, attachments: list[dict[str, str]], blobs: dict[str, bytes]) -> dict[str, str]:
    """Store the carried bytes in this register's store; the attachments whose ref changes, by id."""
    store, moved = ctx.file_store(), {}
    for record in attachments:
        if record["sha256"] in blobs:
            ref = store.put(record["office_id"], blobs[record["sha256"]], record["sha256"])
            if ref != record["storage_ref"]:
                moved[record["id"]] = ref
    return moved


def record_moves(ctx: AppContext, actor: Actor, moved: dict[str, str]) -> None:
    """A file restored into another store has a new ref: saved like any change, with its audit event."""
    for attachment_id, ref in moved.items():
        att = ctx.register.get_attachment(attachment_id)
        event = ctx.event(actor, RESTORED, "berkas", att.id, before={"storage_ref": att.storage_ref},
                          after={"storage_ref": ref}, note=f"Dipulihkan dari cadangan ke {ctx.file_store().describe()}")
        event = replace(event, office_id=att.office_id)
        ctx.register.save_attachment(replace(att, storage_ref=ref, updated_by=actor.username), event, att.revision)


def _read(store: FileStore, record: dict[str, str], missing: str = "") -> tuple[bytes, str]:
    """The file's bytes and "" , or b"" and what is wrong with it, in words."""
    name = f"\"{record.get('filename', '')}\" (berkas {record['id']}, informasi {record.get('item_id', '')})"
    try:
        if not store.exists(record["storage_ref"]):
            return b"", f"{name} tidak ada{missing}"
        data = store.get(record["storage_ref"])
    except SidipError as err:
        return b"", f"{name} tidak dapat dibaca: {err}"
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        return b"", f"{name} isinya tidak cocok lagi dengan sidik SHA-256 yang tercatat"
    return data, ""


def _refuse(problems: list[str], what: str, hint: str) -> None:
    if not problems:
        return
    more = f" dan {len(problems) - _SHOWN} lainnya" if len(problems) > _SHOWN else ""
    raise SidipError(f"{what}: {'; '.join(problems[:_SHOWN])}{more}. {hint}")
