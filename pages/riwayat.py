"""Riwayat: the audit log, filterable and downloadable."""
import streamlit as st

from lib import ui, views
from lib.services import admin

SHOWN = 500  # the newest events on screen; a search reads the whole log, the CSV holds all of it

actor = ui.guard("riwayat")
ctx = ui.ctx()
st.title("Riwayat (jejak audit)")
if not (actor.roles & {"ppid", "atasan", "admin"}):
    st.caption(ui.plain(f"Menampilkan riwayat informasi unit {actor.unit}."))
text = st.text_input("Cari (pengguna, aksi, kode, catatan)", key="riwayat:cari")
events = ui.cached(admin.audit_log, ctx, actor, text, "", SHOWN)
if not events:
    st.info("Belum ada riwayat yang cocok.")
    st.stop()
st.dataframe(views.event_rows(events, ctx.tz()), hide_index=True)
if len(events) == SHOWN:
    st.caption(f"Menampilkan {SHOWN} peristiwa terbaru yang cocok; unduhan CSV berisi semuanya.")
st.download_button("Unduh CSV", lambda: admin.audit_csv(admin.audit_log(ctx, actor, text=text)),
                   file_name="riwayat-sidip.csv", mime="text/csv")
