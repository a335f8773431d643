"""Presenters and charts for the dashboard: Indonesian tables with deadline explanations, plotly figures."""
from __future__ import annotations

import pandas as pd

from lib.domain.metrics import STAGE_LABELS, STATE_LABELS
from lib.domain.models import CATEGORIES, ITEM_STATES
from lib.domain.workdays import WorkCalendar, format_date_id
from lib.domain.workflow import ClockSettings


def _dates(series: pd.Series) -> pd.Series:
    """Format each distinct date once: a register of 100,000 items has only ~1,000 distinct dates."""
    names = {v: format_date_id(v.date()) for v in series.dropna().unique()}
    return series.map(names).astype(object).fillna("-")


_EXPLAINED: dict[tuple, str] = {}  # (calendar, clock, start) -> text: the same for every view and every run


def explanation(start, cal: WorkCalendar, clock: ClockSettings, fingerprint: str = "") -> str:
    key = (fingerprint or cal.fingerprint, clock, start)
    if key not in _EXPLAINED:
        if len(_EXPLAINED) > 50_000:
            _EXPLAINED.clear()
        _EXPLAINED[key] = _explain(start, cal, clock)
    return _EXPLAINED[key]


def _explain(start, cal: WorkCalendar, clock: ClockSettings) -> str:
    e = cal.explain(start.date(), clock.sla_days, clock.count_from_next_day)
    skipped = "; ".join(f"{format_date_id(s.day)} ({s.name})" for s in e.skipped) or "tidak ada hari libur"
    return (f"Mulai {format_date_id(e.start)}, batas {format_date_id(e.due)} ({e.working_days} hari kerja). "
            f"Dilewati: {skipped}; akhir pekan {e.weekend_days} hari.")


def request_table(req: pd.DataFrame, cal: WorkCalendar, clock: ClockSettings) -> pd.DataFrame:
    fingerprint = cal.fingerprint
    explained = {s: explanation(s, cal, clock, fingerprint) for s in req["start"].dropna().unique()}
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


# plotly.graph_objects, not plotly.express: express takes ~1 s to import (a cold dashboard's largest
# cost) for the same figures. The traces below are what express made: same colours, titles, hovers.
COLOURS = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880", "#FF97FF",
           "#FECB52")


def _figure(traces: list, title: str, x_title: str, y_title: str, legend: str = "", **layout):
    import plotly.graph_objects as go
    fig = go.Figure(traces)
    fig.update_traces(xaxis="x", yaxis="y")
    fig.update_layout(title_text=title, legend_tracegroupgap=0, xaxis={"anchor": "y", "domain": [0.0, 1.0]},
                      yaxis={"anchor": "x", "domain": [0.0, 1.0]}, **layout)
    if legend:
        fig.update_layout(legend_title_text=legend)
    return fig.update_xaxes(title_text=x_title).update_yaxes(title_text=y_title)


def trend_chart(trend: pd.DataFrame):
    import plotly.graph_objects as go
    line = go.Scatter(x=trend["bulan"].to_numpy(), y=trend["persen_tepat_waktu"].to_numpy(), mode="lines+markers",
                      name="", legendgroup="", showlegend=False, orientation="v",
                      line={"color": COLOURS[0], "dash": "solid"}, marker={"symbol": "circle"},
                      hovertemplate="Bulan=%{x}<br>% tepat waktu=%{y}<extra></extra>")
    fig = _figure([line], "Persentase penyerahan tepat waktu per bulan", "Bulan", "% tepat waktu")
    return fig.update_yaxes(range=[0, 105]).update_xaxes(type="category")


def aging_chart(stages: pd.DataFrame):
    import plotly.graph_objects as go
    tahap = stages["stage"].map(STAGE_LABELS)
    traces = [go.Histogram(x=stages["age"][tahap == name].to_numpy(), name=name, legendgroup=name, bingroup="x",
                           nbinsx=20, orientation="v", showlegend=True,
                           marker={"color": COLOURS[n % len(COLOURS)], "pattern": {"shape": ""}},
                           hovertemplate=f"Tahap={name}<br>Umur (hari kerja)=%{{x}}<br>count=%{{y}}<extra></extra>")
              for n, name in enumerate(tahap.unique())]
    return _figure(traces, "Umur pekerjaan terbuka (hari kerja)", "Umur (hari kerja)", "Jumlah", "Tahap",
                   barmode="relative")


def unit_chart(per_unit: pd.DataFrame):
    import plotly.graph_objects as go
    traces = [go.Bar(x=per_unit["unit"].to_numpy(), y=per_unit[col].to_numpy(), name=name, legendgroup=name,
                     offsetgroup=name, alignmentgroup="True", orientation="v", showlegend=True, textposition="auto",
                     marker={"color": COLOURS[n], "pattern": {"shape": ""}},
                     hovertemplate=f"Ukuran={name}<br>Unit=%{{x}}<br>Jumlah=%{{y}}<extra></extra>")
              for n, (col, name) in enumerate((("tepat_waktu", "Tepat waktu"),
                                               ("lewat_tenggat_kini", "Lewat tenggat kini")))]
    return _figure(traces, "Per unit: tepat waktu dan lewat tenggat", "Unit", "Jumlah", "Ukuran", barmode="group")


def stage_chart(summary: pd.DataFrame):
    import plotly.graph_objects as go
    bar = go.Bar(x=summary["stage"].map(STAGE_LABELS).to_numpy(), y=summary["count"].to_numpy(), name="",
                 legendgroup="", showlegend=False, orientation="v", textposition="auto",
                 marker={"color": COLOURS[0], "pattern": {"shape": ""}},
                 hovertemplate="Tahap=%{x}<br>Jumlah=%{y}<extra></extra>")
    return _figure([bar], "Tumpukan pekerjaan per tahap", "Tahap", "Jumlah", barmode="relative")


def category_label(key: str) -> str:
    return CATEGORIES.get(key, "Semua kategori")


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def delta(current: float | None, previous: float | None, scale: float = 100.0) -> str | None:
    if current is None or previous is None:
        return None
    return f"{(current - previous) * scale:+.0f}"
