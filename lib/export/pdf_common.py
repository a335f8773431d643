"""Shared reportlab pieces: styles, escaped paragraphs, tables with category rows, page furniture."""
from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from lib.domain.workdays import format_date_id

_BASE = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("judul", parent=_BASE["Title"], fontSize=13, leading=16, spaceAfter=4),
    "center": ParagraphStyle("tengah", parent=_BASE["Normal"], alignment=TA_CENTER, fontSize=10, leading=13),
    "body": ParagraphStyle("isi", parent=_BASE["Normal"], fontSize=10, leading=13, spaceAfter=4),
    "cell": ParagraphStyle("sel", parent=_BASE["Normal"], fontSize=7.5, leading=9),
    "head": ParagraphStyle("kepala", parent=_BASE["Normal"], fontSize=7.5, leading=9, fontName="Helvetica-Bold"),
    "group": ParagraphStyle("kelompok", parent=_BASE["Normal"], fontSize=9, leading=12, fontName="Helvetica-Bold",
                            spaceBefore=4, spaceAfter=3),
    "bold": ParagraphStyle("tebal", parent=_BASE["Normal"], fontSize=10, leading=13, fontName="Helvetica-Bold"),
    "centerbold": ParagraphStyle("tengahtebal", parent=_BASE["Normal"], alignment=TA_CENTER, fontSize=10,
                                 leading=13, fontName="Helvetica-Bold", spaceBefore=6, spaceAfter=6),
}


def para(text, style: str = "body") -> Paragraph:
    """User text is escaped: markup typed into a field prints as text."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), STYLES[style])


def titled(title: str, body: str) -> Paragraph:
    """A bold title over its text, both escaped."""
    rest = "<br/>" + escape(body).replace("\n", "<br/>") if body else ""
    return Paragraph(f"<b>{escape(title)}</b>{rest}", STYLES["cell"])


def link_cell(text: str) -> Paragraph:
    """Clickable links, each escaped; long addresses may break anywhere."""
    urls = [u for u in (text or "").split("\n") if u.startswith(("http://", "https://"))]
    body = "<br/>".join(f'<link href="{escape(u, {chr(34): "&quot;"})}" color="blue">{escape(u)}</link>' for u in urls)
    return Paragraph(body, STYLES["cell"])


def _cells(record) -> list:
    return [v if isinstance(v, Paragraph) else para(v, "cell") for v in record]


def grouped_table(columns, groups, widths) -> list:
    """One table per category, its heading kept with its first rows; the column header repeats on every page.

    Separate tables (not full-width spanned rows) keep a heading from being stranded at a page foot, and
    keep reportlab's layout linear in the number of rows."""
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0e6e6"))])
    head = [para(c, "head") for c in columns]
    out = []
    for label, records in groups:
        rows = [head] + [_cells(r) for r in records]
        if not records:
            rows.append([para("Tidak ada informasi pada kategori ini.", "cell")] + [""] * (len(columns) - 1))
        table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(style)
        if not records:  # the "nothing here" line spans the table
            table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
        if label:  # room for the heading, the column header and a first row, or a new page
            out += [CondPageBreak(3.5 * cm), para(label, "group")]
        out += [table, Spacer(1, 0.3 * cm)]
    return out


def signature(signer, decree: bool = False) -> list:
    """Letter style under a list; 'Ditetapkan di … pada tanggal …' under the decree itself."""
    if signer is None:
        return []
    day = format_date_id(signer.day) if signer.day else ""
    lines = ([f"Ditetapkan di {signer.place}", f"pada tanggal {day}"] if decree else [f"{signer.place}, {day}"])
    block = [para(t) for t in lines + [signer.position]] + [Spacer(1, 1.6 * cm), para(signer.name, "bold")]
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
