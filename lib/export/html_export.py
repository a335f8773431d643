"""A standalone, accessible HTML page (no external assets) with client-side search and filter.

Wide screens get one table per category; below 700 px the same table is laid out as cards (one per
row, with short labels), so a phone reads it without sideways scrolling.
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlparse

from lib.domain.models import CATEGORIES
from lib.domain.workdays import format_date_id
from lib.export import Exporter, register
from lib.export.document import (
    DIK_COLUMNS, DIK_KEYS, DIP_COLUMNS, DIP_KEYS, ITEM_FOLDER, LISTS, PublicDocument, PublicFile, dip_record,
    public_files,
)

NO_MATCH = "Tidak ada informasi yang cocok dengan pencarian."

_STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:80rem;
color:#1a1a1a;padding:0 1rem;overflow-wrap:break-word}header{border-bottom:3px solid #8b1a1a;margin-bottom:1rem}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:0 0 2rem;font-size:.85rem}
table{table-layout:fixed}th,td{border:1px solid #888;padding:.35rem;vertical-align:top;text-align:left;
overflow-wrap:break-word}thead th{background:#f0e6e6}footer{margin-top:2rem}[hidden]{display:none!important}
td.ringkasan,td.lebar{white-space:pre-line}
caption{text-align:left;font-weight:bold;padding:.5rem 0;font-size:1.05rem}
.draf{color:#b00;font-weight:bold;font-size:1.3rem;border:2px solid #b00;padding:.4rem;text-align:center}
.ttd{margin:2rem 0 0 auto;max-width:22rem;text-align:left}.ttd .nama{margin-top:4rem;font-weight:bold}
.filter{display:flex;gap:.5rem 1rem;flex-wrap:wrap;margin:1rem 0}select,input{max-width:100%}small{color:#555}
#tidak-ada:empty{display:none}#tidak-ada{font-weight:bold;padding:.5rem 0}
@media (max-width:700px){body{margin:1rem auto;padding:0 .6rem}h1{font-size:1.25rem}
table.daftar,table.daftar tbody,table.daftar caption{display:block;width:auto}
table.daftar thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.daftar tr{display:block;border:1px solid #888;border-radius:.4rem;margin:0 0 .6rem;padding:.4rem .5rem;
line-height:1.3}table.daftar tr::before{content:attr(data-jenis);font-size:.75rem;color:#6b1515;border:1px solid #6b1515;
border-radius:.6rem;padding:0 .35rem;margin-right:.4rem;vertical-align:.1rem}
table.daftar td{display:inline;border:0;padding:0;margin-right:.4rem;font-size:.8rem}table.daftar td:empty{display:none}
table.daftar td.nomor,table.daftar td.judul{font-weight:bold;font-size:.95rem;margin:0}
table.daftar td.nomor::after{content:". "}table.daftar td.judul::after{content:"";display:block;margin-bottom:.2rem}
table.daftar td.ringkasan,table.daftar td.lebar,table.daftar td[colspan]{display:block;font-size:.85rem;margin:0 0 .2rem}
table.daftar td[data-label]::before{content:attr(data-label) ": ";font-weight:600;white-space:nowrap}
table.daftar td.lebar::before{display:block}}
@media print{.filter{display:none}}"""

# Rows matching the search stay; a category with none left is hidden; nothing at all is said (aloud too).
_SCRIPT = """(function(){var q=document.getElementById('cari'),k=document.getElementById('kategori'),
m=document.getElementById('tidak-ada');function f(){var t=q.value.trim().toLowerCase(),c=k?k.value:'',n=0;
document.querySelectorAll('table.daftar').forEach(function(tb){var hits=0;
tb.querySelectorAll('tbody tr').forEach(function(tr){var hit=!t||tr.textContent.toLowerCase().indexOf(t)>=0;
tr.hidden=!hit;if(hit&&!tr.classList.contains('kosong'))hits++;});
var show=!c||tb.dataset.kategori===c;tb.hidden=!show||(t&&!hits);if(show)n+=hits;});
m.textContent=t&&!n?'""" + NO_MATCH + """':'';}
q.addEventListener('input',f);if(k)k.addEventListener('change',f);})();"""


# Column widths (percent) so every category table lines up and long links cannot squeeze the text.
_WIDTHS = {"nomor": 5, "judul": 13, "ringkasan": 20, "pejabat_penguasa": 11, "penanggung_jawab": 11,
           "waktu_tempat": 9, "bentuk": 9, "retensi": 10, "tahun": 5, "tautan": 7, "dasar_pengecualian": 14,
           "konsekuensi_dibuka": 24, "konsekuensi_ditutup": 24, "jangka_waktu": 12, "berakhir": 10}
