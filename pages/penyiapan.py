"""Penyiapan: the first admin account, only with the code printed on the server console."""
import streamlit as st

from lib import ui
from lib.services import auth

F = "penyiapan"
ctx = ui.ctx()
st.title("Penyiapan SIDIP")
st.info("Belum ada pengguna. Buat akun administrator pertama. Kode penyiapan dicetak di konsol "
        "server saat aplikasi dijalankan (baris \"SIDIP kode penyiapan admin pertama\").")
ui.form_error(F)
with st.form(F):
    code = st.text_input("Kode penyiapan", key=f"{F}:code")
    username = st.text_input("Nama pengguna admin", key=f"{F}:username")
    ui.field_error(F, "username")
    full_name = st.text_input("Nama lengkap", key=f"{F}:full_name")
    ui.field_error(F, "full_name")
    password = st.text_input("Kata sandi (minimal 10 karakter)", type="password", key=f"{F}:password")
    ui.field_error(F, "password")
    repeat = st.text_input("Ulangi kata sandi", type="password", key=f"{F}:repeat")
    sent = st.form_submit_button("Buat akun admin", type="primary")
if sent:
    if password != repeat:
        st.session_state[f"error:{F}"] = "Kedua kata sandi tidak sama."
    else:
        user = ui.run_action(F, auth.create_first_admin, ctx, code, username, full_name, password)
        if user:
            ui.start_session(user)
            st.session_state["flash_ok"] = "Akun admin dibuat. Lanjutkan dengan Pengaturan dan Pengguna."
    st.rerun()
