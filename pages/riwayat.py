"""Riwayat: the audit log, filterable and downloadable."""
import streamlit as st

from lib import ui, views
from lib.services import admin

actor = ui.guard("riwayat")
ctx = ui.ctx()
st.title("Riwayat (jejak audit)")
if not (actor.roles & {"ppid", "atasan", "admin"}):
    st.caption(ui.plain(f"Menampilkan riwayat informasi unit {actor.unit}."))
text = st.text_input("Cari (pengguna, aksi, kode, catatan)", key="riwayat:cari")
events = admin.audit_log(ctx, actor, text=text)
if not events:
    st.info("Belum ada riwayat yang cocok.")
    st.stop()
st.dataframe(views.event_rows(events, ctx.tz()), hide_index=True)
st.download_button("Unduh CSV", admin.audit_csv(events), file_name="riwayat-sidip.csv", mime="text/csv")
