"""Daftar Informasi Publik: the latest published DIP, for everyone, no login.

Streamlit cannot see the screen width, so the list shows cards by default (readable on a phone and
on a laptop alike); "Tabel" gives the PPID the familiar sortable tables. User text is plain text.
"""
import streamlit as st

from lib import ui, ui_public, views
from lib.domain.models import CATEGORIES, PUBLIC_CATEGORIES
from lib.services import publishing

# Our own fixed markup (no user text): the page's language for screen readers (Streamlit's shell says
# "en"), and the cards' style: the title in bold, the facts smaller.
CARD_STYLE = """<script>document.documentElement.lang = "id";</script>
<style>[class*="st-key-kartu-"] [data-testid="stText"]{font-size:.9rem;line-height:1.35}
[class*="st-key-judul-"] [data-testid="stText"]{font-weight:700;font-size:1rem}
[class*="st-key-fakta-"] [data-testid="stText"]{font-size:.82rem;color:#3d3d3d}
.st-key-daftar h2{font-size:1.5rem}</style>"""
VIEWS = {"kartu": "Kartu", "tabel": "Tabel"}


def category(kategori: str, rows: list, as_table: bool, searching: bool) -> None:
    st.header(CATEGORIES[kategori])
    if not rows:
        st.text("Tidak ada informasi" + (" yang cocok dengan pencarian." if searching else " pada kategori ini."))
    elif as_table:
        ui_public.table(rows)
    else:
        ui_public.cards(kategori, rows)


ctx = ui.public_ctx()
st.html(CARD_STYLE, unsafe_allow_javascript=True)
st.title("Daftar Informasi Publik")
st.text(ctx.settings()["office_name"])
if st.query_params.get(ui_public.ITEM_PARAM):
    ui_public.item_page(publishing.published_item(ctx, st.query_params[ui_public.ITEM_PARAM]))
    st.stop()
published = ui.published(ctx)
if published is None:
    st.info("Daftar Informasi Publik belum diterbitkan. Silakan kembali lagi nanti.")
    st.stop()
v = published.version
st.text(f"{v.label}, ditetapkan dengan Keputusan PPID Nomor {v.decree.nomor} "
        f"tanggal {views.fdate(v.decree.tanggal)}.")
if v.upload_url:
    ui_public.downloads(v)
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
