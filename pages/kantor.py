"""Kantor (admin of KPU RI or a KPU Provinsi): the offices directly below, and a new one with its first admin."""
from datetime import date

import streamlit as st

from lib import ui
from lib.domain.workdays import format_date_id
from lib.errors import PermissionDenied
from lib.services import offices

actor = ui.guard("kantor")
ctx = ui.ctx()
st.title("Kantor")
ui.flash()
try:
    offices.check_can_create(ctx, actor)
except PermissionDenied as err:
    st.info(ui.plain(err.message))
    st.stop()

children = offices.children(ctx, actor)
if children:
    st.dataframe([{"Nama": o.name, "Kode": o.id, "Tingkat": o.level_label,
                   "Status": f"Pindah keluar {format_date_id(date.fromisoformat(o.moved_out))}" if o.moved_out
                   else "Aktif", "Halaman publik": f"/dip?kantor={o.id}"}
                  for o in children], hide_index=True,
                 column_config={"Halaman publik": st.column_config.LinkColumn("Halaman publik")})
else:
    st.info("Belum ada kantor di bawah kantor ini. Buat yang pertama dengan formulir di bawah.")

F = "kantor-baru"
st.subheader("Buat kantor di bawah kantor ini")
ui.form_error(F)
with st.form(F):
    code = st.text_input("Kode kantor (misalnya kpu-kab-sarolangun)", key=ui.key(F, "code"))
    ui.field_error(F, "code")
    name = st.text_input("Nama kantor", key=ui.key(F, "name"))
    ui.field_error(F, "name")
    st.caption("Admin pertama kantor itu (ia mengisi unit, pejabat, kalender dan pengguna kantornya):")
    username = st.text_input("Nama pengguna admin", key=ui.key(F, "username"))
    ui.field_error(F, "username")
    full_name = st.text_input("Nama lengkap admin", key=ui.key(F, "full_name"))
    ui.field_error(F, "full_name")
    password = st.text_input("Kata sandi awal (minimal 10 karakter)", type="password", key=ui.key(F, "pw"))
    ui.field_error(F, "password")
    ui.field_error(F, "parent")
    if st.form_submit_button("Buat kantor", type="primary"):
        if ui.run_action(F, offices.create_child, ctx, actor, code, name, username, full_name, password,
                         success=f"Kantor {name} dibuat dengan admin {username}."):
            ui.reset_form(F)
        st.rerun()
