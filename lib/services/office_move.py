"""An office moving into a deployment of many offices (PostgreSQL) from its own register, and back out.

In (``move_in``): a backup made by the office's own register (SQLite or Google Sheets) is checked in full with
that register's key, as a restore checks it; its rows are re-keyed for the deployment (lib.services.office_rekey:
the new office's code, the deployment's key, optionally its users renamed with a prefix) and loaded, with its
stored files, as one office under the parent office the command runs for. The office's log ends with
``kantor_pindah_masuk``, which records where it came from (the backup's SHA-256, the source office and the
source log's last event and MAC).

Out (``move_out``): one office of a deployment as a standard backup (``sidip-backup/3``) that a plain
single-office install restores (``python -m lib.cli restore``), signed with that install's key, ending with
``kantor_pindah_keluar``; its place in the office tree is dropped (it is a single office again).
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

from lib.domain import offices as tree
from lib.domain.audit import EventSigner
from lib.domain.models import DEFAULT_OFFICE, TEXT_LIMITS, Actor, Event
from lib.domain.offices import LEVEL_KEY, MOVED_OUT_KEY, NAME_KEY, PARENT_KEY
from lib.domain.validation import clean_text
from lib.errors import SidipError, ValidationError
from lib.services import backup, backup_files
from lib.services import office_rekey as rekey
from lib.services.context import AppContext, require_role
from lib.store import codec
from lib.store.port import Register

MOVED_IN, MOVED_OUT = "kantor_pindah_masuk", "kantor_pindah_keluar"


@dataclass(frozen=True)
class MoveIn:
    office: tree.Office
    counts: dict[str, int]
    users: dict[str, str]  # old username -> new (empty: names kept)
    source_office: str


def move_in(ctx: AppContext, actor: Actor, data: bytes, code: str, name: str, source_key: bytes,
            user_prefix: str = "") -> MoveIn:
    """Load the office in the backup ``data`` (made with ``source_key``) as office ``code`` under ctx's office.

    Nothing is written unless every check passes: the backup in full, the office's place, its usernames
    against the deployment's, its files; the rows go in in one transaction (``Register.load_office``)."""
    require_role(ctx, actor, "admin")
    found = _verified(ctx, data, source_key)
    source = _single_office(found)
    settings = {r["key"]: r["value"] for r in found.tables["settings"]}
    name = clean_text(name) or settings.get(NAME_KEY, "")
    level = _place(ctx, code, name)
    users = _usernames(ctx, [u["username"] for u in found.tables["users"]], user_prefix)
    child = ctx.for_office(code)
    plan = rekey.Plan(source, code, ctx.secret_key, users, add_settings={
        LEVEL_KEY: level, PARENT_KEY: ctx.office_id, NAME_KEY: name})
    tables = rekey.rekeyed(found.tables, plan)
    backup_files.check_restorable(child, tables["attachments"], found.blobs)
    _store_files(child, tables, found.blobs)
    last = found.tables["events"][-1] if found.tables["events"] else {}
    after = {"sha256_cadangan": hashlib.sha256(data).hexdigest(), "kantor_asal": source,
             "peristiwa_terakhir_asal": last.get("id", ""), "mac_terakhir_asal": last.get("mac", ""),
             "jumlah_baris": _counts(tables), "induk": ctx.office_id, "tingkat": level, "nama": name,
             "pengguna_diganti": users}
    event = child.event(actor, MOVED_IN, "office", code, after=after, note=f"Pindah masuk dari kantor {source}")
    tables["events"].append(rekey.closing_event(tables, event, ctx.secret_key))
    child.register.load_office(code, tables)
    ctx.register.append_event(ctx.event(actor, "kantor_anak_pindah_masuk", "office", code,
                                        after={"nama": name, "kantor_asal": source, "sha256_cadangan": after[
                                            "sha256_cadangan"]}))
    return MoveIn(tree.Office(code, name, level, ctx.office_id), _counts(tables), users, source)


@dataclass(frozen=True)
class MoveOut:
    content: bytes
    counts: dict[str, int]
    target_office: str
    record: Event  # this deployment's own record of the move: close_moved_out writes it once the file is stored


def move_out(ctx: AppContext, actor: Actor, target_key: bytes, target_office: str = DEFAULT_OFFICE) -> MoveOut:
    """The office ctx acts for, as a backup a single-office register with ``target_key`` restores as
    ``target_office``. The deployment is not changed (``close_moved_out`` once the file is written)."""
    require_role(ctx, actor, "admin")
    if not tree.valid_code(target_office):
        raise ValidationError({"code": f"Kode kantor tujuan \"{target_office}\" tidak sah."})
    tables = rekey.office_rows(ctx.register.dump(), ctx.office_id)
    blobs = backup_files.file_rows(ctx, tables["attachments"])  # a fresh install has no other copy of them
    for row in tables["attachments"]:
        row["storage_ref"] = _local_ref(row["storage_ref"], ctx.office_id, target_office)
    plan = rekey.Plan(ctx.office_id, target_office, target_key, drop_settings=(LEVEL_KEY, PARENT_KEY))
    tables = rekey.rekeyed(tables, plan)
    parent = ctx.settings().get(PARENT_KEY, "")
    after = {"kantor_asal": ctx.office_id, "kantor_tujuan": target_office, "induk": parent,
             "jumlah_baris": _counts(tables)}
    event = dataclasses.replace(ctx.event(actor, MOVED_OUT, "office", target_office, after=after,
                                          note=f"Pindah keluar dari kantor {ctx.office_id}"), office_id=target_office)
    tables["events"].append(rekey.closing_event(tables, event, target_key))
    target = dataclasses.replace(ctx, signer=EventSigner(target_key), secret_key=target_key,
                                 office_id=target_office, _views={}, _frame=None)
    content, counts = backup.write_workbook(target, tables, blobs, True)
    record = ctx.event(actor, MOVED_OUT, "office", ctx.office_id,
                       after={**after, "sha256_cadangan": hashlib.sha256(content).hexdigest()})
    return MoveOut(content, counts, target_office, record)


