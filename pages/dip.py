"""Daftar Informasi Publik: the latest published DIP, for everyone, no login."""
import streamlit as st

from lib import ui, views
from lib.domain.models import CATEGORIES, PUBLIC_CATEGORIES
from lib.services import publishing

ctx = ui.ctx()
st.title("Daftar Informasi Publik")
st.caption(ctx.settings()["office_name"])
published = publishing.latest_published(ctx)
if published is None:
    st.info("Daftar Informasi Publik belum diterbitkan. Silakan kembali lagi nanti.")
    st.stop()
v = published.version
st.write(f"{v.label}, ditetapkan dengan Keputusan PPID Nomor {v.decree.nomor} "
         f"tanggal {views.fdate(v.decree.tanggal)}.")
if v.upload_url:
    base = v.upload_url.rsplit("/", 1)[0]
    st.markdown("Unduh: " + " · ".join(f"[{n}]({base}/{n})" for n in v.upload_files))
left, mid, right = st.columns([3, 2, 1])
query = left.text_input("Cari informasi", key="dip:cari", placeholder="contoh: laporan keuangan")
shown = mid.multiselect("Kategori", [*PUBLIC_CATEGORIES, "dikecualikan"], format_func=CATEGORIES.get, key="dip:kategori")
years = sorted({str(r.data.get("tahun")) for r in published.rows if r.data.get("tahun")}, reverse=True)
year = right.selectbox("Tahun", ["", *years], format_func=lambda y: y or "Semua", key="dip:tahun")
rows = views.filter_public(published.rows, query, year)
for kategori in shown or (*PUBLIC_CATEGORIES, "dikecualikan"):
    in_cat = [r for r in rows if r.kategori == kategori]
    st.subheader(CATEGORIES[kategori])
    if in_cat:
        st.dataframe(views.snapshot_rows(in_cat, protected=False), hide_index=True)
    else:
        st.caption("Tidak ada informasi" + (" yang cocok dengan pencarian." if query or year else " pada kategori ini."))
