"""The audit log's chain head, kept outside the log (in backups and published versions) and checked against it.

The log alone cannot show that its last events were deleted: every remaining MAC still holds. A head
written elsewhere (how many events, the last one's id, the digest of them all, signed with the register
key) can: ``doctor`` and a restore compare the log with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lib.domain import audit
from lib.domain.models import Actor, Event, Version
from lib.errors import SidipError
from lib.services.context import AppContext
from lib.store import codec

HEAD_FILE = "jejak-audit.txt"
META_PREFIX = "chain."


@dataclass(frozen=True)
class HeadCheck:
    """One comparison doctor makes: what it compared with, and what was wrong (nothing = clean)."""
    source: str
    head: audit.ChainHead | None
    problems: list[str]


def published_events(ctx: AppContext, version: Version) -> list[Event]:
    """The office's log as the version's files saw it: for an uploaded version, up to its upload event
    (the files were rendered just before it); otherwise the log as it stands now."""
    events = ctx.register.events(ctx.office_id)
    uploads = [n for n, e in enumerate(events) if e.action == "dip_diunggah" and e.entity_id == version.id]
    return events[:uploads[-1]] if uploads and version.status == "diunggah" else events


def published_head_file(ctx: AppContext, version: Version) -> bytes:
    head = audit.head_of(published_events(ctx, version), ctx.office_id)
    return (audit.render_head(head, ctx.signer) + "\n").encode("ascii")


# -- backups --------------------------------------------------------------------------------
def meta_rows(ctx: AppContext, event_rows: list[dict[str, str]]) -> list[list[str]]:
    """``chain.<office>`` rows for a backup's meta sheet: one head per office the events sheet holds."""
    events = [codec.from_row(Event, row) for row in event_rows]
    offices = dict.fromkeys(e.office_id for e in events)
    return [[f"{META_PREFIX}{office}", audit.render_head(audit.head_of(events, office), ctx.signer)]
            for office in offices]


def check_backup_events(ctx: AppContext, meta: dict[str, str], event_rows: list[dict[str, str]]) -> None:
    """A restore refuses an events sheet that does not reach every office's head (a cut sheet, even with its
    row count edited to match)."""
    events = [codec.from_row(Event, row) for row in event_rows]
    problems = []
    for office in dict.fromkeys(e.office_id for e in events):
        line = meta.get(f"{META_PREFIX}{office}")
        if not line:
            problems.append(f"kepala jejak audit kantor {office} tidak ada di lembar _sidip")
            continue
        problems += audit.check_head(events, _parsed(ctx, line, office))
    if problems:
        raise SidipError("Cadangan tidak dipulihkan: " + "; ".join(problems) + ".")


def _parsed(ctx: AppContext, line: str, office: str) -> audit.ChainHead:
    head = audit.parse_head(line, ctx.signer)
    if head.office_id != office:
        raise SidipError(f"Kepala jejak audit chain.{office} mencatat kantor lain ({head.office_id}).")
    return head


def pending_backup_event(ctx: AppContext, actor: Actor, tables: dict[str, list[dict[str, str]]]) -> Event:
    """The backup's own event, signed as the register would append it now, and put in the dumped events;
    it enters the register only once the file is stored (``record_backup``)."""
    event = ctx.event(actor, "cadangan_dibuat", "register", ctx.office_id, note="Cadangan XLSX seluruh register")
    mine = [row["id"] for row in tables.get("events", []) if row.get("office_id") == ctx.office_id]
    event.prev_id = mine[-1] if mine else ""
    event.mac = ctx.signer.sign(event)
    tables.setdefault("events", []).append(codec.to_row(event))
    return event


def record_backup(ctx: AppContext, event: Event) -> Event:
    """Call once the backup's bytes are safely stored or handed over: a failed backup leaves no record."""
    return ctx.register.append_event(event)


# -- doctor ---------------------------------------------------------------------------------
def check_published(ctx: AppContext) -> HeadCheck:
    """The head of the current folder publication (terkini.txt -> folder -> jejak-audit.txt)."""
    root = Path(ctx.publish_dir)
    try:
        slug = (root / "terkini.txt").read_text("utf-8").strip()
        path = root / slug / HEAD_FILE
        line = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return HeadCheck(f"{root} (belum ada terbitan dengan {HEAD_FILE})", None, [])
    return _check_line(ctx, str(path), line)


def check_backup_file(ctx: AppContext, path: Path, meta: dict[str, str]) -> HeadCheck:
    """The log now against the head of this office in a backup's meta sheet."""
    line = meta.get(f"{META_PREFIX}{ctx.office_id}")
    if not line:
        return HeadCheck(str(path), None, [f"cadangan {path} tidak memuat kepala jejak audit kantor {ctx.office_id}"])
    return _check_line(ctx, str(path), line)


def _check_line(ctx: AppContext, source: str, line: str) -> HeadCheck:
    try:
        head = audit.parse_head(line, ctx.signer)
    except SidipError as err:
        return HeadCheck(source, None, [str(err)])
    return HeadCheck(source, head, audit.check_head(ctx.register.events(head.office_id), head))
