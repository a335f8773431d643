"""Rekap Kantor: what a pemantau watches across the offices below its own, one row per office.

Each figure keeps the definition the office's own dashboard and Kelengkapan page use (lib.domain.metrics,
lib.services.dashboard, lib.services.completeness). What an office holds is read through its read-only
monitor view (lib.services.offices.monitor_views); its items, the one large read, come in one query for all
the monitored offices through a register scoped to exactly them and read-only, so on PostgreSQL the database
itself shows nothing else. Offices that share a calendar, clock and date are judged in one vectorised pass.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd

from lib.domain import metrics
from lib.domain.models import Actor
from lib.domain.offices import Office
from lib.domain.workdays import WorkCalendar
from lib.domain.workflow import ClockSettings
from lib.services import completeness, dashboard, offices
from lib.services.context import AppContext, require_role

COLUMNS = ["Kantor", "Kode", "Tingkat", "Provinsi", "Tepat waktu (%)", "Lewat tenggat", "Status DIP",
           "Hari sejak diunggah", "Kelengkapan (%)", "Berkala belum dimutakhirkan",
           "Pengecualian segera berakhir", "office_id"]
FRAME_COLUMNS = (*metrics.ITEM_COLUMNS, "kewajiban")


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


def rollup(ctx: AppContext, actor: Actor, period: str = "30h") -> pd.DataFrame:
    """One row per office below the pemantau's (COLUMNS, Indonesian names plus ``office_id``), nearest first;
    on-time rate over ``period`` (dashboard.PERIODS) as on each office's dashboard."""
    require_role(ctx, actor, *offices.MONITOR_ROLES)
    watched = [_read(o, view) for o, view in offices.monitor_views(ctx, actor)]
    if not watched:
        return pd.DataFrame(columns=COLUMNS)
    ids = frozenset(w.office.id for w in watched)
    scoped = ctx.register.scoped(ids, frozenset())  # read-only, exactly the monitored offices
    frame = scoped.offices_item_frame(ids, FRAME_COLUMNS)
    judged = _judge(watched, frame, period)
    parents = {o.id: o for o in offices.all_offices(ctx)}
    return pd.DataFrame([_row(w, judged, parents) for w in watched], columns=COLUMNS)


def _read(office: Office, view: AppContext) -> _Office:
    s = view.settings()
    overrides = tuple(sorted(view.register.holiday_overrides(view.office_id), key=lambda o: o.sort_key()))
    return _Office(office, view, s, _Rules(overrides, view.clock(), view.today(), int(s["due_soon_days"]),
                                           int(s["berkala_refresh_months"])))


def _judge(watched: list[_Office], frame: pd.DataFrame, period: str) -> dict[str, dict]:
    """office id -> the item-based figures, one vectorised pass per group of offices sharing their rules."""
    groups: dict[_Rules, list[str]] = {}
    for w in watched:
        groups.setdefault(w.rules, []).append(w.office.id)
    found = {w.office.id: _obligations(w.settings) for w in watched}
    out: dict[str, dict] = {}
    for rules, ids in groups.items():
        raw = frame[frame["office_id"].isin(ids)]
        out.update(_judge_group(rules, raw, ids, period, found))
    return out


def _obligations(settings: dict) -> tuple:
    return _obligations_of(settings.get(completeness.SETTINGS_KEY, "{}"))


@lru_cache(maxsize=64)
def _obligations_of(changes: str) -> tuple:
    """Most offices keep the default list: it is built once per distinct list of changes."""
    return tuple(completeness.obligations_of(changes))


def _judge_group(rules: _Rules, raw: pd.DataFrame, ids: list[str], period: str, found: dict) -> dict[str, dict]:
    cal = _calendar(rules.calendar)
    df = metrics.prepare(raw).assign(office_id=raw["office_id"].to_numpy())
    req = metrics.requests(df, cal, rules.clock, rules.today, rules.soon_days)
    window = dashboard.window_for(period, rules.today)
    rate, overdue = metrics.on_time_rate_by(req, window, "office_id"), metrics.overdue_by(req, "office_id")
    stale = metrics.stale_berkala(df, rules.today, rules.berkala_months)
    stale_ids = stale.groupby("office_id")["id"].agg(set)
    items = dict(tuple(raw.groupby("office_id")))
    empty = raw.iloc[0:0]
    return {oid: {"rate": rate.get(oid), "overdue": int(overdue.get(oid, 0)),
                  "stale": len(stale_ids.get(oid, ())),
                  "coverage": completeness.share_met(found[oid], items.get(oid, empty), stale_ids.get(oid, set()))}
            for oid in ids}


@lru_cache(maxsize=64)
def _calendar(overrides: tuple) -> WorkCalendar:
    """One calendar per distinct set of an office's holiday changes (most offices have the same)."""
    return WorkCalendar(overrides)


def _row(w: _Office, judged: dict[str, dict], parents: dict[str, Office]) -> list:
    view, s, today, figures = w.view, w.settings, w.rules.today, judged[w.office.id]
    currency = dashboard.currency(view, today, int(s["update_cycle_months"]))
    ending = metrics.exemptions_ending(dashboard.dik_frame(view), today, int(s["exemption_warning_months"]))
    return [w.office.name, w.office.id, w.office.level_label, _province(w.office, parents),
            _percent(figures["rate"]), figures["overdue"], metrics.currency_status(currency),
            currency.days_since, _percent(figures["coverage"]), figures["stale"], len(ending), w.office.id]


def _province(office: Office, parents: dict[str, Office]) -> str:
    if office.level == "provinsi":
        return office.name
    parent = parents.get(office.parent_id)
    return parent.name if parent is not None and parent.level == "provinsi" else ""


def _percent(share: float | None) -> float | None:
    return None if share is None or pd.isna(share) else round(float(share) * 100, 1)