def close_moved_out(ctx: AppContext, done: MoveOut) -> None:
    """Once the file is stored: the move recorded here and the office closed in this deployment, in one
    transaction, so it lives on in one place only. Its users no longer log in, nothing is written for it but by
    the deployment's operator, Rekap Kantor leaves it out; its rows stay, read-only, as the archive of its time
    here. An office moved out again (the operator's second copy) keeps the date it first left."""
    if ctx.moved_out():
        ctx.register.append_event(done.record)
        return
    ctx.register.save_settings(ctx.office_id, {MOVED_OUT_KEY: ctx.today().isoformat()}, done.record)


# -- checks ------------------------------------------------------------------------------------
def _verified(ctx: AppContext, data: bytes, key: bytes) -> backup.Verified:
    """The backup read back and checked in full with the source register's key (as a restore checks it),
    and its rows against the write ledger its events carry."""
    source = dataclasses.replace(ctx, signer=EventSigner(key), secret_key=key, _views={}, _frame=None)
    try:
        found = backup.read_verified(source, data)
    except SidipError as err:
        raise SidipError(f"Kantor tidak dipindahkan: {err}") from None
    if found.meta["schema"] not in backup.SIGNED:
        raise SidipError(f"Kantor tidak dipindahkan: cadangan format {found.meta['schema']} tidak membawa tanda "
                         "tangan baris. Buat cadangan baru dengan SIDIP terbaru di register asal.")
    problems = rekey.ledger_problems(found.tables, key)
    if problems:
        raise SidipError(f"Kantor tidak dipindahkan: baris cadangan tidak cocok dengan catatan tulisnya "
                         f"({'; '.join(problems[:5])}). Periksa register asal dengan python -m lib.cli doctor.")
    return found


def _single_office(found: backup.Verified) -> str:
    offices = rekey.offices_in(found.tables)
    if len(offices) != 1 or found.meta.get("office_id") not in ("", offices[0]):
        raise SidipError(f"Kantor tidak dipindahkan: cadangan harus memuat tepat satu kantor (memuat "
                         f"{', '.join(offices) or 'tidak ada'}).")
    return offices[0]


def _deployment(ctx: AppContext) -> Register:
    """The whole deployment's register, for what must be unique across it (office codes, usernames); the
    office views of PostgreSQL see only their own rows."""
    return ctx.register.scoped(frozenset({tree.ALL}), frozenset({tree.ALL}))


def _place(ctx: AppContext, code: str, name: str) -> str:
    """The new office's level under ctx's office; refused when its code is taken or the parent has no children."""
    deployment = _deployment(ctx)
    offices = tree.from_settings(deployment.directory(tree.DIRECTORY_KEYS))
    errors = tree.check_new(offices, ctx.office_id, code, name)
    if not errors and deployment.settings(code):
        errors["code"] = f"Kode kantor {code} sudah dipakai."
    if errors:
        raise ValidationError(errors)
    return tree.CHILD_LEVEL[tree.by_id(offices)[ctx.office_id].level]


def _usernames(ctx: AppContext, usernames: list[str], prefix: str) -> dict[str, str]:
    names = rekey.renamed_users(usernames, clean_text(prefix), TEXT_LIMITS["username"])
    taken = {u.username for u in _deployment(ctx).list_users()}
    clashes = [names.get(u, u) for u in usernames if names.get(u, u) in taken]
    if clashes:
        hint = ("Pakai awalan lain." if prefix else "Pindahkan dengan awalan nama pengguna untuk kantor ini "
                "(--awalan-pengguna AWALAN: admin menjadi AWALAN.admin).")
        raise SidipError(f"Nama pengguna sudah dipakai di deployment ini: {', '.join(clashes)}. {hint}")
    return names


def _store_files(child: AppContext, tables: dict, blobs: dict[str, bytes]) -> None:
    """The carried files into the deployment's store under the new office; the rows name where they went."""
    moved = backup_files.put_back(child, tables["attachments"], blobs)
    signer = codec.RowSigner(child.secret_key)
    tables["attachments"] = [signer.signed("attachments", {**row, "storage_ref": moved[row["id"]]})
                             if row["id"] in moved else row for row in tables["attachments"]]


def _local_ref(ref: str, office_id: str, target: str) -> str:
    """A local store's ref names its office's folder: the target's restore puts the bytes under its own."""
    return f"{target}/{ref[len(office_id) + 1:]}" if ref.startswith(f"{office_id}/") else ref


def _counts(tables: dict) -> dict[str, int]:
    return {table: len(rows) for table, rows in tables.items()}
