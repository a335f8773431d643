"""Unggah: export the approved version and publish it to the PPID website folder (SOP step 5)."""
import streamlit as st

from lib import ui, views
from lib.services import publishing, versions

actor = ui.guard("unggah")
ctx = ui.ctx()
st.title("Unggah DIP ke Website PPID")
ui.flash()
all_versions = versions.list_versions(ctx, actor)
approved = [v for v in all_versions if v.status == "disetujui"]
if not approved:
    st.info("Belum ada DIP yang disetujui Atasan PPID untuk diunggah.")
for version in approved:
    F = f"unggah-{version.id}"
    st.subheader(views.version_label(version))
    ui.form_error(F)
    if st.button("Ekspor (HTML dan CSV) dan unggah", key=F, type="primary"):
        with st.spinner("Mengekspor dan mengunggah…"):
            ui.run_action(F, versions.upload, ctx, actor, version.id, version.revision,
                          success="DIP diunggah. Tautan publik tercatat di riwayat versi.")
        st.rerun()

st.subheader("Sudah diunggah")
uploaded = [v for v in all_versions if v.status == "diunggah"]
if not uploaded:
    st.caption("Belum ada versi yang diunggah.")
for v in uploaded:
    st.markdown(f"- {v.label}: [{v.upload_url}]({v.upload_url}) — {views.fstamp(v.uploaded_at, ctx.tz())} "
                f"oleh {v.uploaded_by}; berkas: {', '.join(v.upload_files)}")
