"""XLSX: a printable list (title rows, the seven columns with borders, landscape, fit to width, header
repeated on every printed page, signature block) and a plain "Data" sheet for machines."""
from __future__ import annotations

import io
import math
from copy import copy
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from lib.domain.workdays import format_date_id
from lib.export import Exporter, register
from lib.export.csv_export import DRAFT_MARK, formula_like
from lib.export.document import DIK_COLUMNS, DIK_KEYS, DIP_COLUMNS, LISTS, PublicDocument, full_title, table

_CORE_DATES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
_HEAD_FILL = PatternFill("solid", fgColor="F0E6E6")
_GROUP_FILL = PatternFill("solid", fgColor="F7F2F2")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_DIP_PRINT = ("No", "Judul dan Ringkasan Isi Informasi", *DIP_COLUMNS[3:8])
_DIP_WIDTHS = (6, 45, 22, 22, 20, 18, 18)
_DIK_WIDTHS = (6, 30, 24, 38, 38, 18, 16)


def _printable(doc: PublicDocument, kind: str) -> tuple[tuple, tuple, list[tuple[str, list[list[str]]]]]:
    """(columns, widths, groups of rows) of the printed list."""
    if kind == "dik":
        return ("No", *DIK_COLUMNS[1:]), _DIK_WIDTHS, [("", [[r[k] for k in DIK_KEYS] for r in doc.dik_records()])]
    groups = [(label, [[r["nomor"], f"{r['judul']}\n{r['ringkasan']}".strip(), r["pejabat_penguasa"],
                        r["penanggung_jawab"], r["waktu_tempat"], r["bentuk"], r["retensi"]] for r in rows])
              for label, rows in doc.dip_groups()]
    return _DIP_PRINT, _DIP_WIDTHS, groups


def _line(ws: Worksheet, text: str, width: int, font: Font, align: str = "center") -> int:
    ws.append([text])
    row = ws.max_row
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.cell(row, 1).font, ws.cell(row, 1).alignment = font, Alignment(horizontal=align, wrap_text=True)
    return row


def _titles(ws: Worksheet, doc: PublicDocument, kind: str, width: int) -> None:
    if doc.draft:
        _line(ws, DRAFT_MARK, width, Font(bold=True, color="B00000", size=14))
    for text in (LISTS[kind].upper(), full_title(doc.office_name).upper(), doc.period.upper()):
        _line(ws, text, width, Font(bold=True, size=12))
    _line(ws, doc.decree_caption, width, Font(italic=True))
    ws.append([])


def _row(ws: Worksheet, values, widths, fill=None, bold=False) -> None:
    ws.append(list(values))
    row = ws._current_row  # the row just appended (max_row scans every cell: slow on long lists)
    first = ws.cell(row, 1)
    first.border, first.alignment = _BOX, _WRAP
    first.font = Font(bold=bold)
    if fill:
        first.fill = fill
    for col in range(2, len(widths) + 1):  # the same style: copied, not looked up again for every cell
        ws.cell(row, col)._style = copy(first._style)
    lines = max(sum(math.ceil(max(len(part), 1) / (w * 1.1)) for part in str(v).split("\n"))
                for v, w in zip(values, widths))
    ws.row_dimensions[row].height = 15 * max(lines, 1)


def _group(ws: Worksheet, label: str, width: int) -> None:
    _row(ws, [label] + [""] * (width - 1), [200] + [1] * (width - 1), _GROUP_FILL, bold=True)
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)


def _signature(ws: Worksheet, doc: PublicDocument, width: int) -> None:
    s = doc.signer
    if s is None:
        return
    day = format_date_id(s.day) if s.day else "……………"
    lines = ["", f"{s.place}, {day}", f"{full_title(s.position).upper()},", "", "", "", s.name or "……………………"]
    lines += [f"NIP. {s.nip}"] if s.nip else []
    first = max(width - 2, 1)
    for text in lines:
        ws.append([""] * (first - 1) + [text])
        ws.merge_cells(start_row=ws.max_row, start_column=first, end_row=ws.max_row, end_column=width)
        ws.cell(ws.max_row, first).alignment = Alignment(horizontal="center", wrap_text=True)
    ws.cell(ws.max_row - (1 if s.nip else 0), first).font = Font(bold=True, underline="single")


def _document_sheet(wb: Workbook, doc: PublicDocument, kind: str) -> None:
    columns, widths, groups = _printable(doc, kind)
    ws = wb.create_sheet(kind.upper())
    _titles(ws, doc, kind, len(columns))
    _row(ws, columns, widths, _HEAD_FILL, bold=True)
    head = ws.max_row
    for label, rows in groups:
        if label:
            _group(ws, label, len(columns))
        for values in rows or [["", "Tidak ada informasi pada kategori ini."] + [""] * (len(columns) - 2)]:
            _row(ws, values, widths)
    _signature(ws, doc, len(columns))
    for n, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = w
    ws.freeze_panes = ws.cell(head + 1, 1).coordinate
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Halaman &P dari &N"


def _data_sheet(wb: Workbook, doc: PublicDocument, kind: str) -> None:
    """One header row, one row per item, every column: for programs, not for printing."""
    columns, groups = table(doc, kind)
    ws = wb.create_sheet("Data")
    ws.append(["Kategori", *columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for label, rows in groups:
        for cells in rows:
            ws.append([label, *cells])
    ws.freeze_panes = "A2"
    for n, name in enumerate(["Kategori", *columns], start=1):
        ws.column_dimensions[get_column_letter(n)].width = 8 if name in ("Nomor", "Tahun") else 30


def as_typed(ws: Worksheet) -> None:
    """Text that looks like a formula stays text: a string cell with Excel's quote prefix (the
    apostrophe of typing '=…, which the cell does not show), so it reads exactly as typed and editing
    it never turns it into a formula."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and formula_like(cell.value):
                cell.data_type, cell.quotePrefix = "s", True


def render(doc: PublicDocument, kind: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _document_sheet(wb, doc, kind)
    _data_sheet(wb, doc, kind)
    for ws in wb.worksheets:
        as_typed(ws)
    wb.properties.title = ("DRAF — " if doc.draft else "") + doc.title(kind)
    out = io.BytesIO()
    wb.save(out)
    return _stamped(out.getvalue(), _stamp(doc))


def _stamp(doc: PublicDocument) -> datetime:
    """The document's own date (its decree's, else its creation), never the clock: an uploaded
    version exports to the same bytes whenever it is exported again."""
    d = doc.version.decree
    if d is not None:
        return datetime(d.tanggal.year, d.tanggal.month, d.tanggal.day)
    return datetime.fromisoformat(doc.version.created_at[:19])


def _stamped(data: bytes, when: datetime) -> bytes:
    """openpyxl writes the clock into docProps/core.xml and into every zip entry: put ``when`` instead."""
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: f"{m.group(1)}{iso}{m.group(2)}", content.decode()).encode()
            entry = zipfile.ZipInfo(info.filename, date_time=max(when, datetime(1980, 1, 1)).timetuple()[:6])
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


register(Exporter("xlsx", "Excel (XLSX)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  render))
