"""CSV: UTF-8 with BOM so Excel opens it right; formula prefixes neutralised; a draft says so first."""
from __future__ import annotations

import csv
import io

from lib.export import Exporter, register
from lib.export.document import PublicDocument, table

DRAFT_MARK = "DRAF — belum disetujui"
_FORMULA_START = ("=", "+", "@", "\t", "\r")


def formula_like(cell: str) -> bool:
    """Whether a spreadsheet could take the text for a formula: a lone "-" (a blank in a list) or a
    dash before a space ("- catatan") could not."""
    return cell.startswith(_FORMULA_START) or (cell.startswith("-") and cell[1:2] not in ("", " "))


def neutralise(cell: str) -> str:
    """A leading apostrophe keeps Excel/Sheets from reading CSV text as a formula, only where needed."""
    return "'" + cell if formula_like(cell) else cell


def render(doc: PublicDocument, kind: str) -> bytes:
    columns, groups = table(doc, kind)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if doc.draft:
        writer.writerow([DRAFT_MARK])
    writer.writerow(["Kategori", *columns])
    for label, rows in groups:
        for cells in rows:
            writer.writerow([neutralise(c) for c in [label, *cells]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


register(Exporter("csv", "CSV (Excel)", "csv", "text/csv", render))
