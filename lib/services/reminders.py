"""Deadline reminders: daily e-mail digests per unit and for the PPID/Atasan, and WhatsApp texts."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote

from lib.domain.models import Actor
from lib.domain.workdays import format_date_id
from lib.errors import SidipError, WorkflowError
from lib.services import items
from lib.services.context import AppContext, require_role
from lib.services.items import ItemView

OPEN = ("diminta", "dikembalikan")
FOOTER = "Pesan ini dikirim otomatis oleh SIDIP ({office}). Mohon tidak membalas surel ini."


@dataclass(frozen=True)
class Digest:
    to: str
    subject: str
    body: str
    unit: str = ""  # the unit it reminds; "" for the PPID/Atasan summary


@dataclass
class SendReport:
    sent: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, Indonesian message)


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


# -- what is due ----------------------------------------------------------------------------
def _urgency(view: ItemView, soon: int) -> str:
    """'terlambat', 'segera' (due within `soon` working days) or '' (nothing to remind)."""
    if view.item.status not in OPEN or view.days_left is None:
        return ""
    if view.overdue:
        return "terlambat"
    return "segera" if view.days_left <= soon else ""


def _due(view: ItemView):
    live = view.correction or view.deadline
    return live.due if live else None


def _days_text(view: ItemView) -> str:
    if view.overdue:
        return f"terlambat {-view.days_left} hari kerja"
    return "batas hari ini" if view.days_left == 0 else f"sisa {view.days_left} hari kerja"


def _line(view: ItemView, with_unit: bool = False) -> str:
    returned = " (dikembalikan untuk diperbaiki)" if view.item.status == "dikembalikan" else ""
    unit = f" — {view.item.unit}" if with_unit else ""
    return (f"- {view.item.judul}{returned}{unit} — batas {format_date_id(_due(view))}"
            f" — {_days_text(view)}")


def _by_urgency(views: list[ItemView], soon: int) -> dict[str, list[ItemView]]:
    groups: dict[str, list[ItemView]] = {"terlambat": [], "segera": []}
    for view in sorted(views, key=lambda v: (v.days_left, v.item.judul)):
        kind = _urgency(view, soon)
        if kind:
            groups[kind].append(view)
    return groups


# -- digests --------------------------------------------------------------------------------
def build_digests(ctx: AppContext, actor: Actor) -> list[Digest]:
    """Today's e-mails: one per unit with something late or due soon, then the PPID/Atasan summary."""
    require_role(ctx, actor, "ppid", "admin")
    settings = ctx.settings()
    soon = int(settings["due_soon_days"])
    views = items.visible_items(ctx, actor, OPEN)
    units = json.loads(settings["unit_emails"] or "{}")
    digests = [_unit_digest(ctx, unit, address, [v for v in views if v.item.unit == unit], soon)
               for unit, address in units.items()]
    return [d for d in digests if d] + _summary_digests(ctx, actor, views, soon)


def _unit_digest(ctx: AppContext, unit: str, address: str, views: list[ItemView],
                 soon: int) -> Digest | None:
    groups = _by_urgency(views, soon)
    if not any(groups.values()):
        return None
    today, office = format_date_id(ctx.today()), ctx.settings()["office_name"]
    body = [f"Yth. {unit},", "",
            f"Per {today}, informasi berikut yang diminta PPID {office} mendekati atau sudah "
            "melewati batas waktu penyerahan:", ""]
    body += _sections(groups, soon)
    body += ["Mohon segera diserahkan melalui SIDIP.", "", FOOTER.format(office=office)]
    return Digest(address, f"[SIDIP] Pengingat tenggat — {unit} — {today}", "\n".join(body), unit)


def _sections(groups: dict[str, list[ItemView]], soon: int) -> list[str]:
    titles = {"terlambat": "Terlambat:", "segera": f"Segera jatuh tempo (dalam {soon} hari kerja):"}
    lines: list[str] = []
    for kind, views in groups.items():
        if views:
            lines += [titles[kind], *(_line(v) for v in views), ""]
    return lines


