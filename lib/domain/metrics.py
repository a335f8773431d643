"""Compliance metrics for the Atasan PPID's dashboard: pure pandas over the register's items.

Every function takes ``today`` (the office's date) as an argument; deadlines are vectorised.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from lib.domain.workdays import WorkCalendar
from lib.domain.workflow import ClockSettings

DATE_COLUMNS = ("requested_on", "info_created_on", "submitted_on", "resubmitted_on", "judged_due_on",
                "returned_on", "classified_on", "refreshed_on")
ITEM_COLUMNS = ("id", "unit", "judul", "kategori", "status", "clock_result", "judged_calendar",
                "created_at", *DATE_COLUMNS)

STATE_LABELS = {"tepat_waktu": "Tepat waktu", "terlambat": "Terlambat", "berjalan": "Berjalan",
                "segera": "Segera jatuh tempo", "lewat_tenggat": "Lewat tenggat (belum diserahkan)"}
STAGE_LABELS = {"diminta": "Menunggu penyerahan unit", "diajukan": "Menunggu klasifikasi PPID",
                "dikembalikan": "Menunggu perbaikan unit"}


def prepare(raw: pd.DataFrame) -> pd.DataFrame:
    """Raw register strings -> typed columns (dates as datetime64[D], NaT when empty)."""
    df = raw.reindex(columns=list(ITEM_COLUMNS)).copy()
    for col in DATE_COLUMNS:
        df[col] = pd.to_datetime(df[col].replace("", None), format="ISO8601", errors="coerce").astype("datetime64[s]")
    for col in set(ITEM_COLUMNS) - set(DATE_COLUMNS):
        df[col] = df[col].astype(object).fillna("").astype(str)
    return df


def _days(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="datetime64[D]")


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive

    def contains(self, s: pd.Series) -> pd.Series:
        return (s >= pd.Timestamp(self.start)) & (s <= pd.Timestamp(self.end))


def requests(df: pd.DataFrame, cal: WorkCalendar, clock: ClockSettings, today: date,
             soon_days: int = 2) -> pd.DataFrame:
    """One row per item on the 5-working-day clock: start, due, days used, state."""
    start = df["requested_on"].fillna(df["info_created_on"])
    on_clock = start.notna() & (df["status"] != "ditarik")  # a withdrawn request is not judged
    out = df.loc[on_clock].copy()
    out["start"] = start[on_clock]
    open_ = out["submitted_on"].isna()
    out["due"] = out["judged_due_on"]
    if open_.any():
        live = cal.due_dates(_days(out.loc[open_, "start"]), clock.sla_days, clock.count_from_next_day)
        out.loc[open_, "due"] = pd.to_datetime(live)
    missing_due = out["due"].isna() & ~open_  # closed before the due date was stored
    if missing_due.any():
        out.loc[missing_due, "due"] = pd.to_datetime(cal.due_dates(
            _days(out.loc[missing_due, "start"]), clock.sla_days, clock.count_from_next_day))
    end = out["submitted_on"].where(~open_, pd.Timestamp(today))
    out["days_used"] = cal.working_days_between_many(_days(out["start"]), _days(end))
    out["state"] = _states(out, open_, cal, today, soon_days)
    return out


def _states(out: pd.DataFrame, open_: pd.Series, cal: WorkCalendar, today: date, soon: int) -> pd.Series:
    late_closed = out["submitted_on"] > out["due"]
    state = pd.Series(np.where(late_closed, "terlambat", "tepat_waktu"), index=out.index)
    left = cal.working_days_between_many(np.datetime64(today, "D"), _days(out["due"]))
    overdue = open_ & (out["due"] < pd.Timestamp(today))
    state[open_] = "berjalan"
    state[open_ & (left <= soon)] = "segera"
    state[overdue] = "lewat_tenggat"
    return state


def judged_in(req: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Requests judged in a period: submitted in it, or still open with their due date passed in it."""
    closed = req["submitted_on"].notna() & window.contains(req["submitted_on"])
    overdue = (req["state"] == "lewat_tenggat") & window.contains(req["due"])
    return req[closed | overdue]


def _on_time(judged: pd.DataFrame) -> pd.Series:
    return judged["state"] == "tepat_waktu"


def on_time_rate(req: pd.DataFrame, window: Window) -> float | None:
    judged = judged_in(req, window)
    return None if judged.empty else float(_on_time(judged).mean())


def on_time_rate_by(req: pd.DataFrame, window: Window, key: str) -> pd.Series:
    """``on_time_rate`` for each value of ``key`` (an office) at once; a value with nothing judged is absent."""
    judged = judged_in(req, window)
    return _on_time(judged).groupby(judged[key]).mean()


def overdue_by(req: pd.DataFrame, key: str) -> pd.Series:
    """Requests past their due date and still not submitted (the dashboard's "Lewat tenggat kini") per ``key``."""
    return (req["state"] == "lewat_tenggat").groupby(req[key]).sum()


def days_to_submit(req: pd.DataFrame, window: Window) -> tuple[float | None, float | None]:
    """Median and 90th percentile of working days from start to first submission."""
    done = req[req["submitted_on"].notna() & window.contains(req["submitted_on"])]["days_used"]
    if done.empty:
        return None, None
    return float(done.median()), float(done.quantile(0.9))


