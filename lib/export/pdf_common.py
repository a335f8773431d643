"""Shared reportlab pieces: styles, escaped paragraphs, tables with category rows, page furniture."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from itertools import groupby
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from lib.domain.workdays import format_date_id
from lib.export import pdf_fonts, pdf_rtl
from lib.export.document import full_title

_BASE = getSampleStyleSheet()
REGULAR, BOLD = pdf_fonts.fonts()
STYLES = {
    "title": ParagraphStyle("judul", parent=_BASE["Title"], fontSize=13, leading=16, spaceAfter=4, fontName=BOLD),
    "center": ParagraphStyle("tengah", parent=_BASE["Normal"], alignment=TA_CENTER, fontSize=10, leading=13,
                             fontName=REGULAR),
    "body": ParagraphStyle("isi", parent=_BASE["Normal"], fontSize=10, leading=13, spaceAfter=4, fontName=REGULAR),
    "cell": ParagraphStyle("sel", parent=_BASE["Normal"], fontSize=7.5, leading=9, fontName=REGULAR),
    "head": ParagraphStyle("kepala", parent=_BASE["Normal"], fontSize=7.5, leading=9, fontName=BOLD),
    "group": ParagraphStyle("kelompok", parent=_BASE["Normal"], fontSize=9, leading=12, fontName=BOLD,
                            spaceBefore=4, spaceAfter=3),
    "bold": ParagraphStyle("tebal", parent=_BASE["Normal"], fontSize=10, leading=13, fontName=BOLD),
    "centerbold": ParagraphStyle("tengahtebal", parent=_BASE["Normal"], alignment=TA_CENTER, fontSize=10,
                                 leading=13, fontName=BOLD, spaceBefore=6, spaceAfter=6),
}
# The most one table row may take: a taller cell goes on in the rows below it, which a page break may
# fall between (reportlab never splits a row, and a row taller than the page stops the whole PDF).
ROW_LIMIT = 5 * cm
_PAD = 6  # reportlab's default cell padding, left and right (3 above and below)


class Para(Paragraph):
    """A paragraph that breaks its lines once per width and remembers them.

    A table cell is wrapped several times at the same width (to measure its row, to cut a tall cell, to
    draw it); reportlab breaks the lines again each time. Lines depend on the width only, so the lines,
    width and height of an earlier wrap at that width are put back as they were: the same lines drawn."""

    def wrap(self, availWidth, availHeight):
        wraps = self.__dict__.setdefault("_wraps", {})
        known = wraps.get(availWidth)
        if known is None:
            size = super().wrap(availWidth, availHeight)
            if hasattr(self, "blPara"):  # a width too narrow to hold anything breaks nothing
                wraps[availWidth] = (size, self.blPara, self._wrapWidths)
            return size
        size, self.blPara, self._wrapWidths = known
        self.width, self.height = size
        return size


def markup(text: str) -> str:
    """User text as paragraph markup: right-to-left lines shaped and in visual order, escaped, line breaks
    kept, and each character the main font lacks set in the first installed fallback font that has it."""
    return _with_fallback(escape(pdf_rtl.visual(text))).replace("\n", "<br/>")


def _with_fallback(text: str) -> str:
    main = pdf_fonts.covered()
    if not main or all(ord(c) in main or c == "\n" for c in text):
        return text
    out = []
    for name, run in groupby(text, key=lambda c: None if ord(c) in main or c == "\n" else pdf_fonts.fallback_for(c)):
        run = "".join(run)
        out.append(f'<font name="{name}">{run}</font>' if name else run)
    return "".join(out)


def para(text, style: str = "body") -> Paragraph:
    """User text is escaped: markup typed into a field prints as text."""
    return Para(markup(text), STYLES[style])


def titled(title: str, body: str) -> Paragraph:
    """A bold title over its text, both escaped."""
    rest = "<br/>" + markup(body) if body else ""
    return Para(f"<b>{markup(title)}</b>{rest}", STYLES["cell"])


def link_cell(text: str) -> Paragraph:
    """Clickable links, each escaped; long addresses break anywhere (reportlab splits long words)."""
    urls = [u for u in (text or "").split("\n") if u.startswith(("http://", "https://"))]
    body = "<br/>".join(f'<link href="{escape(u, {chr(34): "&quot;"})}" color="blue">{markup(u)}</link>' for u in urls)
    return Para(body, STYLES["cell"])


def _cells(record) -> list:
    return [v if isinstance(v, Paragraph) else para(v, "cell") for v in record]


def tall_rows(cells: list, widths, limit: float = ROW_LIMIT) -> list[list]:
    """One record as table rows none taller than ``limit``: a long cell goes on in the rows below."""
    pieces = [_pieces(c, w - 2 * _PAD, limit - _PAD) for c, w in zip(cells, widths)]
    return [[p[n] if n < len(p) else "" for p in pieces] for n in range(max(map(len, pieces)))]


def _pieces(cell, width: float, limit: float) -> list:
    """A paragraph cut into parts that fit ``limit`` (a part may be the whole paragraph)."""
    out = []
    while isinstance(cell, Paragraph) and cell.wrap(width, limit)[1] > limit:
        parts = cell.split(width, limit)
        if len(parts) < 2:  # nothing reportlab can cut: leave it whole
            break
        out.append(parts[0])
        cell = parts[1]
    return out + [cell]


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as (first, last) runs of consecutive rows: [0, 1, 2, 5] -> [(0, 2), (5, 5)]."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    return [(a, b) for a, b in runs]


def _lines(ends: list[int]) -> TableStyle:
    """Lines between records only, so a record that runs over several rows reads as one cell.

    One command per run of one-row records: a table split at a page break copies every command of the
    rows after it, so one command per record made long lists slow to lay out."""
    return TableStyle([("BOX", (0, 0), (-1, -1), 0.4, colors.grey), ("LINEAFTER", (0, 0), (-2, -1), 0.4, colors.grey),
                       *(("LINEBELOW", (0, a), (-1, b), 0.4, colors.grey) for a, b in _runs(ends)),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0e6e6"))])


def table_body(columns, records, widths) -> tuple[list[list], list[int]]:
    """The rows of one table (header first, a tall record over several rows) and the last row of each record."""
    rows, ends = [[para(c, "head") for c in columns]], [0]
    for record in records:
        rows += tall_rows(_cells(record), widths)
        ends.append(len(rows) - 1)
    if not records:
        rows.append([para("Tidak ada informasi pada kategori ini.", "cell")] + [""] * (len(columns) - 1))
    return rows, ends


def _table(rows: list[list], ends: list[int], widths) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_lines(ends))
    if len(ends) == 1:  # no records: the "nothing here" line spans the table
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return table


def grouped_table(columns, groups, widths, closing: list | None = None) -> list:
    """One table per category (label, records), as ``grouped_tables`` lays them out."""
    return grouped_tables([(label, *table_body(columns, records, widths)) for label, records in groups], widths, closing)


def grouped_tables(groups: list[tuple[str, list[list], list[int]]], widths, closing: list | None = None) -> list:
    """One table per category (label, rows and record ends from ``table_body``), its heading kept with its
    first rows; the column header repeats on every page.

    Separate tables (not full-width spanned rows) keep a heading from being stranded at a page foot, and
    keep reportlab's layout linear in the number of rows. ``closing`` (the signature block) travels with
    the last rows of the last table, so it never stands alone on a page."""
    out = []
    for n, (label, rows, ends) in enumerate(groups, start=1):
        table = _table(rows, ends, widths)
        lead = [para(label, "group")] if label else []
        if n == len(groups) and closing:  # the heading, the last rows and the signature travel together
            out += [WithTail(table, closing, lead=lead)]
        else:  # room for the heading, the column header and a first row, or a new page
            out += [CondPageBreak(3.5 * cm), *lead, table, Spacer(1, 0.3 * cm)]
    return out


_shared = threading.local()


@contextmanager
def shared_layout():
    """Within this block the cells of a list are set (parsed, broken into lines, cut) once and reused by
    every PDF made of the same list: the list itself and the decree that carries it as an attachment.
    The cells are the same objects at the same column widths, so they print the same lines.
    Per thread: two renders never share a cell at the same time."""
    outer = getattr(_shared, "cells", None)
    _shared.cells = {} if outer is None else outer
    try:
        yield
    finally:
        _shared.cells = outer


def once(key, make):
    """``make()``, or within ``shared_layout`` what it made before for the same ``key``."""
    cache = getattr(_shared, "cells", None)
    if cache is None:
        return make()
    if key not in cache:
        cache[key] = make()
    return cache[key]


class WithTail(Flowable):
    """A table whose last rows stay on the page of what follows it (the signature block).

    Where the whole does not fit, the table is split above its last ``rows`` rows (the header repeats
    on the next page), so the closing block never starts a page of its own."""

    def __init__(self, table: Table, closing: list, rows: int = 2, lead: list | None = None):
        super().__init__()
        self.table, self.closing, self.rows, self.lead = table, closing, rows, lead or []

    def _heights(self, aW, aH) -> tuple[float, float]:
        """(table with what leads it, what closes it)."""
        for part in (*self.lead, self.table, *self.closing):  # what reportlab's frame would give each of them
            part.canv = getattr(self, "canv", None)
        lead_h = sum(f.wrap(aW, aH)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self.lead)
        return lead_h + self.table.wrap(aW, aH)[1], sum(f.wrap(aW, aH)[1] + f.getSpaceBefore() for f in self.closing)

    def wrap(self, aW, aH):  # claims more than the room there is, so that the frame asks split() for parts
        return aW, aH + 1

    def draw(self):  # never drawn whole: split() always hands back its parts
        pass

    def split(self, aW, aH):
        table_h, closing_h = self._heights(aW, aH)
        whole = [*self.lead, self.table, *self.closing]
        if table_h + closing_h <= aH:
            return whole
        data_rows = len(self.table._rowHeights) - 1
        tail = sum(self.table._rowHeights[-min(self.rows, data_rows):])
        lead_h = table_h - self.table._height
        parts = self.table.split(aW, min(aH, table_h - tail) - lead_h)
        if len(parts) == 2:
            return [*self.lead, parts[0], WithTail(parts[1], self.closing, self.rows)]
        at_top = getattr(getattr(self, "_frame", None), "_atTop", False)
        return whole if at_top else []  # on a fresh page: split as reportlab can


def signature(signer, decree: bool = False) -> list:
    """Letter style under a list; 'Ditetapkan di … pada tanggal …' under the decree itself.

    The position is printed in full and in capitals with a comma, above the space for the signature."""
    if signer is None:
        return []
    day = format_date_id(signer.day) if signer.day else "……………………"
    lines = ([f"Ditetapkan di {signer.place}", f"pada tanggal {day}"] if decree else [f"{signer.place}, {day}"])
    block = [para(t) for t in lines] + [Spacer(1, 0.2 * cm), para(f"{full_title(signer.position).upper()},")]
    block += [Spacer(1, 1.6 * cm), para(signer.name or "……………………………………", "bold")]
    if signer.nip:
        block.append(para(f"NIP. {signer.nip}"))
    table = Table([[block]], colWidths=[11 * cm], hAlign="RIGHT")
    return [Spacer(1, 0.5 * cm), table]  # one row: reportlab never splits it


def numbered_canvas(draft: bool, footer: str):
    """A canvas class that prints 'Halaman X dari Y', the footer, and DRAF across draft pages."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "initialFontName": REGULAR})  # no unused Helvetica in the file
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
            self.setFont(REGULAR, 7)
            label = f"Halaman {self._pageNumber} dari {total}"
            self.drawRightString(width - 1.5 * cm, 0.9 * cm, label)
            room = width - 3 * cm - self.stringWidth(label, REGULAR, 7) - 0.5 * cm
            for number, line in enumerate(simpleSplit(pdf_rtl.visual(footer), REGULAR, 7, room)[:2]):  # never under the page number
                self.drawString(1.5 * cm, 0.9 * cm - number * 9, line)
            if draft:
                self.saveState()
                self.setFont(BOLD, 90)
                self.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
                self.translate(width / 2, height / 2)
                self.rotate(30)
                self.drawCentredString(0, -30, "DRAF")
                self.restoreState()

    return NumberedCanvas
