"""Unggah: publish the approved version to the PPID website (SOP step 5)."""
import streamlit as st

from lib import ui, ui_exports, views
from lib.services import publishing, versions

actor = ui.guard("unggah")
ctx = ui.ctx()
st.title("Unggah DIP ke Website PPID")
ui.flash()
all_versions = versions.list_versions(ctx, actor)
approved = [v for v in all_versions if v.status == "disetujui"]
if not approved:
    st.info("Belum ada DIP yang disetujui Atasan PPID untuk diunggah.")
targets = publishing.targets()
for version in approved:
    F = f"unggah-{version.id}"
    st.subheader(views.version_label(version))
    ui_exports.version_downloads(ctx, actor, version.id, draft=False)
    target = st.radio("Tujuan", list(targets), format_func=targets.get, horizontal=True, key=f"{F}:tujuan")
    if st.button("Periksa tautan", key=f"{F}:cek"):
        st.session_state[f"{F}:tautan"] = ui.run_action(F, publishing.check_links, ctx, actor, version.id)
    results = st.session_state.get(f"{F}:tautan")
    if results is not None:
        dead = [r for r in results if not r.ok]
        st.write(f"{len(results)} tautan diperiksa, {len(dead)} tidak dapat dibuka.")
        if dead:
            st.dataframe([{"Tautan": r.url, "Masalah": r.message} for r in dead], hide_index=True)
    accept = st.checkbox("Terbitkan meski ada tautan mati (tercatat di riwayat)", key=f"{F}:terima")
    ui.form_error(F)
    if st.button("Ekspor semua format dan unggah", key=F, type="primary"):
        bar = st.progress(0.0, text="Menyiapkan berkas…")
        ui.run_action(F, publishing.upload, ctx, actor, version.id, version.revision, target,
                      lambda f, name: bar.progress(f, text=f"Mengunggah {name}"), accept,
                      success="DIP diunggah. Berkas, ukuran, checksum dan alamatnya tercatat di riwayat.")
        st.rerun()

st.subheader("Sudah diunggah")
uploaded = [v for v in all_versions if v.status == "diunggah"]
if not uploaded:
    st.caption("Belum ada versi yang diunggah.")
for v in uploaded:
    where = f"[{v.upload_url}]({v.upload_url})" if v.upload_url else "alamat publik belum dicatat"
    st.markdown(f"- {v.label}: {where} — {views.fstamp(v.uploaded_at, ctx.tz())} oleh {ui.plain(v.uploaded_by)}; "
                f"{len(v.upload_files)} berkas")
    if not v.upload_url:
        M = f"manual-{v.id}"
        ui.form_error(M)
        with st.form(M):
            url = st.text_input("Alamat publik dip.html setelah Anda mengunggahnya ke CMS", key=ui.key(M, "url"))
            ui.field_error(M, "url")
            if st.form_submit_button("Cek dan catat"):
                ui.run_action(M, publishing.record_public_url, ctx, actor, v.id, url, v.revision,
                              success="Berkas di alamat itu sama dengan yang disiapkan SIDIP; alamat dicatat.")
                st.rerun()
