"""Settings and the holiday calendar (admin), and the audit log (Riwayat)."""
from __future__ import annotations

import csv
import re
import io
import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lib.domain.models import Actor, Event
from lib.domain.validation import check_length, clean_text, parse_date
from lib.domain.workdays import HolidayOverride
from lib.errors import ValidationError
from lib.services.context import DEFAULT_SETTINGS, AppContext, require_role

TEXT_SETTINGS = ("office_name", "office_address", "office_place", "ppid_name", "ppid_position",
                 "ppid_nip", "atasan_name", "atasan_position", "atasan_nip", "website_url")
INT_SETTINGS = {"sla_days": (1, 60), "correction_days": (1, 60), "session_idle_minutes": (5, 720),
                "update_cycle_months": (1, 60), "berkala_refresh_months": (1, 24), "due_soon_days": (1, 30),
                "exemption_warning_months": (1, 36), "batas_berkas_mb": (1, 200)}
FILE_SETTINGS = ("letterhead",)  # set by uploading the file (services.letterhead), never typed
LONG_TEXT_SETTINGS = {"ppid_appointment_decree": 600}
def __getattr__(name: str):
    """``DECREE_PLACEHOLDERS``, which the settings form lists, on first use: it lives beside the decree's
    PDF code, and reportlab should not load for every page that imports this module (Riwayat)."""
    if name == "DECREE_PLACEHOLDERS":
        from lib.export.decree_pdf import PLACEHOLDERS
        return PLACEHOLDERS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def get_settings(ctx: AppContext, actor: Actor) -> dict[str, str]:
    require_role(ctx, actor, "admin", "ppid", "atasan")
    return ctx.settings()


def update_settings(ctx: AppContext, actor: Actor, values: dict) -> dict[str, str]:
    require_role(ctx, actor, "admin")
    errors: dict[str, str] = {}
    clean = {k: _clean_setting(k, v, errors) for k, v in values.items()
             if k in DEFAULT_SETTINGS and k not in FILE_SETTINGS}
    if not json.loads(clean.get("units", '["x"]')):
        errors["units"] = "Isi minimal satu unit (satu per baris)."
    if clean.get("dik_induk") == "1":
        _check_parent(ctx, errors)
    if errors:
        raise ValidationError(errors)
    current = ctx.settings()
    changed = {k: v for k, v in clean.items() if current.get(k) != v}
    if changed:
        event = ctx.event(actor, "pengaturan_diubah", "settings", ctx.office_id,
                          before={k: current.get(k) for k in changed}, after=changed)
        ctx.register.save_settings(ctx.office_id, changed, event)
    return ctx.settings()


def _clean_setting(key: str, value, errors: dict[str, str]) -> str:
    if key in ("units", "legal_bases"):
        lines = value if isinstance(value, list) else str(value).split("\n")
        return json.dumps([clean_text(u)[:500] for u in lines if clean_text(u)], ensure_ascii=False)
    if key == "decree_template":
        text = clean_text(value)
        if len(text) > 8000:
            errors[key] = "Templat keputusan paling banyak 8.000 karakter."
        return text
    if key in LONG_TEXT_SETTINGS:
        return _long_text(key, value, errors)
    if key in INT_SETTINGS:
        return _int_setting(key, value, errors)
    if key == "timezone":
        return _timezone(value, errors)
    if key in ("ppid_email", "atasan_email"):
        return _email(key, value, errors)
    if key == "unit_emails":
        return _unit_emails(value, errors)
    if key in ("count_from_next_day", "publish_nip", "dik_induk"):
        return "1" if value in (True, "1", 1, "true") else "0"
    text = clean_text(value)
    if len(text) > 300:
        errors[key] = "Isian terlalu panjang (paling banyak 300 karakter)."
    return text


def _check_parent(ctx: AppContext, errors: dict[str, str]) -> None:
    from lib.services.parent_dik import parent_office
    if parent_office(ctx) is None:
        errors["dik_induk"] = "Kantor ini tidak berada di bawah kantor induk; tidak ada DIK induk untuk diadopsi."


def _long_text(key: str, value, errors: dict[str, str]) -> str:
    text = " ".join(clean_text(value).split())  # one citation: a line break typed in the box is a space
    if len(text) > LONG_TEXT_SETTINGS[key]:
        errors[key] = f"Isian terlalu panjang (paling banyak {LONG_TEXT_SETTINGS[key]} karakter)."
    return text


