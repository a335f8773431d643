"""The Atasan PPID's dashboard: metrics for a period, unit and category, and what lies behind them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from lib.domain import metrics
from lib.domain.metrics import Window
from lib.domain.models import CATEGORIES, Actor
from lib.domain.versions import dik_rows, exemption_ends
from lib.services.context import AppContext, require_role

READERS = ("atasan", "ppid", "admin", "pemantau")  # a pemantau reads an office below its own (a monitor view)
PERIODS = {"30h": "30 hari terakhir", "bulan": "Bulan ini", "kuartal": "Kuartal ini",
           "tahun": "Tahun ini", "12b": "12 bulan terakhir"}


@dataclass(frozen=True)
class Filters:
    period: str = "30h"
    unit: str = ""
    kategori: str = ""

    @classmethod
    def from_query(cls, query: dict) -> "Filters":
        """From the URL (a shared link); unknown values fall back to the defaults."""
        period = query.get("periode", "30h")
        kategori = query.get("kategori", "")
        return cls(period if period in PERIODS else "30h", query.get("unit", ""),
                   kategori if kategori in CATEGORIES else "")

    def to_query(self) -> dict:
        return {k: v for k, v in {"periode": self.period, "unit": self.unit, "kategori": self.kategori}.items() if v}


def window_for(period: str, today: date) -> Window:
    if period == "bulan":
        return Window(today.replace(day=1), today)
    if period == "kuartal":
        return Window(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    if period == "tahun":
        return Window(date(today.year, 1, 1), today)
    if period == "12b":
        return Window((pd.Timestamp(today) - pd.DateOffset(months=12)).date() + timedelta(days=1), today)
    return Window(today - timedelta(days=29), today)


@dataclass
class Kpis:
    on_time: float | None
    median_days: float | None
    p90_days: float | None
    judged: int


@dataclass
class Dashboard:
    filters: Filters
    window: Window
    today: date
    current: Kpis
    previous: Kpis
    requests: pd.DataFrame
    per_unit: pd.DataFrame
    trend: pd.DataFrame
    stages: pd.DataFrame
    stage_summary: pd.DataFrame
    stale: pd.DataFrame
    exemptions: pd.DataFrame
    currency: metrics.Currency
    calendar: str
    judged_by: dict = field(default_factory=dict)  # calendar fingerprint -> closed requests it judged

    @property
    def empty(self) -> bool:
        return self.requests.empty and self.stages.empty and self.stale.empty

    def overdue(self) -> pd.DataFrame:
        return self.requests[self.requests["state"] == "lewat_tenggat"]

    def due_soon(self) -> pd.DataFrame:
        return self.requests[self.requests["state"] == "segera"]


def _kpis(req: pd.DataFrame, window: Window) -> Kpis:
    median, p90 = metrics.days_to_submit(req, window)
    return Kpis(metrics.on_time_rate(req, window), median, p90, len(metrics.judged_in(req, window)))


def _filtered(df: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    if filters.unit:
        df = df[df["unit"] == filters.unit]
    if filters.kategori:
        df = df[df["kategori"] == filters.kategori]
    return df


@dataclass(frozen=True)
class Prepared:
    """The whole office before any filter: what every view of the dashboard is cut from. Every metric is
    computed row by row, so filtering these rows gives what filtering the items first would."""
    today: date
    items: pd.DataFrame
    requests: pd.DataFrame
    stages: pd.DataFrame
    exemptions: pd.DataFrame
    currency: metrics.Currency
    calendar: str


def prepare(ctx: AppContext, actor: Actor) -> Prepared:
    require_role(ctx, actor, *READERS)
    today, cal, clock, s = ctx.today(), ctx.calendar(), ctx.clock(), ctx.settings()
    df = metrics.prepare(ctx.item_frame(metrics.ITEM_COLUMNS))
    return Prepared(today, df, metrics.requests(df, cal, clock, today, int(s["due_soon_days"])),
                    metrics.backlog(df, cal, today),
                    metrics.exemptions_ending(dik_frame(ctx), today, int(s["exemption_warning_months"])),
                    currency(ctx, today, int(s["update_cycle_months"])), cal.fingerprint)


def build(ctx: AppContext, actor: Actor, filters: Filters, prepared: Prepared | None = None) -> Dashboard:
    """The dashboard for ``filters``, cut from ``prepared`` (the page passes it cached) or a fresh one."""
    require_role(ctx, actor, *READERS)
    p = prepared or prepare(ctx, actor)
    df, req, stages = (_filtered(f, filters) for f in (p.items, p.requests, p.stages))
    window = window_for(filters.period, p.today)
    closed = req[req["judged_calendar"] != ""]
    return Dashboard(
        filters, window, p.today, _kpis(req, window), _kpis(req, metrics.previous_window(window)), req,
        metrics.per_unit(req, window), metrics.monthly_trend(req, p.today), stages,
        metrics.backlog_summary(stages),
        metrics.stale_berkala(df, p.today, int(ctx.settings()["berkala_refresh_months"])), p.exemptions,
        p.currency, p.calendar, closed["judged_calendar"].value_counts().to_dict())


def currency(ctx: AppContext, today: date, cycle: int, versions: list | None = None) -> metrics.Currency:
    """How current the office's DIP is: its last upload against the update cycle, and what waits."""
    versions = ctx.register.list_versions(ctx.office_id) if versions is None else versions
    uploaded = [date.fromisoformat(v.uploaded_at[:10]) for v in versions if v.status == "diunggah"]
    return metrics.dip_currency(uploaded, sum(v.status == "ditetapkan" for v in versions),
                                sum(v.status == "disetujui" for v in versions), today, cycle)


DIK_COLUMNS = ["judul", "ends", "version"]


def dik_frame(ctx: AppContext) -> pd.DataFrame:
    """Exemptions of the latest established version, with the date each one ends."""
    frame = pd.DataFrame(dik_records(ctx), columns=DIK_COLUMNS)
    frame["ends"] = pd.to_datetime(frame["ends"])
    return frame


def dik_records(ctx: AppContext, versions: list | None = None) -> list[dict]:
    """``dik_frame``'s rows as dicts (a roll-up joins hundreds of offices' rows into one frame)."""
    versions = ctx.register.list_versions(ctx.office_id) if versions is None else versions
    latest = latest_decreed(versions)
    if latest is None:
        return []
    return dik_records_of(latest, ctx.register.snapshot(latest.id, kategori="dikecualikan"))


def latest_decreed(versions: list):
    """The office's newest version with a decree (established or later), or None."""
    decreed = [v for v in versions if v.status != "draf" and v.decree]
    return decreed[-1] if decreed else None


def dik_records_of(version, snapshot: list) -> list[dict]:
    """The DIK rows of ``version`` (its frozen ``dikecualikan`` rows) with the date each exemption ends."""
    return [{"judul": r.data.get("judul"), "ends": exemption_ends(r, version.decree.tanggal), "version": version.label}
            for r in dik_rows(snapshot)]
