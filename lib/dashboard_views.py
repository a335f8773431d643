"""Presenters and charts for the dashboard: Indonesian tables with deadline explanations, plotly figures."""
from __future__ import annotations

import pandas as pd
import plotly.express as px

from lib.domain.metrics import STAGE_LABELS, STATE_LABELS
from lib.domain.models import CATEGORIES, ITEM_STATES
from lib.domain.workdays import WorkCalendar, format_date_id
from lib.domain.workflow import ClockSettings



def _dates(series: pd.Series) -> pd.Series:
    """Format each distinct date once: a register of 100,000 items has only ~1,000 distinct dates."""
    names = {v: format_date_id(v.date()) for v in series.dropna().unique()}
    return series.map(names).astype(object).fillna("-")


def explanation(start, cal: WorkCalendar, clock: ClockSettings) -> str:
    e = cal.explain(start.date(), clock.sla_days, clock.count_from_next_day)
    skipped = "; ".join(f"{format_date_id(s.day)} ({s.name})" for s in e.skipped) or "tidak ada hari libur"
    return (f"Mulai {format_date_id(e.start)}, batas {format_date_id(e.due)} ({e.working_days} hari kerja). "
            f"Dilewati: {skipped}; akhir pekan {e.weekend_days} hari.")


def request_table(req: pd.DataFrame, cal: WorkCalendar, clock: ClockSettings) -> pd.DataFrame:
    explained = {s: explanation(s, cal, clock) for s in req["start"].dropna().unique()}
    return pd.DataFrame({
        "Judul": req["judul"], "Unit": req["unit"],
        "Status": req["status"].map(ITEM_STATES).fillna(req["status"]),
        "Mulai": _dates(req["start"]), "Batas": _dates(req["due"]), "Diserahkan": _dates(req["submitted_on"]),
        "Hari kerja terpakai": req["days_used"], "Keadaan": req["state"].map(STATE_LABELS),
        "Penjelasan tenggat": req["start"].map(explained),
        "Dinilai dengan kalender": req["judged_calendar"],
    })


def unit_table(per_unit: pd.DataFrame) -> pd.DataFrame:
    return per_unit.rename(columns={"unit": "Unit", "permintaan": "Permintaan dinilai", "tepat_waktu": "Tepat waktu",
                                    "persen_tepat_waktu": "% tepat waktu", "lewat_tenggat_kini": "Lewat tenggat kini"})


def stage_table(stages: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Tahap": stages["stage"].map(STAGE_LABELS), "Judul": stages["judul"], "Unit": stages["unit"],
                         "Sejak": _dates(stages["since"]), "Umur (hari kerja)": stages["age"]})


def stale_table(stale: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Judul": stale["judul"], "Unit": stale["unit"],
                         "Terakhir dimutakhirkan": _dates(stale["last_refreshed"])})


def exemption_table(ending: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Judul": ending["judul"], "Berakhir": _dates(ending["ends"]), "Versi": ending["version"]})


def trend_chart(trend: pd.DataFrame):
    fig = px.line(trend, x="bulan", y="persen_tepat_waktu", markers=True,
                  labels={"bulan": "Bulan", "persen_tepat_waktu": "% tepat waktu"},
                  title="Persentase penyerahan tepat waktu per bulan")
    return fig.update_yaxes(range=[0, 105]).update_xaxes(type="category")


def aging_chart(stages: pd.DataFrame):
    data = stages.assign(Tahap=stages["stage"].map(STAGE_LABELS))
    fig = px.histogram(data, x="age", color="Tahap", nbins=20, title="Umur pekerjaan terbuka (hari kerja)",
                       labels={"age": "Umur (hari kerja)"})
    return fig.update_yaxes(title_text="Jumlah")


def unit_chart(per_unit: pd.DataFrame):
    data = per_unit.rename(columns={"tepat_waktu": "Tepat waktu", "lewat_tenggat_kini": "Lewat tenggat kini"})
    return px.bar(data, x="unit", y=["Tepat waktu", "Lewat tenggat kini"], barmode="group",
                  title="Per unit: tepat waktu dan lewat tenggat",
                  labels={"unit": "Unit", "value": "Jumlah", "variable": "Ukuran"})


def stage_chart(summary: pd.DataFrame):
    data = summary.assign(Tahap=summary["stage"].map(STAGE_LABELS))
    return px.bar(data, x="Tahap", y="count", title="Tumpukan pekerjaan per tahap", labels={"count": "Jumlah"})


def category_label(key: str) -> str:
    return CATEGORIES.get(key, "Semua kategori")


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def delta(current: float | None, previous: float | None, scale: float = 100.0) -> str | None:
    if current is None or previous is None:
        return None
    return f"{(current - previous) * scale:+.0f}"
