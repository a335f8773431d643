"""python -m lib.cli doctor: the audit chain, its heads kept outside the log, the Sheet's own checks and the
stored files against their recorded hashes."""
from __future__ import annotations

import hashlib

from lib.errors import SidipError
from lib.services.context import AppContext
from lib.store.drivestore import DriveUnavailable


def cmd_doctor(ctx: AppContext, args) -> int:
    from lib.domain.audit import verify_chain
    report = verify_chain(ctx.register.events(ctx.office_id), ctx.signer)
    print(f"Kunci rahasia: {ctx.key_source}")
    print(f"Jejak audit: {report.total} peristiwa; MAC tidak sah: {len(report.bad_mac)}; "
          f"pendahulu hilang: {len(report.missing_prev)}; urutan tidak sah: {len(report.out_of_order)}; "
          f"cabang penulisan bersamaan: {len(report.forks)}")
    for label, ids in (("MAC tidak sah", report.bad_mac), ("pendahulu hilang", report.missing_prev),
                       ("menyebut pendahulu yang tercatat sesudahnya", report.out_of_order)):
        for event_id in ids:
            print(f"  {label}: {event_id}")
    heads_ok = all([_print_head_check(check) for check in _head_checks(ctx, args)])
    problems = _sheet_problems(ctx.register)
    for line in problems:
        print(f"  {line}")
    broken = _file_problems(ctx)
    return 0 if report.ok and heads_ok and not problems and not broken else 1


def _file_problems(ctx: AppContext) -> list[str]:
    """Every stored file of the office, current and replaced, against the SHA-256 its record holds."""
    store = ctx.file_store()
    attachments = ctx.register.list_attachments(ctx.office_id)
    found = [(att, _stored_hash(store, att.storage_ref)) for att in attachments]
    missing = [att for att, sha in found if sha is None]
    changed = [(att, sha) for att, sha in found if sha is not None and sha != att.sha256]
    print(f"Berkas tersimpan ({store.describe()}): {len(attachments)}; hilang: {len(missing)}; "
          f"isinya berubah: {len(changed)}")
    lines = [f"hilang: {_named(att)} tidak ada di penyimpanan" for att in missing]
    lines += [f"isinya berubah: {_named(att)}: sidik SHA-256 tercatat {att.sha256[:16]}…, isi sekarang "
              f"{sha[:16]}…" for att, sha in changed]
    for line in lines:
        print(f"  {line}")
    return lines


def _named(att) -> str:
    return f"\"{att.filename}\" (berkas {att.id}, informasi {att.item_id}, {att.status})"


def _stored_hash(store, ref: str) -> str | None:
    """The SHA-256 of the bytes the store holds under ``ref``, None when it holds none. Drive reports the
    hash it computed itself, so nothing is downloaded there."""
    try:
        computed = getattr(store, "content_sha256", None)
        known = computed(ref) if computed else None
        if known:
            return known
        if not store.exists(ref):
            return None
        return hashlib.sha256(store.get(ref)).hexdigest()
    except DriveUnavailable:
        raise  # Drive not answering is not a missing file: say so, do not guess
    except SidipError:
        return None


def _head_checks(ctx: AppContext, args):
    """The log against the head of the latest folder publication, and of a backup when one is given."""
    from pathlib import Path
    from lib.services import audit_trail, backup
    yield audit_trail.check_published(ctx)
    if getattr(args, "backup", None):
        path = Path(args.backup)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise SidipError(f"Berkas {path} tidak dapat dibaca ({err.strerror}).") from err
        yield audit_trail.check_backup_file(ctx, path, backup.read_meta(data))


def _print_head_check(check) -> bool:
    if check.head is None and not check.problems:
        print(f"Kepala jejak audit terbitan: tidak diperiksa: {check.source}")
        return True
    what = (f" (kantor {check.head.office_id}, {check.head.count} peristiwa, terakhir {check.head.last_id})"
            if check.head else "")
    print(f"Kepala jejak audit {check.source}{what}: {'TIDAK COCOK' if check.problems else 'cocok'}")
    for line in check.problems:
        print(f"  {line}")
    return not check.problems


def _sheet_problems(register) -> list[str]:
    """Every table's rows changed outside SIDIP (both registers); on Google Sheets also missing tabs or
    headers and older rows pasted back or deleted (users are refused at login, versions read as last
    written, items' edits recorded in the audit log, other tabs' edited rows not used)."""
    schema = register.schema_problems() if hasattr(register, "schema_problems") else []
    return schema + register.integrity_problems()
