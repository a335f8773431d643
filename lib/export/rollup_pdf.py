"""The monthly Rekap Kantor report as a PDF an office signs: title, date, office, page numbers."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, SimpleDocTemplate, Spacer

from lib.domain.workdays import format_date_id
from lib.export.pdf_common import numbered_canvas, para
from lib.export.summary_pdf import _table


def render(office_name: str, today: date, period: str, summary: pd.DataFrame, offices: pd.DataFrame) -> bytes:
    """``summary`` and ``offices`` are presented tables (Indonesian columns); user text is escaped."""
    out = io.BytesIO()
    title = f"Rekap Kepatuhan DIP Kantor di Bawah {office_name}"
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=1.2 * cm, rightMargin=1.2 * cm,
                            title=title, author=office_name)
    story = [para(title, "title"),
             para(f"Keadaan per {format_date_id(today)}; penyerahan tepat waktu: {period}."),
             Spacer(1, 0.3 * cm)]
    for heading, df in (("Ringkasan", summary), ("Per kantor", offices)):
        # a heading never ends a page: room for it, the column header and a first row, or a new page
        story += [CondPageBreak(3 * cm), para(heading, "group"), *_table(df, "Tidak ada kantor."),
                  Spacer(1, 0.4 * cm)]
    doc.build(story, canvasmaker=numbered_canvas(False, f"{title} — {format_date_id(today)}"))
    return out.getvalue()