def _summary_digests(ctx: AppContext, actor: Actor, views: list[ItemView], soon: int) -> list[Digest]:
    settings = ctx.settings()
    today = format_date_id(ctx.today())
    body = _summary_body(ctx, actor, views, soon)
    subject = f"[SIDIP] Ringkasan harian — {today}"
    recipients = [(settings["ppid_email"], settings["ppid_position"] or "PPID"),
                  (settings["atasan_email"], settings["atasan_position"] or "Atasan PPID")]
    seen, out = set(), []
    for address, title in recipients:
        if address and address not in seen:
            seen.add(address)
            out.append(Digest(address, subject, f"Yth. {title},\n\n{body}"))
    return out


def _summary_body(ctx: AppContext, actor: Actor, views: list[ItemView], soon: int) -> str:
    office = ctx.settings()["office_name"]
    lines = [f"Ringkasan SIDIP {office} per {format_date_id(ctx.today())}.", "",
             f"Tenggat penyerahan per unit (terlambat / segera jatuh tempo dalam {soon} hari kerja):"]
    lines += _unit_counts(ctx, views, soon) + [""] + _waiting_counts(ctx, actor)
    return "\n".join(lines + ["", FOOTER.format(office=office)])


def _unit_counts(ctx: AppContext, views: list[ItemView], soon: int) -> list[str]:
    units = ctx.units() + sorted({v.item.unit for v in views} - set(ctx.units()))
    lines = []
    for unit in units:
        groups = _by_urgency([v for v in views if v.item.unit == unit], soon)
        if any(groups.values()):
            lines.append(f"- {unit}: {len(groups['terlambat'])} terlambat, "
                         f"{len(groups['segera'])} segera jatuh tempo")
    return lines or ["- Tidak ada yang terlambat atau segera jatuh tempo."]


def _waiting_counts(ctx: AppContext, actor: Actor) -> list[str]:
    waiting = len(items.visible_items(ctx, actor, ("diajukan",)))
    statuses = [v.status for v in ctx.register.list_versions(ctx.office_id)]
    return [f"Menunggu klasifikasi PPID: {waiting} informasi",
            f"Menunggu persetujuan Atasan PPID: {statuses.count('ditetapkan')} versi DIP",
            f"Menunggu unggah: {statuses.count('disetujui')} versi DIP"]


# -- WhatsApp -------------------------------------------------------------------------------
def whatsapp_text(view: ItemView, office_name: str) -> str:
    """The same reminder for one open request, to paste or send via wa.me."""
    if view.item.status not in OPEN or view.days_left is None:
        raise WorkflowError("Informasi ini tidak sedang menunggu penyerahan; tidak ada yang perlu diingatkan.")
    returned = " (dikembalikan untuk diperbaiki)" if view.item.status == "dikembalikan" else ""
    return "\n".join([f"Pengingat SIDIP — PPID {office_name}",
                      f"Informasi: {view.item.judul}{returned}",
                      f"Unit: {view.item.unit}",
                      f"Batas waktu: {format_date_id(_due(view))}",
                      f"Status: {_days_text(view)}",
                      "Mohon segera diserahkan melalui SIDIP."])


def whatsapp_link(text: str) -> str:
    return "https://wa.me/?text=" + quote(text)


# -- sending --------------------------------------------------------------------------------
def send_digests(ctx: AppContext, actor: Actor, digests: list[Digest], mailer: Mailer) -> SendReport:
    """Send each digest; one recipient failing does not stop the others. One audit event at the end."""
    require_role(ctx, actor, "ppid", "admin")
    report, delivered = SendReport(), []
    for digest in digests:
        error = _send_one(mailer, digest)
        if error:
            report.failed.append((digest.to, error))
        else:
            report.sent += 1
            delivered.append(digest.to)
    _record(ctx, actor, report, delivered)
    return report


def _send_one(mailer: Mailer, digest: Digest) -> str:
    """'' when delivered, else the reason in Indonesian."""
    try:
        mailer.send(digest.to, digest.subject, digest.body)
    except SidipError as err:
        return err.message
    except OSError as err:  # a mailer that does not translate its connection errors
        return f"Gagal mengirim surel: {err.__class__.__name__}"
    return ""


def _record(ctx: AppContext, actor: Actor, report: SendReport, delivered: list[str]) -> None:
    note = "; ".join(f"{to}: {message}" for to, message in report.failed)
    after = {"terkirim": report.sent, "gagal": len(report.failed), "penerima": delivered}
    ctx.register.append_event(ctx.event(actor, "pengingat_dikirim", "reminder", ctx.today().isoformat(),
                                        after=after, note=note[:2000]))
