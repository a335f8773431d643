"""Presenters for Rekap Kantor: the filtered table, its charts and downloads (pandas stays out of the page)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.domain.metrics import CURRENCY_STATUSES


@dataclass(frozen=True)
class Filter:
    levels: tuple[str, ...] = ()
    province: str = ""
    status: str = ""
    search: str = ""


def choices(frame: pd.DataFrame) -> dict[str, list[str]]:
    """What the filters offer: the levels and provinces present, every currency status."""
    return {"levels": sorted(frame["Tingkat"].unique()), "provinces": [""] + sorted(p for p in frame["Provinsi"].unique() if p),
            "statuses": [""] + list(CURRENCY_STATUSES)}


def filtered(frame: pd.DataFrame, f: Filter) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if f.levels:
        keep &= frame["Tingkat"].isin(f.levels)
    if f.province:
        keep &= frame["Provinsi"] == f.province
    if f.status:
        keep &= frame["Status DIP"] == f.status
    if f.search.strip():
        keep &= frame["Kantor"].str.contains(f.search.strip(), case=False, regex=False)
    return frame[keep]


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as shown and downloaded: without the internal office id."""
    return frame.drop(columns="office_id")


def offices(frame: pd.DataFrame) -> dict[str, str]:
    """office id -> name, for the drill-down choice."""
    return dict(zip(frame["office_id"], frame["Kantor"]))


def status_chart(frame: pd.DataFrame):
    import plotly.express as px
    counts = frame["Status DIP"].value_counts().reindex(list(CURRENCY_STATUSES), fill_value=0)
    fig = px.bar(x=counts.index, y=counts.values, labels={"x": "Status DIP", "y": "Jumlah kantor"},
                 title="Kantor per status kemutakhiran DIP")
    return fig


def on_time_chart(frame: pd.DataFrame):
    import plotly.express as px
    rated = frame.dropna(subset=["Tepat waktu (%)"])
    fig = px.histogram(rated, x="Tepat waktu (%)", nbins=10, range_x=[0, 100],
                       title="Sebaran persentase penyerahan tepat waktu")
    return fig.update_layout(yaxis_title="Jumlah kantor")  # plotly's own "count" otherwise


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """The report's first table: offices, the status counts, the medians."""
    counts = frame["Status DIP"].value_counts()
    rows = [["Kantor dipantau", len(frame)], *[[f"DIP {s}", int(counts.get(s, 0))] for s in CURRENCY_STATUSES],
            ["Median tepat waktu (%)", _median(frame["Tepat waktu (%)"])],
            ["Permintaan lewat tenggat (jumlah)", int(frame["Lewat tenggat"].sum())],
            ["Median kelengkapan (%)", _median(frame["Kelengkapan (%)"])]]
    return pd.DataFrame(rows, columns=["Ukuran", "Nilai"])


def _median(series: pd.Series) -> str:
    value = series.dropna().median()
    return "-" if pd.isna(value) else f"{value:.1f}"


def for_print(frame: pd.DataFrame) -> pd.DataFrame:
    return table(frame).drop(columns=["Kode"]).astype(object).fillna("-")


def xlsx(frame: pd.DataFrame) -> bytes:
    from lib.export.tables import xlsx_bytes
    return xlsx_bytes(table(frame), "Rekap Kantor")


def pdf(frame: pd.DataFrame, office_name: str, today, period: str) -> bytes:
    from lib.export.rollup_pdf import render
    return render(office_name, today, period, summary(frame), for_print(frame))
