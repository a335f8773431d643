"""Penetapan DIP: the PPID builds a version, previews it, and establishes it by decree (SOP step 3)."""
import datetime as dt

import streamlit as st

from lib import ui, ui_exports, views
from lib.services import completeness, publishing, versions

actor = ui.guard("penetapan")
ctx = ui.ctx()
st.title("Penetapan DIP")
ui.flash()
current = [v for v in versions.list_versions(ctx, actor) if v.status in ("draf", "ditetapkan", "disetujui")]
draft = next((v for v in current if v.status == "draf"), None)

if draft is None:
    if current:
        st.info(f"{views.version_label(current[0])}. Tunggu persetujuan/unggah sebelum membuat versi baru.")
        ui_exports.version_downloads(ctx, actor, current[0].id, draft=current[0].status != "disetujui")
        signed = st.file_uploader("Lampirkan keputusan yang sudah ditandatangani (PDF pindaian)", type=["pdf"],
                                  key=f"ttd:{current[0].id}")
        if signed is not None and st.button("Simpan lampiran", key="ttd:simpan"):
            ui.run_action("ttd", publishing.attach_signed_decree, ctx, actor, current[0].id, signed.getvalue(),
                          current[0].revision, success="Keputusan bertanda tangan dilampirkan.")
            st.rerun()
        ui.form_error("ttd")
    st.subheader("Buat versi DIP (penetapan atau pemutakhiran)")
    F = "versi"
    ui.form_error(F)
    with st.form(F):
        tahun = st.number_input("Tahun", 2000, 2100, ctx.today().year, key=ui.key(F, "tahun"))
        semester = st.selectbox("Semester", [None, 1, 2], format_func=lambda s: f"Semester {s}" if s else "Satu tahun",
                                key=ui.key(F, "sem"), placeholder="Pilih…")
        if st.form_submit_button("Buat versi", type="primary"):
            ui.run_action(F, versions.create_version, ctx, actor, tahun, semester, success="Versi draf dibuat.")
            st.rerun()
    st.stop()

view = versions.preview(ctx, actor, draft.id)
st.subheader(views.version_label(draft))
if view.base:
    st.caption(f"Pemutakhiran dari {views.version_label(view.base)}: {view.diff.summary_id()}.")
if view.incomplete:
    st.warning(ui.plain("Tidak masuk versi karena kolom DIP belum lengkap: " + ", ".join(i.judul for i in view.incomplete)))
if not view.rows:
    st.info("Belum ada informasi terklasifikasi. Klasifikasikan informasi di halaman Klasifikasi.")
else:
    st.dataframe(views.snapshot_rows(view.rows, protected=True), hide_index=True)
    if view.diff.added or view.diff.changed or view.diff.removed:
        with st.expander("Perubahan dari versi sebelumnya"):
            st.dataframe(views.diff_rows(view.diff), hide_index=True)
    st.caption("Unduh draf untuk dicetak dan ditandatangani (setiap halaman bertanda DRAF):")
    ui_exports.version_downloads(ctx, actor, draft.id, draft=True)

for line in views.history_lines(draft, ctx.tz()):
    st.caption(ui.plain(line))
F = f"tetap-{draft.id}"
st.subheader("Keputusan PPID")
ui.form_error(F)
with st.form(F):
    data = {"nomor_keputusan": st.text_input("Nomor keputusan", key=ui.key(F, "nomor")),
            "tanggal_keputusan": st.date_input("Tanggal keputusan", ctx.today(), format="DD/MM/YYYY",
                                               min_value=dt.date(2000, 1, 1), key=ui.key(F, "tgl")),
            "tempat_keputusan": st.text_input("Tempat", ctx.settings()["office_place"], key=ui.key(F, "tempat")),
            "penandatangan": st.text_input("Penandatangan (PPID)", ctx.settings()["ppid_name"], key=ui.key(F, "ttd"))}
    for name in ("nomor_keputusan", "tanggal_keputusan", "tempat_keputusan", "penandatangan"):
        ui.field_error(F, name)
    gaps = completeness.establish_gaps(ctx)
    if gaps:
        st.warning(ui.plain(f"{len(gaps)} kewajiban informasi belum tercakup DIP ini (lihat halaman Kelengkapan "
                            "DIP), antara lain: " + "; ".join(o.judul[:60] for o in gaps[:5]) + "."))
        data["alasan_kelengkapan"] = st.text_area("Alasan tetap menetapkan meski belum lengkap (dicatat di riwayat)",
                                                  key=ui.key(F, "alasan"))
        ui.field_error(F, "alasan_kelengkapan")
    if st.form_submit_button("Tetapkan DIP", type="primary"):
        ui.run_action(F, versions.establish, ctx, actor, draft.id, data, draft.revision,
                      success="DIP ditetapkan dan dikirim ke Atasan PPID untuk persetujuan.")
        st.rerun()