def _email(key: str, value, errors: dict[str, str]) -> str:
    text = clean_text(value)
    if text and not _EMAIL.match(text):
        errors[key] = f"Alamat surel tidak valid: \"{text[:60]}\"."
    return text


def _unit_emails(value, errors: dict[str, str]) -> str:
    """A mapping unit -> e-mail; typed as 'Unit = alamat@surel' one per line."""
    if isinstance(value, dict):
        pairs = value.items()
    else:
        pairs = [line.split("=", 1) for line in str(value).splitlines() if line.strip()]
    mapping = {}
    for pair in pairs:
        unit, address = (clean_text(p) for p in pair) if len(pair) == 2 else ("", "")
        if not unit or not _EMAIL.match(address):
            errors["unit_emails"] = "Tulis satu baris per unit: Nama Unit = alamat@surel."
            break
        mapping[unit] = address
    return json.dumps(mapping, ensure_ascii=False)


def _int_setting(key: str, value, errors: dict[str, str]) -> str:
    low, high = INT_SETTINGS[key]
    try:
        number = int(str(value).strip())
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        errors[key] = f"Isi angka antara {low} dan {high}."
    return str(number)


def _timezone(value, errors: dict[str, str]) -> str:
    name = clean_text(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = "Zona waktu tidak dikenal. Contoh: Asia/Jakarta, Asia/Makassar, Asia/Jayapura."
    return name


def set_holiday_override(ctx: AppContext, actor: Actor, day, kind: str, name: str = "",
                         remove: bool = False) -> None:
    """Add a day off ('libur'), make a holiday a working day ('kerja'), or drop an override."""
    require_role(ctx, actor, "admin")
    errors: dict[str, str] = {}
    when = parse_date(day, "tanggal", errors)
    text = clean_text(name)
    check_length("note", text, errors)
    if when is None and "tanggal" not in errors:
        errors["tanggal"] = "Tanggal wajib diisi."
    if kind not in ("libur", "kerja"):
        errors["kind"] = "Pilih jenis: hari libur tambahan atau hari kerja."
    if errors:
        raise ValidationError(errors)
    override = HolidayOverride(when, kind, text)
    action = "kalender_override_dihapus" if remove else "kalender_override_disimpan"
    event = ctx.event(actor, action, "calendar", when.isoformat(),
                      after={"tanggal": when.isoformat(), "jenis": kind, "nama": text})
    ctx.register.save_holiday_override(ctx.office_id, override, event, remove=remove)


def holiday_overrides(ctx: AppContext, actor: Actor) -> list[HolidayOverride]:
    require_role(ctx, actor, "admin", "ppid")
    return ctx.register.holiday_overrides(ctx.office_id)


# -- audit log --------------------------------------------------------------------------------
def audit_log(ctx: AppContext, actor: Actor, text: str = "", action: str = "",
              newest: int | None = None) -> list[Event]:
    """Newest first; at most ``newest`` events. A desk officer sees only the events of their own unit's
    items. Unfiltered, only the events shown are read from the register."""
    require_role(ctx, actor, "desk", "ppid", "atasan", "admin")
    whole = not (actor.roles & {"ppid", "atasan", "admin"}) or text or action
    events = list(reversed(ctx.register.events(ctx.office_id, None if whole else newest)))
    if not (actor.roles & {"ppid", "atasan", "admin"}):
        events = [e for e in events if e.entity == "item" and e.unit == actor.unit]
    if action:
        events = [e for e in events if e.action == action]
    if text:
        needle = text.lower()
        events = [e for e in events if needle in _searchable(e)]
    return events[:newest] if newest is not None else events


def _searchable(e: Event) -> str:
    return " ".join([e.actor, e.action, e.entity_id, e.unit, e.note, json.dumps(e.after or {}, default=str)]).lower()


def audit_csv(events: list[Event]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Waktu (UTC)", "Pengguna", "Peran", "Aksi", "Jenis", "Kode", "Unit", "Catatan",
                     "Sebelum", "Sesudah"])
    from lib.export.csv_export import neutralise
    for e in events:
        cells = [e.at, e.actor, e.role, e.action, e.entity, e.entity_id, e.unit, e.note,
                 json.dumps(e.before, ensure_ascii=False, default=str) if e.before else "",
                 json.dumps(e.after, ensure_ascii=False, default=str) if e.after else ""]
        writer.writerow([neutralise(str(c)) for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
