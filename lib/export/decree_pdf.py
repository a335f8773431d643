"""The decree that establishes the DIP (Keputusan PPID), with the DIP and the DIK as lampiran.

Its wording is a setting (``decree_template``) with {kantor}, {tahun}, {jabatan}, {jabatan_kapital}.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Spacer, Table, TableStyle,
)

from lib.domain.workdays import format_date_id

from lib.export.document import PublicDocument
from lib.export.pdf_common import numbered_canvas, para, signature
from lib.export.pdf_export import header, lampiran


def _frame(size) -> Frame:
    return Frame(1.5 * cm, 1.5 * cm, size[0] - 3 * cm, size[1] - 3 * cm, id="isi")


def _decree_text(doc: PublicDocument) -> list:
    d = doc.version.decree
    position = doc.signer.position if doc.signer else "PPID"
    values = {"kantor": doc.office_name, "tahun": doc.version.tahun, "jabatan": position,
              "jabatan_kapital": position.upper()}
    try:
        text = doc.decree_text.format(**values)
    except (KeyError, IndexError, ValueError):  # a mistyped placeholder must not stop the decree
        text = doc.decree_text
    nomor = d.nomor if d else "…"
    story = [para(f"KEPUTUSAN {position.upper()}", "title"), para(f"NOMOR {nomor}", "center"),
             para("TENTANG", "center"), para(f"PENETAPAN DAFTAR INFORMASI PUBLIK {doc.period.upper()}", "center"),
             Spacer(1, 0.3 * cm), para("DENGAN RAHMAT TUHAN YANG MAHA ESA", "centerbold"),
             para(f"{position.upper()},", "center"), Spacer(1, 0.3 * cm)]
    rows = []
    for line in (t.strip() for t in text.split("\n") if t.strip()):
        if line.upper() == "MEMUTUSKAN":  # the legal bases (Mengingat) come right before the decision
            rows += _legal_bases(doc)
            story += [_labelled(rows), para("MEMUTUSKAN:", "centerbold")]
            rows = []
        else:
            label, _, body = line.partition(":")
            rows.append((label, body.strip()) if body else ("", line))
    return story + [_labelled(rows)]


def _labelled(rows: list[tuple[str, str]]):
    """The decree's label column (Menimbang, Mengingat, Menetapkan, KESATU …) beside indented text."""
    if not rows:
        return Spacer(1, 0)
    table = Table([[para(label), para(":" if label else ""), para(body)] for label, body in rows],
                  colWidths=[3.2 * cm, 0.4 * cm, 13.4 * cm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _legal_bases(doc: PublicDocument) -> list[tuple[str, str]]:
    return [("Mengingat" if n == 1 else "", f"{n}. {b}") for n, b in enumerate(doc.legal_bases, start=1)]


def _lampiran_block(doc: PublicDocument, number: str):
    """The top-right block of a decree's attachment: LAMPIRAN / KEPUTUSAN / NOMOR / TANGGAL."""
    d = doc.version.decree
    position = doc.signer.position if doc.signer else "PPID"
    lines = [f"LAMPIRAN {number}", f"KEPUTUSAN {position.upper()}", f"NOMOR {d.nomor if d else '…'}",
             f"TANGGAL {format_date_id(d.tanggal).upper() if d else '…'}"]
    table = Table([[[para(t) for t in lines]]], colWidths=[10 * cm], hAlign="RIGHT")
    return table


def render_decree(doc: PublicDocument) -> bytes:
    out = io.BytesIO()
    pdf = BaseDocTemplate(out, pagesize=A4, title=doc.decree_line, author=doc.office_name)
    pdf.addPageTemplates([PageTemplate("tegak", [_frame(A4)], pagesize=A4),
                          PageTemplate("mendatar", [_frame(landscape(A4))], pagesize=landscape(A4))])
    story = _decree_text(doc) + signature(doc.signer, decree=True)
    story += [NextPageTemplate("mendatar"), PageBreak(), _lampiran_block(doc, "I")]
    story += header(doc, "dip")[:1] + [Spacer(1, 0.3 * cm)] + lampiran(doc, "dip") + signature(doc.signer)
    story += [PageBreak(), _lampiran_block(doc, "II")] + header(doc, "dik")[:1] + [Spacer(1, 0.3 * cm)]
    story += lampiran(doc, "dik") + signature(doc.signer)
    pdf.build(story, canvasmaker=numbered_canvas(doc.draft, f"{doc.decree_line} — jejak audit {doc.audit_digest}"))
    return out.getvalue()
