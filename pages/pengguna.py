"""Pengguna (admin): add users with roles and a unit, deactivate, reset passwords."""
import streamlit as st

from lib import ui
from lib.domain.models import ROLES
from lib.services import auth

actor = ui.guard("pengguna")
ctx = ui.ctx()
st.title("Pengguna")
ui.flash()
users = auth.list_users(ctx, actor)
st.dataframe([{"Nama pengguna": u.username, "Nama": u.full_name, "Peran": ", ".join(ROLES[r] for r in sorted(u.roles)),
               "Unit": u.unit, "Aktif": "Ya" if u.active else "Tidak"} for u in users], hide_index=True)

F = "tambah"
st.subheader("Tambah pengguna")
ui.form_error(F)
with st.form(F):
    username = st.text_input("Nama pengguna", key=ui.key(F, "username"))
    ui.field_error(F, "username")
    full_name = st.text_input("Nama lengkap", key=ui.key(F, "full_name"))
    ui.field_error(F, "full_name")
    roles = st.multiselect("Peran", list(ROLES), format_func=ROLES.get, key=ui.key(F, "roles"),
                           placeholder="Pilih satu atau lebih")
    ui.field_error(F, "roles")
    unit = st.selectbox("Unit (wajib untuk Desk Pelayanan)", [""] + ctx.units(), key=ui.key(F, "unit"), placeholder="Pilih…")
    ui.field_error(F, "unit")
    password = st.text_input("Kata sandi awal (minimal 10 karakter)", type="password", key=ui.key(F, "pw"))
    ui.field_error(F, "password")
    if st.form_submit_button("Tambah", type="primary"):
        if ui.run_action(F, auth.add_user, ctx, actor, username, full_name, password, roles, unit,
                         success=f"Pengguna {username} ditambahkan."):
            ui.reset_form(F)
        st.rerun()

st.subheader("Ubah pengguna")
chosen = st.selectbox("Pengguna", users, format_func=lambda u: f"{u.username} — {u.full_name}", key="ubah:pilih",
                      placeholder="Pilih…")
E = f"ubah-{chosen.username}"
ui.form_error(E)
with st.form(E):
    new_roles = st.multiselect("Peran", list(ROLES), default=sorted(chosen.roles), format_func=ROLES.get,
                               key=ui.key(E, "roles"), placeholder="Pilih satu atau lebih")
    units = [""] + ctx.units()
    new_unit = st.selectbox("Unit", units, index=units.index(chosen.unit) if chosen.unit in units else 0,
                            key=ui.key(E, "unit"), placeholder="Pilih…")
    active = st.checkbox("Aktif", value=chosen.active, key=ui.key(E, "active"))
    new_pw = st.text_input("Kata sandi baru (kosongkan bila tidak diubah)", type="password", key=ui.key(E, "pw"))
    ui.field_error(E, "password")
    if st.form_submit_button("Simpan perubahan"):
        done = ui.run_action(E, auth.update_user, ctx, actor, chosen.username, roles=new_roles, unit=new_unit,
                             active=active, success=f"Pengguna {chosen.username} diperbarui.")
        if done and new_pw:
            ui.run_action(E, auth.reset_password, ctx, actor, chosen.username, new_pw,
                          success=f"Pengguna {chosen.username} diperbarui; kata sandi diatur ulang.")
        st.rerun()
