"""Persetujuan: the Atasan PPID approves and orders the upload, or sends it back (SOP step 4)."""
import streamlit as st

from lib import ui, ui_exports, views
from lib.services import versions

actor = ui.guard("persetujuan")
ctx = ui.ctx()
st.title("Persetujuan DIP")
ui.flash()
waiting = [v for v in versions.list_versions(ctx, actor) if v.status == "ditetapkan"]
if not waiting:
    st.info("Tidak ada DIP yang menunggu persetujuan. PPID menetapkan DIP di halaman Penetapan DIP.")
    st.stop()
version = st.selectbox("Versi", waiting, format_func=views.version_label, key="setuju:pilih", placeholder="Pilih…")
view = versions.preview(ctx, actor, version.id)
d = version.decree
st.markdown(f"Keputusan PPID Nomor **{ui.plain(d.nomor)}** tanggal {views.fdate(d.tanggal)}, "
            f"di {ui.plain(d.tempat)}, oleh {ui.plain(d.penandatangan)}.")
if gap_text := views.establish_gap_text(version):
    st.warning(ui.plain(gap_text))
st.write(f"Perubahan dari versi sebelumnya: {view.diff.summary_id()}.")
if not view.diff.is_empty:
    ui.table_with_downloads(f"perubahan-{version.id}", views.diff_frame(view.diff), "")
ui_exports.version_downloads(ctx, actor, version.id, draft=True)
st.subheader("Daftar informasi")
st.dataframe(views.snapshot_rows(view.rows, protected=True), hide_index=True)
for line in views.history_lines(version, ctx.tz()):
    st.caption(ui.plain(line))

F = f"setuju-{version.id}"
ui.form_error(F)
with st.form(F):
    note = st.text_area("Catatan (wajib bila dikembalikan)", key=ui.key(F, "note"))
    ui.field_error(F, "note")
    left, right = st.columns(2)
    approve = left.form_submit_button("Setujui dan perintahkan unggah", type="primary")
    back = right.form_submit_button("Kembalikan ke PPID")
if approve:
    ui.run_action(F, versions.approve, ctx, actor, version.id, note, version.revision,
                  success="DIP disetujui; perintah unggah dikirim.")
    st.rerun()
if back:
    ui.run_action(F, versions.send_back, ctx, actor, version.id, note, version.revision,
                  success="DIP dikembalikan ke PPID sebagai draf.")
    st.rerun()
