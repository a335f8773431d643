"""Daftar Informasi Publik: the latest uploaded DIP, for everyone, no login."""
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
    st.markdown(f"Unduh: [halaman HTML]({v.upload_url}) · [CSV]({v.upload_url.rsplit('/', 1)[0]}/dip.csv)")
query = st.text_input("Cari informasi", key="dip:cari", placeholder="contoh: laporan keuangan")
rows = [r for r in published.rows if not query or query.lower() in " ".join(map(str, r.data.values())).lower()]
for kategori in (*PUBLIC_CATEGORIES, "dikecualikan"):
    in_cat = [r for r in rows if r.kategori == kategori]
    st.subheader(CATEGORIES[kategori])
    if in_cat:
        st.dataframe(views.snapshot_rows(in_cat, protected=False), hide_index=True)
    else:
        st.caption("Tidak ada informasi" + (" yang cocok dengan pencarian." if query else " pada kategori ini."))
