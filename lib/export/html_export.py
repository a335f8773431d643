"""A standalone, accessible HTML page (no external assets) with client-side search and filter."""
from __future__ import annotations

from html import escape
from urllib.parse import urlparse

from lib.domain.workdays import format_date_id
from lib.export import Exporter, register
from lib.export.document import DIK_COLUMNS, DIK_KEYS, DIP_COLUMNS, DIP_KEYS, LISTS, PublicDocument

_STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:80rem;
color:#1a1a1a;padding:0 1rem}header{border-bottom:3px solid #8b1a1a;margin-bottom:1rem}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:0 0 2rem;font-size:.85rem}
table{table-layout:fixed}th,td{border:1px solid #888;padding:.35rem;vertical-align:top;text-align:left;
overflow-wrap:anywhere}thead th{background:#f0e6e6}footer{margin-top:2rem}
caption{text-align:left;font-weight:bold;padding:.5rem 0;font-size:1.05rem}
.draf{color:#b00;font-weight:bold;font-size:1.3rem;border:2px solid #b00;padding:.4rem;text-align:center}
.ttd{margin:2rem 0 0 auto;width:22rem;text-align:left}.ttd .nama{margin-top:4rem;font-weight:bold}
.filter{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}small{color:#555}
@media print{.filter{display:none}}"""

_SCRIPT = """(function(){var q=document.getElementById('cari'),k=document.getElementById('kategori');
function f(){var t=q.value.toLowerCase(),c=k?k.value:'';document.querySelectorAll('table.daftar').forEach(
function(tb){var show=!c||tb.dataset.kategori===c;tb.hidden=!show;tb.querySelectorAll('tbody tr').forEach(
function(tr){tr.hidden=t&&tr.textContent.toLowerCase().indexOf(t)<0;});});}
q.addEventListener('input',f);if(k)k.addEventListener('change',f);})();"""


# Column widths (percent) so every category table lines up and long links cannot squeeze the text.
_WIDTHS = {"nomor": 5, "judul": 13, "ringkasan": 21, "pejabat_penguasa": 10, "penanggung_jawab": 10,
           "waktu_tempat": 9, "bentuk": 9, "retensi": 8, "tahun": 5, "tautan": 10, "dasar_pengecualian": 14,
           "konsekuensi_dibuka": 24, "konsekuensi_ditutup": 24, "jangka_waktu": 12, "berakhir": 10}


def _link(url: str) -> str:
    """Show the host, not a 200-character address; the full address is the link and its title."""
    host = urlparse(url).netloc or url
    return f'<a href="{escape(url)}" title="{escape(url)}" rel="noopener">{escape(host)}</a>'


def _cell(text: str, key: str) -> str:
    if key == "tautan" and text:
        return "<td>" + "<br>".join(_link(u) for u in text.split("\n") if u.startswith(("http://", "https://"))) + "</td>"
    return f"<td>{escape(text)}</td>"


def _table(caption: str, columns, keys, records: list[dict], group: str) -> str:
    cols = "".join(f'<col style="width:{_WIDTHS.get(k, 10)}%">' for k in keys)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(_cell(r[k], k) for k in keys) + "</tr>" for r in records)
    if not records:
        body = f'<tr><td colspan="{len(columns)}">Tidak ada informasi pada kategori ini.</td></tr>'
    return (f'<table class="daftar" data-kategori="{escape(group)}"><caption>{escape(caption)}</caption>'
            f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _changes(doc: PublicDocument) -> str:
    if doc.diff is None or doc.diff.is_empty:
        return ""
    items = [f"<li>Ditambahkan: {escape(r.data.get('judul') or '')}</li>" for r in doc.diff.added]
    items += [f"<li>Diubah: {escape(r.data.get('judul') or '')} ({escape(', '.join(c.label for c in ch))})</li>"
              for r, ch in doc.diff.changed]
    items += [f"<li>Dihapus: {escape(r.data.get('judul') or '')}</li>" for r in doc.diff.removed]
    return (f"<details><summary>Perubahan sejak versi sebelumnya ({escape(doc.diff.summary_id())})</summary>"
            f"<ul>{''.join(items)}</ul></details>")


def _signature(doc: PublicDocument) -> str:
    s = doc.signer
    if s is None:
        return ""
    nip = f"<div>NIP. {escape(s.nip)}</div>" if s.nip else ""
    day = format_date_id(s.day) if s.day else ""
    return (f'<div class="ttd"><div>{escape(s.place)}, {escape(day)}</div><div>{escape(s.position)}</div>'
            f'<div class="nama">{escape(s.name)}</div>{nip}</div>')


def _body(doc: PublicDocument, kind: str) -> str:
    if kind == "dik":
        return _table(LISTS["dik"], DIK_COLUMNS, DIK_KEYS, doc.dik_records(), "dik")
    return "".join(_table(label, DIP_COLUMNS, DIP_KEYS, rows, label) for label, rows in doc.dip_groups())


def _filter(doc: PublicDocument, kind: str) -> str:
    options = "".join(f'<option value="{escape(label)}">{escape(label)}</option>' for label, _ in doc.dip_groups())
    select = (f'<label for="kategori">Kategori:</label> <select id="kategori"><option value="">Semua</option>'
              f"{options}</select>") if kind == "dip" else ""
    return f'<div class="filter"><span><label for="cari">Cari:</label> <input id="cari" type="search"></span>{select}</div>'


def render(doc: PublicDocument, kind: str) -> bytes:
    draft = '<p class="draf">DRAF — belum disetujui, bukan dokumen resmi</p>' if doc.draft else ""
    updated = format_date_id(doc.version.decree.tanggal) if doc.version.decree else "-"
    page = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(doc.title(kind))}</title><style>{_STYLE}</style></head><body>
<header>{draft}<p>{escape(doc.office_name)}</p><h1>{escape(doc.title(kind))}</h1>
<p>Ditetapkan dengan {escape(doc.decree_line)}. Terakhir diperbarui: {escape(updated)}.</p></header>
<main>{_filter(doc, kind)}{_changes(doc) if kind == "dip" else ""}{_body(doc, kind)}{_signature(doc)}</main>
<footer><small>Jejak audit: {escape(doc.audit_digest)}</small></footer>
<script>{_SCRIPT}</script></body></html>"""
    return page.encode("utf-8")


register(Exporter("html", "Halaman HTML", "html", "text/html", render))
