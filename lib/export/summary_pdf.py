"""The monthly summary for the Atasan PPID as a printable PDF (reportlab), in the fonts of every SIDIP PDF."""
from __future__ import annotations

import io

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from lib.dashboard_views import percent
from lib.domain.workdays import format_date_id
from lib.export.pdf_common import REGULAR, numbered_canvas, para

_STYLE = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                     ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                     ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), REGULAR)])


def _table(df: pd.DataFrame, empty: str) -> list:
    if df.empty:
        return [para(empty)]
    rows = [[para(c, "head") for c in df.columns]] + [[para(v, "cell") for v in row]
                                                      for row in df.itertuples(index=False)]
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(_STYLE)
    return [table]


def _kpi_rows(board) -> pd.DataFrame:
    c, p, cur = board.current, board.previous, board.currency
    return pd.DataFrame([
        ["Penyerahan tepat waktu", percent(c.on_time), percent(p.on_time)],
        ["Permintaan dinilai", c.judged, p.judged],
        ["Median hari kerja sampai diserahkan", c.median_days if c.median_days is not None else "-",
         p.median_days if p.median_days is not None else "-"],
        ["Lewat tenggat saat ini", len(board.overdue()), ""],
        ["Berkala belum dimutakhirkan > 6 bulan", len(board.stale), ""],
        ["Hari sejak DIP terakhir diunggah", cur.days_since if cur.days_since is not None else "belum pernah", ""],
    ], columns=["Ukuran", "Periode ini", "Periode sebelumnya"])


def render(board, office_name: str, tables: dict[str, pd.DataFrame]) -> bytes:
    """``tables`` maps a heading to an already-presented table (Indonesian columns)."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            title="Laporan Kepatuhan SOP DIP", author=office_name)
    w = board.window
    story = [para(f"Laporan Kepatuhan SOP Penetapan dan Pemutakhiran DIP — {office_name}", "title"),
             para(f"Periode {format_date_id(w.start)} s.d. {format_date_id(w.end)}; "
                  f"dibuat {format_date_id(board.today)}; kalender hari kerja {board.calendar}."),
             Spacer(1, 0.4 * cm), *_table(_kpi_rows(board), "")]
    for heading, df in tables.items():
        story += [Spacer(1, 0.4 * cm), para(heading, "group"), *_table(df, "Tidak ada.")]
    doc.build(story, canvasmaker=numbered_canvas(False, f"Laporan Kepatuhan SOP DIP — {office_name}"))
    return out.getvalue()
