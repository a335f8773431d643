"""The decree that establishes the DIP (Keputusan PPID), with the DIP and the DIK as lampiran.

Its wording is a setting (``decree_template``) with {kantor}, {tahun}, {jabatan}, {jabatan_kapital}.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Spacer,
)

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
             para(f"TENTANG PENETAPAN DAFTAR INFORMASI PUBLIK {doc.period.upper()}", "center"),
             Spacer(1, 0.5 * cm)]
    for line in (t.strip() for t in text.split("\n") if t.strip()):
        if line.upper() == "MEMUTUSKAN":  # the legal bases (Mengingat) come right before the decision
            story += _legal_bases(doc) + [para("MEMUTUSKAN", "center")]
        else:
            story.append(para(line))
    return story


def _legal_bases(doc: PublicDocument) -> list:
    if not doc.legal_bases:
        return []
    return [para("Mengingat:")] + [para(f"{n}. {b}") for n, b in enumerate(doc.legal_bases, start=1)]


def render_decree(doc: PublicDocument) -> bytes:
    out = io.BytesIO()
    pdf = BaseDocTemplate(out, pagesize=A4, title=f"Keputusan {doc.decree_line}", author=doc.office_name)
    pdf.addPageTemplates([PageTemplate("tegak", [_frame(A4)], pagesize=A4),
                          PageTemplate("mendatar", [_frame(landscape(A4))], pagesize=landscape(A4))])
    story = _decree_text(doc) + signature(doc.signer)
    story += [NextPageTemplate("mendatar"), PageBreak(), para("LAMPIRAN I", "center")]
    story += header(doc, "dip") + lampiran(doc, "dip") + signature(doc.signer)
    story += [PageBreak(), para("LAMPIRAN II", "center")] + header(doc, "dik") + lampiran(doc, "dik")
    story += signature(doc.signer)
    pdf.build(story, canvasmaker=numbered_canvas(doc.draft, f"{doc.decree_line} — jejak audit {doc.audit_digest}"))
    return out.getvalue()
