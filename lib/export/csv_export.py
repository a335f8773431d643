"""CSV: UTF-8 with BOM so Excel opens it right; formula prefixes neutralised."""
from __future__ import annotations

import csv
import io

from lib.export import Exporter, register
from lib.export.document import PublicDocument, table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A leading apostrophe keeps Excel/Sheets from reading user text as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def render(doc: PublicDocument, kind: str) -> bytes:
    columns, groups = table(doc, kind)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Kategori", *columns])
    for label, rows in groups:
        for cells in rows:
            writer.writerow([neutralise(c) for c in [label, *cells]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


register(Exporter("csv", "CSV (Excel)", "csv", "text/csv", render))
