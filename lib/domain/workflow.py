"""The SOP as state machines with a permission table, and the 5-working-day clock.

Items: PPID opens a request -> desk submits (or submits unprompted) -> PPID classifies, or
returns it with a reason -> desk fixes and resubmits. Versions: draf -> ditetapkan ->
disetujui -> diunggah, with the Atasan PPID able to send an established version back to draf.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lib.domain.models import ROLES, Actor, Item
from lib.domain.workdays import DeadlineExplanation, WorkCalendar
from lib.errors import PermissionDenied, WorkflowError


@dataclass(frozen=True)
class Transition:
    roles: frozenset[str]
    sources: frozenset[str | None]
    target: str
    label: str  # Indonesian verb phrase for messages and the audit log


def _t(roles, sources, target, label) -> Transition:
    return Transition(frozenset(roles), frozenset(sources), target, label)


ITEM_TRANSITIONS: dict[str, Transition] = {
    "open_request": _t({"ppid"}, {None}, "diminta", "membuka permintaan informasi"),
    "submit": _t({"desk"}, {None, "diminta"}, "diajukan", "mengajukan informasi"),
    "resubmit": _t({"desk"}, {"dikembalikan"}, "diajukan", "mengajukan ulang perbaikan"),
    "return": _t({"ppid"}, {"diajukan"}, "dikembalikan", "mengembalikan informasi untuk diperbaiki"),
    "classify": _t({"ppid"}, {"diajukan", "diklasifikasi"}, "diklasifikasi",
                   "mengklasifikasi dan mendokumentasikan informasi"),
    "mark_refreshed": _t({"ppid"}, {"diklasifikasi"}, "diklasifikasi",
                         "menandai informasi sudah dimutakhirkan"),
    "withdraw": _t({"ppid"}, {"diminta", "diajukan", "dikembalikan", "diklasifikasi"}, "ditarik",
                   "menarik informasi dari daftar"),
}

VERSION_TRANSITIONS: dict[str, Transition] = {
    "create": _t({"ppid"}, {None}, "draf", "membuat versi DIP"),
    "edit": _t({"ppid"}, {"draf"}, "draf", "mengubah draf versi DIP"),
    "establish": _t({"ppid"}, {"draf"}, "ditetapkan", "menetapkan DIP"),
    "approve": _t({"atasan"}, {"ditetapkan"}, "disetujui", "menyetujui dan memerintahkan unggah DIP"),
    "send_back": _t({"atasan"}, {"ditetapkan"}, "draf", "mengembalikan DIP ke draf"),
    "upload": _t({"desk", "ppid"}, {"disetujui", "diimpor"}, "diunggah", "mengunggah DIP ke website PPID"),
    "import": _t({"ppid"}, {None}, "diimpor", "mencatat DIP lama sebagai versi historis"),
}


def check_transition(table: dict[str, Transition], action: str, actor: Actor,
                     state: str | None) -> str:
    """Return the target state, or raise: wrong role first, then wrong state."""
    rule = table[action]
    if not actor.roles & rule.roles:
        allowed = " atau ".join(ROLES[r] for r in sorted(rule.roles))
        raise PermissionDenied(f"Hanya {allowed} yang boleh {rule.label}.")
    if state not in rule.sources:
        shown = state or "belum ada"
        raise WorkflowError(f"Tidak dapat {rule.label}: status saat ini \"{shown}\".")
    return rule.target


def check_unit(actor: Actor, item: Item) -> None:
    """A desk officer acts for their own unit only; the PPID acts for every unit."""
    if actor.has("ppid") or actor.has("admin"):
        return
    if actor.unit != item.unit:
        raise PermissionDenied(f"Informasi ini milik unit {item.unit}; Anda hanya dapat "
                               f"menangani informasi unit {actor.unit or '(belum ditetapkan)'}.")


@dataclass(frozen=True)
class ClockSettings:
    sla_days: int = 5
    correction_days: int = 5
    count_from_next_day: bool = True


def clock_start(item: Item) -> date | None:
    """The 5-day clock runs from the request, or from the date the information came into being."""
    return item.requested_on or item.info_created_on


def deadline(item: Item, cal: WorkCalendar, clock: ClockSettings) -> DeadlineExplanation | None:
    start = clock_start(item)
    if start is None:
        return None
    return cal.explain(start, clock.sla_days, clock.count_from_next_day)


def correction_deadline(item: Item, cal: WorkCalendar,
                        clock: ClockSettings) -> DeadlineExplanation | None:
    if item.status != "dikembalikan" or item.returned_on is None:
        return None
    return cal.explain(item.returned_on, clock.correction_days, clock.count_from_next_day)


def judge_first_submission(item: Item, today: date, cal: WorkCalendar,
                           clock: ClockSettings) -> dict:
    """Close the request's clock at the first submission and keep the calendar that judged it."""
    explained = deadline(item, cal, clock)
    if explained is None:
        return {"clock_result": "tanpa_tenggat", "submitted_on": today}
    result = "tepat_waktu" if today <= explained.due else "terlambat"
    return {"clock_result": result, "submitted_on": today, "judged_due_on": explained.due,
            "judged_calendar": cal.fingerprint}


def open_request(actor: Actor, item: Item, today: date) -> Item:
    check_transition(ITEM_TRANSITIONS, "open_request", actor, None)
    return item.replace(status="diminta", requested_by=actor.username, requested_on=today,
                        created_by=actor.username)


def submit(actor: Actor, item: Item, fields: dict, today: date, cal: WorkCalendar,
           clock: ClockSettings, is_new: bool = False) -> Item:
    action = "resubmit" if item.status == "dikembalikan" else "submit"
    check_transition(ITEM_TRANSITIONS, action, actor, None if is_new else item.status)
    check_unit(actor, item)
    updated = item.replace(status="diajukan", submitted_by=actor.username, **fields)
    if action == "resubmit":
        return updated.replace(resubmitted_on=today)
    return updated.replace(**judge_first_submission(updated, today, cal, clock))


def return_item(actor: Actor, item: Item, reason: str, today: date) -> Item:
    check_transition(ITEM_TRANSITIONS, "return", actor, item.status)
    return item.replace(status="dikembalikan", return_reason=reason, returned_on=today)


def classify(actor: Actor, item: Item, fields: dict, today: date) -> Item:
    check_transition(ITEM_TRANSITIONS, "classify", actor, item.status)
    return item.replace(status="diklasifikasi", classified_by=actor.username,
                        classified_on=today, return_reason="", **fields)


def withdraw(actor: Actor, item: Item) -> Item:
    check_transition(ITEM_TRANSITIONS, "withdraw", actor, item.status)
    return item.replace(status="ditarik")


def mark_refreshed(actor: Actor, item: Item, today: date) -> Item:
    check_transition(ITEM_TRANSITIONS, "mark_refreshed", actor, item.status)
    return item.replace(refreshed_on=today)
