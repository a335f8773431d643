"""The decree that establishes the DIP (Keputusan PPID), with the DIP and the DIK as lampiran.

Its wording is a setting (``decree_template``): one ``Label: text`` line per part (a line without a
label continues the part above; Menimbang items are lettered, Mengingat items numbered), a line
``MEMUTUSKAN`` where the legal bases end, and the placeholders listed in ``PLACEHOLDERS``.
"""
from __future__ import annotations

import io
import re
from datetime import date

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    BaseDocTemplate, Frame, Image, NextPageTemplate, PageBreak, PageTemplate, Spacer, Table, TableStyle,
)

from lib.domain.versions import dik_rows, is_adopted
from lib.domain.workdays import format_date_id
from lib.errors import SidipError
from lib.export.document import PublicDocument, full_title
from lib.export.pdf_common import WithTail, numbered_canvas, para, signature
from lib.export.pdf_export import header, lampiran
from lib.export.plain import neutralised

PLACEHOLDERS = ("kantor", "kantor_kapital", "tahun", "periode", "periode_kapital", "jabatan", "jabatan_kapital",
                "uji_konsekuensi", "pertimbangan")
IMPORTED = "Versi ini ditetapkan di luar SIDIP; lampirkan pindaian keputusan aslinya."
CONSEQUENCE_TEST = ("bahwa {jabatan} telah melakukan uji konsekuensi sebagaimana dimaksud dalam Pasal 19 "
                    "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik terhadap informasi "
                    "yang dinyatakan dikecualikan sebagaimana tercantum dalam Lampiran II;")

# As the default legal bases cite it (lib/services/context.py): the regulation that places the consequence
# test of exempt information at KPU RI and KPU Provinsi.
PKPU_INFORMATION = ("Peraturan Komisi Pemilihan Umum Nomor 22 Tahun 2023 tentang Pengelolaan dan Pelayanan Informasi "
                    "Publik di Komisi Pemilihan Umum, Komisi Pemilihan Umum Provinsi, dan Komisi Pemilihan Umum "
                    "Kabupaten/Kota sebagaimana telah beberapa kali diubah terakhir dengan Peraturan Komisi "
                    "Pemilihan Umum Nomor 4 Tahun 2025")
ADOPTED_TEST = ("bahwa uji konsekuensi terhadap informasi yang dikecualikan yang ditetapkan dengan Keputusan {induk} "
                "Nomor {nomor} tanggal {tanggal} telah dilakukan oleh {induk} sesuai dengan " + PKPU_INFORMATION
                + ", sehingga informasi tersebut dinyatakan pula sebagai informasi yang dikecualikan di {kantor} "
                "sebagaimana tercantum dalam Lampiran II;")


class _Keep(dict):
    def __missing__(self, key):  # filled in a second pass, or left visible for the office to fix
        return "{" + key + "}"


def _values(doc: PublicDocument) -> dict:
    position = full_title(_position(doc))
    office = full_title(doc.office_name)
    values = {"kantor": office, "kantor_kapital": office.upper(), "tahun": doc.version.tahun,
              "periode": doc.period, "periode_kapital": doc.period.upper(), "jabatan": position,
              "jabatan_kapital": position.upper()}
    values["uji_konsekuensi"] = _consequence_tests(doc, values)
    return _Keep(values)


def _consequence_tests(doc: PublicDocument, values: dict) -> str:
    """The office's own consequence test, and one clause per parent decree whose exemptions it adopts."""
    rows = dik_rows(doc.rows)
    own = [CONSEQUENCE_TEST.format(**values)] if any(not is_adopted(r) for r in rows) else []
    decrees = dict.fromkeys(tuple(sorted((r.data.get("keputusan_induk") or {}).items())) for r in rows if is_adopted(r))
    adopted = [ADOPTED_TEST.format(induk=full_title(d.get("jabatan") or ""), nomor=d.get("nomor") or "-",
                                   tanggal=_date_text(d.get("tanggal")), kantor=values["kantor"])
               for d in map(dict, decrees)]
    return "\n".join(own + adopted)


def _date_text(iso) -> str:
    try:
        return format_date_id(date.fromisoformat(str(iso)))
    except ValueError:
        return "-"


def _position(doc: PublicDocument) -> str:
    return doc.signer.position if doc.signer else "PPID " + doc.office_name


def _sections(doc: PublicDocument) -> list[tuple[str, list[str]]]:
    """(label, items) in the template's order; a part that came out empty is left out."""
    try:
        text = doc.decree_text.format_map(_values(doc))
    except (IndexError, ValueError, AttributeError):  # a mistyped placeholder must not stop the decree
        text = doc.decree_text
    sections: list[tuple[str, list[str]]] = []
    for line in (t.strip() for t in text.split("\n")):
        label, colon, body = line.partition(":")
        if line.rstrip(":").strip().upper() == "MEMUTUSKAN":
            sections.append(("MEMUTUSKAN", []))
        elif colon and label.strip() and " " not in label.strip() and body.strip():
            sections.append((label.strip(), [body.strip()]))
        elif line and sections and sections[-1][0] != "MEMUTUSKAN":
            sections[-1][1].append(line)
        elif line:
            sections.append(("", [line]))
    return sections


def _considered(count: int) -> str:
    letters = [f"huruf {chr(97 + n)}" for n in range(count)]
    return letters[0] if count == 1 else ", ".join(letters[:-1]) + ("," if count > 2 else "") + " dan " + letters[-1]


