"""Rekap Kantor: what a pemantau watches across the offices below its own, one row per office.

Each figure keeps the definition the office's own dashboard and Kelengkapan page use (lib.domain.metrics,
lib.services.dashboard, lib.services.completeness). What an office holds is read through its read-only
monitor view (lib.services.offices.monitor_views); its items, the one large read, come in one query for all
the monitored offices through a register scoped to exactly them and read-only, so on PostgreSQL the database
itself shows nothing else. Offices that share a calendar, clock and date are judged in one vectorised pass.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd

from lib.domain import metrics
from lib.domain.models import Actor
from lib.domain.offices import Office
from lib.domain.versions import EXEMPTION_TERMS
from lib.domain.workdays import WorkCalendar
from lib.domain.workflow import ClockSettings
from lib.services import completeness, dashboard, offices
from lib.services.context import DEFAULT_SETTINGS, AppContext, clock_of, require_role

COLUMNS = ["Kantor", "Kode", "Tingkat", "Provinsi", "Tepat waktu (%)", "Lewat tenggat", "Status DIP",
           "Hari sejak diunggah", "Kelengkapan (%)", "Berkala belum dimutakhirkan",
           "Pengecualian segera berakhir", "office_id"]
# Only what the figures read: the on-time clock, the berkala refresh and the obligations met.
FRAME_COLUMNS = ("id", "status", "kategori", "requested_on", "info_created_on", "submitted_on", "judged_due_on",
                 "classified_on", "refreshed_on", "kewajiban")


# What counting ending exemptions reads of a frozen exempt row: what versions.exemption_ends reads, which the
# registers keep beside each row (a few bytes, not the whole row).
DIK_FIELDS = EXEMPTION_TERMS


@dataclass(frozen=True)
class _Rules:
    """What judging an office's items depends on besides the items: offices equal here share one pass."""
    calendar: tuple
    clock: ClockSettings
    today: date
    soon_days: int
    berkala_months: int


@dataclass
class _Office:
    office: Office
    view: AppContext
    settings: dict
    rules: _Rules
    versions: list


def rollup(ctx: AppContext, actor: Actor, period: str = "30h") -> pd.DataFrame:
    """One row per office below the pemantau's (COLUMNS, Indonesian names plus ``office_id``), nearest first;
    on-time rate over ``period`` (dashboard.PERIODS) as on each office's dashboard."""
    require_role(ctx, actor, *offices.MONITOR_ROLES)
    views = [(o, view) for o, view in offices.monitor_views(ctx, actor) if not o.moved_out]
    if not views:
        return pd.DataFrame(columns=COLUMNS)
    ids = frozenset(o.id for o, _ in views)
    scoped = ctx.register.scoped(ids, frozenset())  # read-only, exactly the monitored offices
    settings, holidays = scoped.offices_settings(ids), scoped.offices_holidays(ids)
    versions = scoped.offices_versions(ids)
    watched = [_read(o, view, settings[o.id], holidays[o.id], versions[o.id]) for o, view in views]
    since = min(dashboard.window_for(period, w.rules.today).start for w in watched).isoformat()
    # The database counts stale items and reads exempt rows while this thread reads and judges the items.
    with ThreadPoolExecutor(max_workers=2) as pool:
        stale = pool.submit(_stale_counts, scoped, watched)
        ending = pool.submit(_exemptions_ending, scoped, watched)
        frame = scoped.rollup_item_frame(ids, FRAME_COLUMNS, since)
        judged = _judge(watched, frame, period, stale.result())
        ending = ending.result()
    parents = {o.id: o for o in offices.all_offices(ctx)}
    return pd.DataFrame([_row(w, judged[w.office.id], ending.get(w.office.id, 0), parents) for w in watched],
                        columns=COLUMNS)


def moved_out(ctx: AppContext, actor: Actor) -> list[Office]:
    """Offices below the pemantau's own that moved out of the deployment: closed here, so not in the roll-up
    (their register lives on elsewhere); named beside it so none vanishes unexplained."""
    return [o for o in offices.monitored(ctx, actor) if o.moved_out]


def revision(ctx: AppContext, actor: Actor) -> str:
    """What the roll-up's cache keys on: the newest write in any office below the pemantau's (a request
    answered in a regency shows in the national roll-up on its next view)."""
    require_role(ctx, actor, *offices.MONITOR_ROLES)
    ids = frozenset(o.id for o in offices.monitored(ctx, actor))
    return ctx.register.scoped(ids, frozenset()).revision_of(ids)


def _read(office: Office, view: AppContext, stored: dict, holidays: list, versions: list) -> _Office:
    s = {**DEFAULT_SETTINGS, **stored}
    overrides = tuple(sorted(holidays, key=lambda o: o.sort_key()))
    rules = _Rules(overrides, clock_of(s), view.today_for(s), int(s["due_soon_days"]), int(s["berkala_refresh_months"]))
    return _Office(office, view, s, rules, versions)


def _stale_counts(scoped, watched: list[_Office]) -> dict[str, int]:
    """office -> stale berkala items (metrics.stale_berkala's rule), counted by the database: per group of
    offices sharing a date and a refresh cycle, one statement."""
    groups: dict[tuple, set] = {}
    for w in watched:
        groups.setdefault((w.rules.today, w.rules.berkala_months), set()).add(w.office.id)
    counts: dict[str, int] = {}
    for (today, months), ids in groups.items():
        limit = (pd.Timestamp(today) - pd.DateOffset(months=months)).date().isoformat()
        counts.update(scoped.stale_berkala_counts(frozenset(ids), limit))
    return counts


