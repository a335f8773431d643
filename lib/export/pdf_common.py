"""Shared reportlab pieces: styles, escaped paragraphs, tables with category rows, page furniture."""
from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from lib.domain.workdays import format_date_id

_BASE = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("judul", parent=_BASE["Title"], fontSize=13, leading=16, spaceAfter=4),
    "center": ParagraphStyle("tengah", parent=_BASE["Normal"], alignment=TA_CENTER, fontSize=10, leading=13),
    "body": ParagraphStyle("isi", parent=_BASE["Normal"], fontSize=10, leading=13, spaceAfter=4),
    "cell": ParagraphStyle("sel", parent=_BASE["Normal"], fontSize=7.5, leading=9),
    "head": ParagraphStyle("kepala", parent=_BASE["Normal"], fontSize=7.5, leading=9, fontName="Helvetica-Bold"),
    "group": ParagraphStyle("kelompok", parent=_BASE["Normal"], fontSize=8, leading=10, fontName="Helvetica-Bold"),
}


def para(text, style: str = "body") -> Paragraph:
    """User text is escaped: markup typed into a field prints as text."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), STYLES[style])


def titled(title: str, body: str) -> Paragraph:
    """A bold title over its text, both escaped."""
    rest = "<br/>" + escape(body).replace("\n", "<br/>") if body else ""
    return Paragraph(f"<b>{escape(title)}</b>{rest}", STYLES["cell"])


def grouped_table(columns, groups, widths) -> Table:
    """A table whose header repeats on every page, with a full-width row per category."""
    rows = [[para(c, "head") for c in columns]]
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0e6e6"))]
    for label, records in groups:
        if label:
            style += [("SPAN", (0, len(rows)), (-1, len(rows))),
                      ("BACKGROUND", (0, len(rows)), (-1, len(rows)), colors.HexColor("#f7f7f7"))]
            rows.append([para(label, "group")] + [""] * (len(columns) - 1))
        rows += [[v if isinstance(v, Paragraph) else para(v, "cell") for v in r] for r in records]
        if not records:
            rows.append([para("Tidak ada informasi pada kategori ini.", "cell")] + [""] * (len(columns) - 1))
            style.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def signature(signer) -> list:
    if signer is None:
        return []
    lines = [f"{signer.place}, {format_date_id(signer.day) if signer.day else ''}", signer.position]
    block = [para(t) for t in lines] + [Spacer(1, 1.6 * cm), para(signer.name)]
    if signer.nip:
        block.append(para(f"NIP. {signer.nip}"))
    table = Table([[block]], colWidths=[8 * cm], hAlign="RIGHT")
    return [Spacer(1, 0.6 * cm), KeepTogether(table)]


def numbered_canvas(draft: bool, footer: str):
    """A canvas class that prints 'Halaman X dari Y', the footer, and DRAF across draft pages."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(len(self._pages))
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            width, height = self._pagesize
            self.setFont("Helvetica", 7)
            self.drawString(1.5 * cm, 0.9 * cm, footer[:160])
            self.drawRightString(width - 1.5 * cm, 0.9 * cm, f"Halaman {self._pageNumber} dari {total}")
            if draft:
                self.saveState()
                self.setFont("Helvetica-Bold", 90)
                self.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
                self.translate(width / 2, height / 2)
                self.rotate(30)
                self.drawCentredString(0, -30, "DRAF")
                self.restoreState()

    return NumberedCanvas