def _rows(label: str, items: list[str]) -> list[tuple[str, str]]:
    if label == "Menimbang" and len(items) > 1:
        items = [f"{chr(97 + n)}. {t.replace('{pertimbangan}', _considered(max(n, 1)))}" for n, t in enumerate(items)]
    return [(label if n == 0 else "", t) for n, t in enumerate(items)]


def legal_basis_items(bases) -> list[str]:
    """Numbered, each ending with ';' and the last with '.', whatever punctuation the office typed."""
    clean = [b.strip().rstrip(";.,").rstrip() for b in bases if b.strip()]
    return [f"{n}. {b}{'.' if n == len(clean) else ';'}" for n, b in enumerate(clean, start=1)]


def _body(doc: PublicDocument) -> list:
    """Menimbang … Mengingat, MEMUTUSKAN, Menetapkan … KEEMPAT, the signature kept with the last part."""
    story, rows = [], []
    for label, items in _sections(doc):
        if label == "MEMUTUSKAN":  # the legal bases (Mengingat) come right before the decision
            bases = legal_basis_items(doc.legal_bases)
            rows += [("Mengingat" if n == 0 else "", b) for n, b in enumerate(bases)]
            story += [_labelled(rows), para("MEMUTUSKAN:", "centerbold")]
            rows = []
        else:
            rows += _rows(label, items)
    return story + [WithTail(_labelled(rows), signature(doc.signer, decree=True), rows=1)]


def _heading(doc: PublicDocument) -> list:
    d, position = doc.version.decree, full_title(_position(doc)).upper()
    return [*_letterhead(doc), para(f"KEPUTUSAN {position}", "title"), para(f"NOMOR {d.nomor if d else '…'}", "center"),
            para("TENTANG", "center"), para(_about(doc), "center"), Spacer(1, 0.3 * cm),
            para("DENGAN RAHMAT TUHAN YANG MAHA ESA", "centerbold"), para(f"{position},", "center"), Spacer(1, 0.3 * cm)]


def _about(doc: PublicDocument) -> str:
    return f"PENETAPAN DAFTAR INFORMASI PUBLIK {full_title(doc.office_name).upper()} {doc.period.upper()}"


def _letterhead(doc: PublicDocument) -> list:
    """The office's kop surat across the top of the first page, if one was uploaded."""
    if not doc.letterhead:
        return []
    width, height = ImageReader(io.BytesIO(doc.letterhead)).getSize()
    w = 18 * cm
    h = min(w * height / width, 4 * cm)
    return [Image(io.BytesIO(doc.letterhead), width=h * width / height, height=h), Spacer(1, 0.4 * cm)]


_MARKER = re.compile(r"^([a-z]|\d{1,2})\.\s+")


def _labelled(rows: list[tuple[str, str]]):
    """The decree's label column (Menimbang, Mengingat, Menetapkan, KESATU …) beside indented text;
    lettered and numbered items hang after their marker."""
    cells, spans = [], []
    for n, (label, body) in enumerate(rows or [("", "")]):
        marker = _MARKER.match(body)
        text = body[marker.end():] if marker else body
        cells.append([para(label), para(":" if label else ""), para(marker.group(0).strip() if marker else ""),
                      para(text)])
        if not marker:
            spans.append(("SPAN", (2, n), (3, n)))
            cells[-1][2], cells[-1][3] = para(text), ""
    table = Table(cells, colWidths=[3.2 * cm, 0.4 * cm, 0.7 * cm, 12.7 * cm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0), *spans]))
    return table


def _lampiran_block(doc: PublicDocument, number: str):
    """The top-right block of a decree's attachment: LAMPIRAN / KEPUTUSAN / NOMOR / TANGGAL / TENTANG."""
    d = doc.version.decree
    lines = [f"LAMPIRAN {number}", f"KEPUTUSAN {full_title(_position(doc)).upper()}",
             f"NOMOR {d.nomor if d else '…'}", f"TANGGAL {format_date_id(d.tanggal).upper() if d else '…'}",
             f"TENTANG {_about(doc)}"]
    return Table([[[para(t) for t in lines]]], colWidths=[11 * cm], hAlign="RIGHT")


def _attachment(doc: PublicDocument, kind: str, number: str) -> list:
    return [_lampiran_block(doc, number), *header(doc, kind)[:1], Spacer(1, 0.3 * cm),
            *lampiran(doc, kind, signature(doc.signer))]


def render_decree(doc: PublicDocument) -> bytes:
    if doc.imported:  # SIDIP prints no decree in the office's name that it did not issue
        raise SidipError(IMPORTED)
    doc = neutralised(doc)
    out = io.BytesIO()
    pdf = BaseDocTemplate(out, pagesize=A4, title=f"Keputusan — {_about(doc).capitalize()}", author=doc.office_name)
    pdf.addPageTemplates([PageTemplate("tegak", [_frame(A4)], pagesize=A4),
                          PageTemplate("mendatar", [_frame(landscape(A4))], pagesize=landscape(A4))])
    story = _heading(doc) + _body(doc) + [NextPageTemplate("mendatar"), PageBreak()]
    story += _attachment(doc, "dip", "I") + [PageBreak()] + _attachment(doc, "dik", "II")
    pdf.build(story, canvasmaker=numbered_canvas(doc.draft, f"{doc.decree_line} — jejak audit {doc.audit_digest}"))
    return out.getvalue()


def _frame(size) -> Frame:
    return Frame(1.5 * cm, 1.5 * cm, size[0] - 3 * cm, size[1] - 3 * cm, id="isi")
