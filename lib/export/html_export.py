"""A standalone, accessible HTML page (no external assets) with client-side search."""
from __future__ import annotations

from html import escape

from lib.domain.workdays import format_date_id
from lib.export import Exporter, register
from lib.export.document import DIK_COLUMNS, DIP_COLUMNS, PublicDocument

_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin-bottom:2rem;font-size:.9rem}
th,td{border:1px solid #999;padding:.35rem;vertical-align:top;text-align:left}
th{background:#eee}.draf{color:#b00;font-weight:bold;font-size:1.4rem}
caption{text-align:left;font-weight:bold;padding:.5rem 0}"""

_SCRIPT = """document.getElementById('cari').addEventListener('input',function(e){
var q=e.target.value.toLowerCase();document.querySelectorAll('tbody tr').forEach(function(tr){
tr.hidden=q&&tr.textContent.toLowerCase().indexOf(q)<0;});});"""


def _cell(text: str, column: str) -> str:
    if column == "Tautan" and text:
        links = "<br>".join(f'<a href="{escape(u)}" rel="noopener">{escape(u)}</a>'
                            for u in text.split("\n") if u.startswith(("http://", "https://")))
        return f"<td>{links}</td>"
    return f"<td>{escape(text)}</td>"


def _table(caption: str, columns, rows) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(_cell(v, c) for v, c in zip(r, columns)) + "</tr>" for r in rows)
    if not rows:
        body = f'<tr><td colspan="{len(columns)}">Tidak ada informasi pada kategori ini.</td></tr>'
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(doc: PublicDocument) -> bytes:
    v = doc.version
    draft = '<p class="draf">DRAF — belum disetujui untuk dipublikasikan</p>' if doc.draft else ""
    tables = "".join(_table(label, DIP_COLUMNS, rows) for label, rows in doc.dip_by_category())
    dik = _table("Daftar Informasi yang Dikecualikan", DIK_COLUMNS, doc.dik_table())
    updated = format_date_id(v.decree.tanggal) if v.decree else "-"
    page = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(doc.title)}</title><style>{_STYLE}</style></head><body><main>
{draft}<h1>{escape(doc.title)}</h1>
<p>Ditetapkan dengan {escape(doc.decree_line)}. Terakhir diperbarui: {escape(updated)}.</p>
<label for="cari">Cari informasi:</label> <input id="cari" type="search">
{tables}{dik}
<p><small>Jejak audit: {escape(doc.audit_digest)}</small></p></main>
<script>{_SCRIPT}</script></body></html>"""
    return page.encode("utf-8")


register(Exporter("html", "Halaman HTML", "dip.html", render))