# On a phone every row is a card: these short labels stand before the values (title and summary need none).
_CARD_LABELS = {"pejabat_penguasa": "Unit", "penanggung_jawab": "Penanggung jawab", "waktu_tempat": "Waktu & tempat",
                "bentuk": "Bentuk", "retensi": "Retensi", "tahun": "Tahun", "tautan": "Tautan",
                "dasar_pengecualian": "Dasar pengecualian", "konsekuensi_dibuka": "Konsekuensi apabila dibuka",
                "konsekuensi_ditutup": "Konsekuensi apabila ditutup", "jangka_waktu": "Jangka waktu",
                "berakhir": "Berakhir"}
_SHORT = {label: key.replace("_", " ").capitalize() for key, label in CATEGORIES.items()} | {LISTS["dik"]: "Dikecualikan"}


def _link(url: str) -> str:
    """Show the host, not a 200-character address; the full address is the link and its title."""
    host = urlparse(url).netloc or url
    return f'<a href="{escape(url)}" title="{escape(url)}" rel="noopener">{escape(host)}</a>'


def file_link(f: PublicFile, up: str, short: bool = False) -> str:
    """A published file linking to its copy under berkas/ (``up``: the path to the root), with type and size.

    In the list's narrow Tautan column it reads "Berkas PDF" (the name in its title); on the item page, its name."""
    text = f"Berkas {f.kind}" if short else f.filename
    return (f'<a href="{up}{escape(f.path)}" title="{escape(f.filename)}" download>{escape(text)}</a> '
            f'<small>({escape(f.kind)}, {escape(f.size_text)})</small>')


def links_html(text: str) -> str:
    return "<br>".join(_link(u) for u in text.split("\n") if u.startswith(("http://", "https://")))


def _cell(text: str, key: str, doc: PublicDocument | None = None, row=None) -> str:
    label = f' data-label="{escape(_CARD_LABELS[key])}"' if key in _CARD_LABELS else ""
    css = key + (" lebar" if key.startswith("konsekuensi") else "")
    content = links_html(text) if key == "tautan" else escape(text)
    if key == "dasar_pengecualian":  # an adopted exemption's citation stands on its own line
        content = content.replace("\n", "<br>")
    if doc is not None and row is not None and doc.publication:
        content = _published(content, key, row)
    return f'<td class="{css}"{label}>{content}</td>'


def _published(content: str, key: str, row) -> str:
    """In a publication the title links to the item's page and the Tautan cell lists the item's files."""
    if key == "judul":
        return f'<a href="{ITEM_FOLDER}/{escape(row.item_id)}.html">{content}</a>'
    if key == "tautan":
        return "<br>".join(filter(None, [content, *(file_link(f, "../", short=True) for f in public_files(row))]))
    return content


def _table(caption: str, columns, keys, records: list[tuple[dict, object]], group: str,
           doc: PublicDocument | None = None) -> str:
    cols = "".join(f'<col style="width:{_WIDTHS.get(k, 10)}%">' for k in keys)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    short = escape(_SHORT.get(caption, caption))
    body = "".join(f'<tr data-jenis="{short}">' + " ".join(_cell(r[k], k, doc, row) for k in keys)
                   + "</tr>" for r, row in records)
    if not records:
        body = (f'<tr class="kosong" data-jenis="{short}"><td colspan="{len(columns)}">'
                "Tidak ada informasi pada kategori ini.</td></tr>")
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
        return _table(LISTS["dik"], DIK_COLUMNS, DIK_KEYS, [(r, None) for r in doc.dik_records()], "dik")
    return "".join(_table(label, DIP_COLUMNS, DIP_KEYS, [(dip_record(r), r) for r in rows], label, doc)
                   for label, rows in doc.dip_row_groups())


def _filter(doc: PublicDocument, kind: str) -> str:
    options = "".join(f'<option value="{escape(label)}">{escape(label)}</option>' for label, _ in doc.dip_groups())
    select = (f'<label for="kategori">Kategori:</label> <select id="kategori"><option value="">Semua</option>'
              f"{options}</select>") if kind == "dip" else ""
    return (f'<div class="filter"><span><label for="cari">Cari:</label> <input id="cari" type="search"></span>{select}</div>'
            '<p id="tidak-ada" role="status"></p>')


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
