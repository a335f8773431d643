"""The public page's pieces: a published item as a card, its own page (``?item=<id>``), the version's downloads.

Everything the public reads is plain text (st.text); button labels are read as Markdown, so they never
carry user text: a file is labelled by its number, type and size, its name shown beside it as text.
"""
from __future__ import annotations

import streamlit as st

from lib import views
from lib.domain.models import CATEGORIES
from lib.domain.versions import adoption_citation, exemption_period_text, pasal17_text
from lib.export.document import dip_record
from lib.services.public_files import PublicItem
from lib.ui import OFFICE_PARAM

ITEM_PARAM = "item"

CARDS_PER_PAGE = 50
LINK_WIDTH = 60  # px of the table's "Halaman" column
# The seven columns of Perki 1/2021 (with the title above), then the year.
SEVEN = (("ringkasan", "Ringkasan isi informasi"), ("pejabat_penguasa", "Pejabat / unit yang menguasai informasi"),
         ("penanggung_jawab", "Penanggung jawab pembuatan / penerbitan informasi"),
         ("waktu_tempat", "Waktu dan tempat pembuatan informasi"), ("bentuk", "Bentuk informasi yang tersedia"),
         ("retensi", "Jangka waktu penyimpanan / retensi arsip"), ("tahun", "Tahun"))


def downloads(version) -> None:
    """The version's documents, labelled by what they are: PDF first, the other formats folded."""
    links = views.download_links(version)
    main = [link for link in links if link[0].endswith("(PDF)")]
    with st.container(horizontal=True):
        for label, url in main:
            st.link_button(label, url, icon=":material/download:")
    with st.expander("Format lain (HTML, Excel, CSV, JSON)"):
        for label, url in links:
            if (label, url) not in main:
                st.link_button(label, url)


def cards(kategori: str, rows: list) -> None:
    """A category's cards, ``page_size`` at a time: a list of thousands stays quick to open on a phone,
    and "Tampilkan lebih banyak" adds the next ones (the search narrows the list first)."""
    key, page_size = f"dip:kartu-tampil:{kategori}", CARDS_PER_PAGE
    limit = max(st.session_state.get(key, page_size), page_size)
    for row in rows[:limit]:
        card(row)
    if len(rows) > limit:
        st.caption(f"Ditampilkan {limit:,} dari {len(rows):,} informasi.".replace(",", "."))
        if st.button("Tampilkan lebih banyak", key=f"{key}:tombol"):
            st.session_state[key] = limit + page_size
            st.rerun()


def card(row) -> None:
    c = views.public_card(row)
    with st.container(border=True, key=f"kartu-{row.item_id}", gap=None):
        st.container(key=f"judul-{row.item_id}").text(c.title)
        if c.summary:
            st.text(c.summary)
        facts = st.container(key=f"fakta-{row.item_id}", gap=None)
        for line in c.details:
            facts.text(line)
        with st.container(horizontal=True):
            st.link_button("Halaman informasi", item_link(row.item_id), type="tertiary",
                           icon=":material/description:")
            for label, url in c.links:
                st.link_button(label, url, type="tertiary", icon=":material/open_in_new:")


def item_link(item_id: str) -> str:
    """An item's own page, within the office whose list is shown (``?kantor=`` in a deployment of many)."""
    from urllib.parse import urlencode
    office = st.query_params.get(OFFICE_PARAM)
    return "?" + urlencode({ITEM_PARAM: item_id, **({OFFICE_PARAM: office} if office else {})})


def table(rows) -> None:
    """One category as a table of the seven columns, each row linking to its item's page."""
    shown = [r | {"Halaman": item_link(row.item_id)} for r, row in zip(views.public_table_rows(rows), rows)]
    sizes = {name: w for name, w in views.PUBLIC_TABLE_WIDTHS.items() if shown and name in shown[0]}
    widest = max(sizes, key=sizes.get, default="")
    sizes[widest] = sizes.get(widest, LINK_WIDTH) - LINK_WIDTH  # the link column fits in the same width
    widths = {name: st.column_config.Column(width=w) for name, w in sizes.items()}
    widths["Halaman"] = st.column_config.LinkColumn("Halaman", display_text="Buka", width=LINK_WIDTH)
    st.dataframe(shown, hide_index=True, column_config=widths)


def item_facts(row) -> list[tuple[str, str]]:
    """(label, value) of the item as the public may read it: the DIP columns, or the DIK's public fields."""
    d = row.data
    if row.kategori == "dikecualikan":
        return [("Nomor", str(row.nomor)), ("Kategori", CATEGORIES["dikecualikan"]),
                ("Dasar pengecualian", pasal17_text(d)), ("Konsekuensi apabila dibuka", d.get("konsekuensi_dibuka") or "-"),
                ("Konsekuensi apabila ditutup", d.get("konsekuensi_ditutup") or "-"),
                ("Jangka waktu pengecualian", exemption_period_text(d)),
                *([("Penetapan", adoption_citation(d))] if adoption_citation(d) else [])]
    record = dip_record(row)
    return [("Nomor", str(row.nomor)), ("Kategori", CATEGORIES.get(row.kategori, row.kategori)),
            *((label, record[key] or "-") for key, label in SEVEN)]


def item_page(item: PublicItem | None) -> None:
    """One item's own page: a permalink by item id, valid for as long as a published version lists it."""
    if st.button("Kembali ke daftar", icon=":material/arrow_back:"):
        office = st.query_params.get(OFFICE_PARAM)
        st.query_params.clear()
        if office:  # back to the same office's list
            st.query_params[OFFICE_PARAM] = office
        st.rerun()
    if item is None:
        st.info("Informasi ini tidak ada dalam Daftar Informasi Publik yang sedang berlaku.")
        return
    st.header(item.row.data.get("judul") or "-")
    facts = st.container(key="rincian-informasi")
    for label, value in item_facts(item.row):
        facts.text(f"{label}: {value}")
    _files(item)
    v = item.version
    st.subheader("Versi dan keputusan")
    st.text(f"{v.label}, ditetapkan dengan Keputusan PPID Nomor {v.decree.nomor} tanggal {views.fdate(v.decree.tanggal)}.")
    if v.upload_url:
        downloads(v)


def _files(item: PublicItem) -> None:
    if item.row.kategori == "dikecualikan":
        return
    st.subheader("Berkas")
    if not item.files:
        st.text("Belum ada salinan elektronik yang diterbitkan untuk informasi ini.")
    for n, f in enumerate(item.files, start=1):
        with st.container(border=True, key=f"berkas-{n}"):
            st.text(f"{f.filename} — {f.kind}, {f.size_text}")
            if item.url(f):
                st.link_button(f"Unduh berkas {n} ({f.kind}, {f.size_text})", item.url(f), icon=":material/download:")