def backlog(df: pd.DataFrame, cal: WorkCalendar, today: date) -> pd.DataFrame:
    """Items waiting at each workflow stage, with their age in working days."""
    since = {"diminta": df["requested_on"].fillna(df["info_created_on"]),
             "diajukan": df["resubmitted_on"].fillna(df["submitted_on"]),
             "dikembalikan": df["returned_on"]}
    parts = []
    for stage, started in since.items():
        rows = df[(df["status"] == stage)].copy()
        rows["since"] = started[rows.index].fillna(pd.Timestamp(today))
        rows["age"] = cal.working_days_between_many(_days(rows["since"]), np.datetime64(today, "D"))
        rows["stage"] = stage
        parts.append(rows)
    return pd.concat(parts) if parts else df.iloc[0:0]


def backlog_summary(stages: pd.DataFrame) -> pd.DataFrame:
    summary = stages.groupby("stage")["age"].agg(["count", "median", "max"]).reindex(list(STAGE_LABELS))
    return summary.fillna(0).astype(int).reset_index()


def per_unit(req: pd.DataFrame, window: Window) -> pd.DataFrame:
    judged = judged_in(req, window)
    grouped = judged.assign(ok=judged["state"] == "tepat_waktu").groupby("unit").agg(
        permintaan=("id", "size"), tepat_waktu=("ok", "sum"))
    grouped = grouped.astype({"tepat_waktu": int})
    grouped["persen_tepat_waktu"] = (grouped["tepat_waktu"] / grouped["permintaan"] * 100).round(1)
    overdue = req[req["state"] == "lewat_tenggat"].groupby("unit").size().rename("lewat_tenggat_kini")
    out = grouped.join(overdue, how="outer").fillna({"permintaan": 0, "tepat_waktu": 0, "lewat_tenggat_kini": 0})
    return out.astype({"permintaan": int, "tepat_waktu": int, "lewat_tenggat_kini": int}).reset_index()


def monthly_trend(req: pd.DataFrame, today: date, months: int = 12) -> pd.DataFrame:
    """On-time rate per month of judgement, the last ``months`` months."""
    judged = req[req["submitted_on"].notna() | (req["state"] == "lewat_tenggat")].copy()
    judged["bulan"] = judged["submitted_on"].fillna(judged["due"]).dt.to_period("M")
    first = pd.Period(today, "M") - (months - 1)
    judged = judged[judged["bulan"] >= first]
    rate = judged.assign(ok=judged["state"] == "tepat_waktu").groupby("bulan").agg(
        permintaan=("id", "size"), tepat=("ok", "sum"))
    rate = rate.astype({"tepat": int})
    rate["persen_tepat_waktu"] = (rate["tepat"] / rate["permintaan"] * 100).round(1)
    return rate.reset_index().assign(bulan=lambda d: d["bulan"].astype(str))


def stale_berkala(df: pd.DataFrame, today: date, months: int = 6) -> pd.DataFrame:
    """Berkala items not refreshed for more than ``months`` months (UU 14/2008 Pasal 9(4))."""
    berkala = df[(df["status"] == "diklasifikasi") & (df["kategori"] == "berkala")].copy()
    berkala["last_refreshed"] = berkala["refreshed_on"].fillna(berkala["classified_on"])
    limit = pd.Timestamp(today) - pd.DateOffset(months=months)
    return berkala[berkala["last_refreshed"].isna() | (berkala["last_refreshed"] < limit)]


def exemptions_ending(dik: pd.DataFrame, today: date, months: int = 3) -> pd.DataFrame:
    """DIK rows (with an ``ends`` date column) whose exemption period ends within ``months``."""
    if dik.empty:
        return dik
    horizon = pd.Timestamp(today) + pd.DateOffset(months=months)
    return dik[dik["ends"].notna() & (dik["ends"] <= horizon)]


@dataclass(frozen=True)
class Currency:
    last_uploaded: date | None
    days_since: int | None
    cycle_months: int
    overdue: bool
    waiting_atasan: int
    waiting_upload: int


def dip_currency(uploaded_dates: list[date], waiting_atasan: int, waiting_upload: int,
                 today: date, cycle_months: int = 12) -> Currency:
    last = max(uploaded_dates) if uploaded_dates else None
    if last is None:
        return Currency(None, None, cycle_months, True, waiting_atasan, waiting_upload)
    due = pd.Timestamp(last) + pd.DateOffset(months=cycle_months)
    return Currency(last, (today - last).days, cycle_months, pd.Timestamp(today) > due,
                    waiting_atasan, waiting_upload)


CURRENCY_STATUSES = ("terkini", "perlu dimutakhirkan", "belum pernah diunggah")


def currency_status(currency: Currency) -> str:
    """The DIP's currency in one word: never uploaded, older than the update cycle, or current."""
    if currency.last_uploaded is None:
        return "belum pernah diunggah"
    return "perlu dimutakhirkan" if currency.overdue else "terkini"


def previous_window(window: Window) -> Window:
    """The period of the same length just before ``window`` (for the tiles' change)."""
    length = window.end - window.start
    end = window.start - timedelta(days=1)
    return Window(end - length, end)
