"""PDF of the DIP or the DIK: landscape A4, the Perki columns, category rows, repeated headers,
page numbers, the decree header and the signature block."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import SimpleDocTemplate, Spacer

from lib.export import Exporter, register
from lib.export.document import DIK_COLUMNS, DIK_KEYS, DIP_COLUMNS, DIP_KEYS, PublicDocument
from lib.export.pdf_common import grouped_tables, link_cell, numbered_canvas, once, para, signature, table_body, titled

# Judul is printed above the summary, so the PDF shows the seven Perki columns.
_DIP_PDF_COLUMNS = ("No", "Judul dan Ringkasan Isi Informasi", *DIP_COLUMNS[3:8], "Tautan")
_DIP_WIDTHS = [1.0, 6.2, 3.2, 3.2, 3.0, 2.6, 2.6, 4.6]
_DIK_WIDTHS = [1.0, 5.4, 3.8, 5.6, 5.6, 2.6, 2.4]  # the same 26.4 cm as the DIP table


def lampiran(doc: PublicDocument, kind: str, closing: list | None = None) -> list:
    """The list as flowables (also used as the decree's attachment), ``closing`` kept with its last rows.

    Within ``shared_layout`` the cells of a list with the same records are set once (see there)."""
    groups = [("", doc.dik_records())] if kind == "dik" else doc.dip_groups()
    key = (kind, tuple((label, tuple(tuple(r.values()) for r in records)) for label, records in groups))
    widths = [w * cm for w in (_DIK_WIDTHS if kind == "dik" else _DIP_WIDTHS)]
    return grouped_tables(once(key, lambda: _bodies(kind, groups, widths)), widths, closing)


def _bodies(kind: str, groups: list[tuple[str, list[dict]]], widths) -> list:
    if kind == "dik":
        columns, cells = ("No", *DIK_COLUMNS[1:]), (lambda r: [r[k] for k in DIK_KEYS])
    else:
        columns, cells = _DIP_PDF_COLUMNS, _dip_cells
    return [(label, *table_body(columns, [cells(r) for r in records], widths)) for label, records in groups]


def _dip_cells(r: dict) -> list:
    return [r["nomor"], titled(r["judul"], r["ringkasan"]), *(r[k] for k in DIP_KEYS[3:8]), link_cell(r["tautan"])]


def header(doc: PublicDocument, kind: str) -> list:
    return [para(doc.title(kind).upper(), "title"), para(doc.decree_caption, "center"),
            Spacer(1, 0.4 * cm)]


def render(doc: PublicDocument, kind: str) -> bytes:
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=1.2 * cm, rightMargin=1.2 * cm,
                            topMargin=1.2 * cm, bottomMargin=1.5 * cm, title=doc.title(kind),
                            author=doc.office_name)
    story = header(doc, kind) + lampiran(doc, kind, signature(doc.signer))
    pdf.build(story, canvasmaker=numbered_canvas(doc.draft, f"{doc.title(kind)} — jejak audit {doc.audit_digest}"))
    return out.getvalue()


register(Exporter("pdf", "PDF (cetak)", "pdf", "application/pdf", render))
