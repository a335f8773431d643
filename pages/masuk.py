"""Masuk: login form."""
import streamlit as st

from lib import ui
from lib.services import auth

st.title("Masuk ke SIDIP")
st.caption(ui.plain(f"Sistem Informasi Daftar Informasi Publik — {ui.ctx().settings()['office_name']}"))
ui.flash()
ui.form_error("masuk")
with st.form("masuk"):
    username = st.text_input("Nama pengguna", key="masuk:username")
    password = st.text_input("Kata sandi", type="password", key="masuk:password")
    sent = st.form_submit_button("Masuk", type="primary")
if sent:
    user = ui.run_action("masuk", auth.login, ui.ctx(), username, password)
    if user:
        ui.start_session(user)
    st.rerun()
st.caption("Warga dapat membuka Daftar Informasi Publik tanpa masuk, lewat menu di samping.")
