"""Daftar Informasi Publik: the latest published DIP, for everyone, no login.

Streamlit cannot see the screen width, so the list shows cards by default (readable on a phone and
on a laptop alike); "Tabel" gives the PPID the familiar sortable tables. User text is plain text.
"""
import streamlit as st

from lib import ui, views
from lib.domain.models import CATEGORIES, PUBLIC_CATEGORIES

# Our own fixed markup (no user text): the page's language for screen readers (Streamlit's shell says
# "en"), and the cards' style: the title in bold, the facts smaller.
CARD_STYLE = """<script>document.documentElement.lang = "id";</script>
<style>[class*="st-key-kartu-"] [data-testid="stText"]{font-size:.9rem;line-height:1.35}
[class*="st-key-judul-"] [data-testid="stText"]{font-weight:700;font-size:1rem}
[class*="st-key-fakta-"] [data-testid="stText"]{font-size:.82rem;color:#3d3d3d}
.st-key-daftar h2{font-size:1.5rem}</style>"""
VIEWS = {"kartu": "Kartu", "tabel": "Tabel"}


def downloads(version) -> None:
    links = views.download_links(version)
    main = [link for link in links if link[0].endswith("(PDF)")]
    with st.container(horizontal=True):
        for label, url in main:
            st.link_button(label, url, icon=":material/download:")
    with st.expander("Format lain (HTML, Excel, CSV, JSON)"):
        for label, url in links:
            if (label, url) not in main:
                st.link_button(label, url)


def card(row) -> None:
    c = views.public_card(row)
    with st.container(border=True, key=f"kartu-{row.item_id}", gap=None):
        st.container(key=f"judul-{row.item_id}").text(c.title)
        if c.summary:
            st.text(c.summary)
        facts = st.container(key=f"fakta-{row.item_id}", gap=None)
        for line in c.details:
            facts.text(line)
        for label, url in c.links:
            st.link_button(label, url, type="tertiary", icon=":material/open_in_new:")


def category(kategori: str, rows: list, as_table: bool, searching: bool) -> None:
    st.header(CATEGORIES[kategori])
    if not rows:
        st.text("Tidak ada informasi" + (" yang cocok dengan pencarian." if searching else " pada kategori ini."))
    elif as_table:
        widths = {name: st.column_config.Column(width=w) for name, w in views.PUBLIC_TABLE_WIDTHS.items()}
        st.dataframe(views.public_table_rows(rows), hide_index=True, column_config=widths)
    else:
        for row in rows:
            card(row)


ctx = ui.ctx()
st.html(CARD_STYLE, unsafe_allow_javascript=True)
st.title("Daftar Informasi Publik")
st.text(ctx.settings()["office_name"])
published = ui.published(ctx)
if published is None:
    st.info("Daftar Informasi Publik belum diterbitkan. Silakan kembali lagi nanti.")
    st.stop()
v = published.version
st.text(f"{v.label}, ditetapkan dengan Keputusan PPID Nomor {v.decree.nomor} "
        f"tanggal {views.fdate(v.decree.tanggal)}.")
if v.upload_url:
    downloads(v)
left, mid, right = st.columns([3, 2, 1])
query = left.text_input("Cari informasi", key="dip:cari", placeholder="contoh: laporan keuangan")
shown = mid.multiselect("Kategori", [*PUBLIC_CATEGORIES, "dikecualikan"], format_func=CATEGORIES.get,
                        placeholder="Semua kategori", key="dip:kategori")
years = sorted({str(r.data.get("tahun")) for r in published.rows if r.data.get("tahun")}, reverse=True)
year = right.selectbox("Tahun", ["", *years], format_func=lambda y: y or "Semua", key="dip:tahun")
view = st.segmented_control("Tampilan", list(VIEWS), format_func=VIEWS.get, default="kartu", required=True,
                            key="dip:tampilan")
rows = views.filter_public(published.rows, query, year)
if not rows and (query or year):
    st.info(views.NO_MATCH)
    st.stop()
with st.container(key="daftar"):
    for kategori in shown or (*PUBLIC_CATEGORIES, "dikecualikan"):
        category(kategori, [r for r in rows if r.kategori == kategori], view == "tabel", bool(query or year))