def _judge(watched: list[_Office], frame: pd.DataFrame, period: str, stale: dict[str, int]) -> dict[str, dict]:
    """office id -> the item-based figures, one vectorised pass per group of offices sharing their rules."""
    groups: dict[_Rules, list[_Office]] = {}
    for w in watched:
        groups.setdefault(w.rules, []).append(w)
    links = completeness.links_by_office(frame)
    out: dict[str, dict] = {}
    for rules, members in groups.items():
        raw = frame[frame["office_id"].isin([w.office.id for w in members])]
        out.update(_judge_group(rules, raw, members, period, links, stale))
    return out


def _judge_group(rules: _Rules, raw: pd.DataFrame, members: list[_Office], period: str,
                 links: dict, stale: dict[str, int]) -> dict[str, dict]:
    df = metrics.prepare(raw).assign(office_id=raw["office_id"].to_numpy())
    req = metrics.requests(df, _calendar(rules.calendar), rules.clock, rules.today, rules.soon_days)
    window = dashboard.window_for(period, rules.today)
    rate, overdue = metrics.on_time_rate_by(req, window, "office_id"), metrics.overdue_by(req, "office_id")
    # Stale items among those meeting an obligation (all of them are in the frame) lower the coverage; the
    # count of every stale item comes from the database.
    stale_ids = metrics.stale_berkala(df, rules.today, rules.berkala_months).groupby("office_id")["id"].agg(set).to_dict()
    return {w.office.id: {"rate": rate.get(w.office.id), "overdue": int(overdue.get(w.office.id, 0)),
                          "stale": int(stale.get(w.office.id, 0)),
                          "coverage": _coverage(w.settings, links.get(w.office.id), stale_ids.get(w.office.id))}
            for w in members}


def _coverage(settings: dict, links: dict | None, stale_ids: set | None) -> float | None:
    changes = settings.get(completeness.SETTINGS_KEY, "{}")
    if not links:  # nothing met: the same share for every office keeping the same list
        return _nothing_met(changes)
    return completeness.share_met(_obligations_of(changes), links, stale_ids or set())


@lru_cache(maxsize=64)
def _obligations_of(changes: str) -> tuple:
    """Most offices keep the default list: it is built once per distinct list of changes."""
    return tuple(completeness.obligations_of(changes))


@lru_cache(maxsize=64)
def _nothing_met(changes: str) -> float | None:
    return completeness.share_met(_obligations_of(changes), {}, set())


@lru_cache(maxsize=64)
def _calendar(overrides: tuple) -> WorkCalendar:
    """One calendar per distinct set of an office's holiday changes (most offices have the same)."""
    return WorkCalendar(overrides)


def _exemptions_ending(scoped, watched: list[_Office]) -> dict[str, int]:
    """office id -> exemptions of its latest decree ending within its warning months (the dashboard's tab)."""
    latest = {w.office.id: dashboard.latest_decreed(w.versions) for w in watched}
    records = _dik_records(scoped, [v for v in latest.values() if v is not None])
    rows = [{**r, "office_id": w.office.id, "today": w.rules.today, "months": int(w.settings["exemption_warning_months"])}
            for w in watched if latest[w.office.id] is not None for r in records[latest[w.office.id].id]]
    if not rows:
        return {}
    frame = pd.DataFrame(rows).assign(ends=lambda d: pd.to_datetime(d["ends"]))
    counts: dict[str, int] = {}
    for (today, months), dik in frame.groupby(["today", "months"]):
        counts.update(metrics.exemptions_ending(dik, today, months).groupby("office_id").size().to_dict())
    return counts


_DIK_MEMO: dict[tuple[str, int], list[dict]] = {}  # (version id, revision) -> its exempt rows with end dates
_DIK_MEMO_SIZE = 5000


def _dik_records(scoped, versions: list) -> dict[str, list[dict]]:
    """version id -> dashboard.dik_records_of. A version's frozen rows change only with its revision (a new
    establishment rewrites them), so what was read once for (id, revision) is kept in the process."""
    missing = [v for v in versions if (v.id, v.revision) not in _DIK_MEMO]
    if missing:
        read = scoped.snapshot_fields([v.id for v in missing], "dikecualikan", DIK_FIELDS)
        if len(_DIK_MEMO) + len(missing) > _DIK_MEMO_SIZE:
            _DIK_MEMO.clear()
        for v in missing:
            _DIK_MEMO[(v.id, v.revision)] = dashboard.dik_records_of(v, read[v.id])
    return {v.id: _DIK_MEMO[(v.id, v.revision)] for v in versions}


def _row(w: _Office, figures: dict, ending: int, parents: dict[str, Office]) -> list:
    currency = dashboard.currency(w.view, w.rules.today, int(w.settings["update_cycle_months"]), w.versions)
    return [w.office.name, w.office.id, w.office.level_label, _province(w.office, parents),
            _percent(figures["rate"]), figures["overdue"], metrics.currency_status(currency),
            currency.days_since, _percent(figures["coverage"]), figures["stale"], ending, w.office.id]


def _province(office: Office, parents: dict[str, Office]) -> str:
    if office.level == "provinsi":
        return office.name
    parent = parents.get(office.parent_id)
    return parent.name if parent is not None and parent.level == "provinsi" else ""


def _percent(share: float | None) -> float | None:
    return None if share is None or pd.isna(share) else round(float(share) * 100, 1)
