"""One public item's own page in a publication (``item/<item id>.html``): its seven DIP fields, its files
with type and size, and the version and decree it belongs to. Exempt items get no page."""
from __future__ import annotations

from html import escape

from lib.domain.models import CATEGORIES, SnapshotRow
from lib.export.document import PublicDocument, dip_record, public_files
from lib.export.html_export import file_link, links_html
from lib.export.plain import neutralised

_STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:50rem;
color:#1a1a1a;padding:0 1rem;overflow-wrap:break-word}header{border-bottom:3px solid #8b1a1a;margin-bottom:1rem}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:minmax(8rem,16rem) 1fr;gap:.4rem 1rem}
dt{font-weight:600}dd{margin:0;white-space:pre-line}ul{padding-left:1.2rem}li{margin:.3rem 0}
small{color:#555}.draf{color:#b00;font-weight:bold;border:2px solid #b00;padding:.4rem;text-align:center}
@media (max-width:600px){dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}}"""

# The seven columns of Perki 1/2021, then the common extra ones.
FIELDS = (("nomor", "Nomor"), ("ringkasan", "Ringkasan Isi Informasi"),
          ("pejabat_penguasa", "Pejabat / Unit yang Menguasai Informasi"),
          ("penanggung_jawab", "Penanggung Jawab Pembuatan / Penerbitan Informasi"),
          ("waktu_tempat", "Waktu dan Tempat Pembuatan Informasi"),
          ("bentuk", "Bentuk Informasi yang Tersedia"),
          ("retensi", "Jangka Waktu Penyimpanan / Retensi Arsip"), ("tahun", "Tahun"))


def item_pages(doc: PublicDocument) -> dict[str, bytes]:
    """``item/<id>.html`` for every public item of the version (text without bidi controls, as every export)."""
    doc = neutralised(doc)
    return {f"item/{row.item_id}.html": render_item(doc, row) for _, rows in doc.dip_row_groups() for row in rows}


def _fields(row: SnapshotRow) -> str:
    record = dip_record(row)
    rows = [(label, escape(record[key] or "-")) for key, label in FIELDS]
    rows.insert(1, ("Kategori", escape(CATEGORIES.get(row.kategori, row.kategori))))
    if record["tautan"]:
        rows.append(("Tautan", links_html(record["tautan"])))
    return "<dl>" + "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows) + "</dl>"


def _files(row: SnapshotRow) -> str:
    files = public_files(row)
    if not files:
        return "<h2>Berkas</h2><p>Belum ada salinan elektronik yang diterbitkan untuk informasi ini.</p>"
    return "<h2>Berkas</h2><ul>" + "".join(f"<li>{file_link(f, '../../')}</li>" for f in files) + "</ul>"


def _documents(doc: PublicDocument) -> str:
    links = [("../dip.pdf", "Daftar Informasi Publik (PDF)"), ("../dip.html", "Daftar Informasi Publik (HTML)")]
    if not doc.imported:
        links.append(("../keputusan.pdf", "Keputusan PPID (PDF)"))
    return "<ul>" + "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in links) + "</ul>"


def render_item(doc: PublicDocument, row: SnapshotRow) -> bytes:
    title = row.data.get("judul") or ""
    draft = '<p class="draf">DRAF — belum disetujui, bukan dokumen resmi</p>' if doc.draft else ""
    page = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — {escape(doc.office_name)}</title><style>{_STYLE}</style></head><body>
<header>{draft}<p>{escape(doc.office_name)}</p><h1>{escape(title)}</h1>
<p>Bagian dari {escape(doc.title("dip"))}, ditetapkan dengan {escape(doc.decree_line)}.</p></header>
<main>{_fields(row)}{_files(row)}<h2>Dokumen versi ini</h2>{_documents(doc)}</main>
<footer><small>Jejak audit: {escape(doc.audit_digest)}</small></footer></body></html>"""
    return page.encode("utf-8")
