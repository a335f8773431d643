"""The monthly summary for the Atasan PPID as a printable PDF (reportlab)."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lib.dashboard_views import percent
from lib.domain.workdays import format_date_id

_STYLE = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                     ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                     ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTSIZE", (0, 0), (-1, -1), 8)])


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _table(df: pd.DataFrame, styles, empty: str) -> list:
    if df.empty:
        return [_p(empty, styles["Normal"])]
    cell = styles["BodyText"]
    rows = [[_p(c, cell) for c in df.columns]] + [[_p(v, cell) for v in row] for row in df.itertuples(index=False)]
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
    styles = getSampleStyleSheet()
    w = board.window
    story = [_p(f"Laporan Kepatuhan SOP Penetapan dan Pemutakhiran DIP — {office_name}", styles["Title"]),
             _p(f"Periode {format_date_id(w.start)} s.d. {format_date_id(w.end)}; "
                f"dibuat {format_date_id(board.today)}; kalender hari kerja {board.calendar}.", styles["Normal"]),
             Spacer(1, 0.4 * cm), *_table(_kpi_rows(board), styles, "")]
    for heading, df in tables.items():
        story += [Spacer(1, 0.4 * cm), _p(heading, styles["Heading2"]), *_table(df, styles, "Tidak ada.")]
    doc.build(story, onLaterPages=_page_number, onFirstPage=_page_number)
    return out.getvalue()


def _page_number(canvas, doc) -> None:
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 1.5 * cm, 1 * cm, f"Halaman {doc.page}")
