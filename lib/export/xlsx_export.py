"""XLSX: header styles, wrapped text, frozen header row, one sheet per category plus one with all."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from lib.export import Exporter, register
from lib.export.csv_export import neutralise
from lib.export.document import PublicDocument, table

_HEAD_FILL = PatternFill("solid", fgColor="F0E6E6")
_WIDTHS = {"Nomor": 8, "Tahun": 8}


def _sheet(wb: Workbook, title: str, columns, rows: list[list[str]]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([neutralise(c) for c in row])
    for col, name in zip(ws.columns, columns):
        ws.column_dimensions[col[0].column_letter].width = _WIDTHS.get(name, 30)
        for cell in col[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def _short(label: str) -> str:
    return label.replace("Informasi yang Wajib ", "").replace("Disediakan dan ", "")[:31]


def render(doc: PublicDocument, kind: str) -> bytes:
    columns, groups = table(doc, kind)
    wb = Workbook()
    wb.remove(wb.active)
    if kind == "dip":
        _sheet(wb, "Semua", ("Kategori", *columns), [[label, *r] for label, rows in groups for r in rows])
    for label, rows in groups:
        _sheet(wb, _short(label) if kind == "dip" else "DIK", columns, rows)
    wb.properties.title = doc.title(kind)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


register(Exporter("xlsx", "Excel (XLSX)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  render))
