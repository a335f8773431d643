"""Kelengkapan DIP: does the DIP carry what the law obliges the office to publish?"""
import streamlit as st

from lib import completeness_views as cv
from lib import ui
from lib.domain.obligations import GROUPS
from lib.services import completeness

actor = ui.guard("kelengkapan")
ctx = ui.ctx()
st.title("Kelengkapan DIP")
st.caption("Dibandingkan dengan daftar kewajiban informasi (UU 14/2008, Perki 1/2021, Perki 1/2019, instrumen "
           "Monev). Dasar hukum yang belum diverifikasi ditandai.")
ui.flash()
left, right = st.columns([2, 1])
scope = left.radio("Yang dinilai", ["draf", "terbit"], horizontal=True, key="lengkap:cakupan",
                   format_func={"draf": "DIP yang sedang disiapkan", "terbit": "DIP terakhir yang terbit"}.get)
only_here = right.checkbox("Hanya yang berlaku untuk kantor ini", True, key="lengkap:berlaku")
report = ui.cached(completeness.report, ctx, actor, scope)
tiles = st.columns(len(report.groups) + 1)
tiles[0].metric("Keseluruhan", "-" if report.overall is None else f"{report.overall * 100:.0f}%")
for tile, g in zip(tiles[1:], report.groups.values()):
    tile.metric(GROUPS[g.group], "-" if g.rate is None else f"{g.rate * 100:.0f}%", help=f"{g.covered} dari {g.counted}")
st.subheader("Yang perlu dilakukan")
ui.table_with_downloads("kelengkapan-tindakan", cv.todo_table(report), "Tidak ada kewajiban yang belum tercakup.")
st.download_button("Unduh Laporan Kelengkapan DIP (PDF)", ui.completeness_pdf_maker(report),
                   file_name="laporan-kelengkapan-dip.pdf", mime="application/pdf", key="lengkap:pdf")

if actor.has("ppid") and scope == "draf":
    st.subheader("Saran pencocokan")
    pending = ui.cached(completeness.suggestions, ctx, actor)
    if not pending:
        st.caption("Tidak ada saran baru. Informasi terklasifikasi dicocokkan otomatis dengan kewajiban yang belum tercakup.")
    for n, p in enumerate(pending[:30]):
        a, b, c = st.columns([6, 1, 1])
        a.markdown(f"**{ui.plain(p.obligation.id)}** {ui.plain(p.obligation.judul[:90])}  \n"
                   f"↳ {ui.plain(p.item.judul)} (skor {p.score:.0f})")
        if b.button("Cocok", key=f"ya:{n}:{p.obligation.id}:{p.item.id}"):
            ui.run_action("saran", completeness.decide, ctx, actor, p.item.id, p.obligation.id, True, p.item.revision,
                          success="Dikonfirmasi; tercatat di riwayat.")
            st.rerun()
        if c.button("Bukan", key=f"tidak:{n}:{p.obligation.id}:{p.item.id}"):
            ui.run_action("saran", completeness.decide, ctx, actor, p.item.id, p.obligation.id, False, p.item.revision)
            st.rerun()
    ui.form_error("saran")

st.subheader("Daftar kewajiban")
ui.table_with_downloads("kelengkapan-kewajiban", cv.obligation_table(report, only_here), "Daftar kewajiban kosong.")
if actor.roles & {"admin", "ppid"}:
    with st.expander("Ubah status kewajiban (berlaku, tidak berlaku, dipensiunkan)", expanded=ui.has_error("status")):
        ui.form_error("status")
        with st.form("status"):
            code = st.selectbox("Kewajiban", [o.id for o in report.obligations], key="status:kode", placeholder="Pilih…")
            state = st.selectbox("Status", ["berlaku", "tidak_berlaku", "pensiun", ""], key="status:status", placeholder="Pilih…",
                                 format_func={"berlaku": "Berlaku di kantor ini", "tidak_berlaku": "Tidak berlaku",
                                              "pensiun": "Dipensiunkan", "": "Kembalikan ke bawaan"}.get)
            reason = st.text_input("Alasan (wajib untuk tidak berlaku/dipensiunkan)", key="status:alasan")
            ui.field_error("status", "note")
            if st.form_submit_button("Simpan"):
                ui.run_action("status", completeness.mark, ctx, actor, code, state, reason, success="Status disimpan.")
                st.rerun()
