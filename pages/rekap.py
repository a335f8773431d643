"""Rekap Kantor (pemantau): how each office below one's own keeps the SOP, and each office's own dashboard."""
from datetime import date

import streamlit as st

from lib import rekap_views as rv
from lib import ui
from lib.domain.workdays import format_date_id
from lib.services import dashboard, rollup

actor = ui.guard("rekap")
ctx = ui.ctx()
st.title("Rekap Kantor")
period = st.selectbox("Periode penyerahan tepat waktu", list(dashboard.PERIODS), format_func=dashboard.PERIODS.get,
                      key="rekap:periode")
frame = ui.cached(rollup.rollup, ctx, actor, period, revision=rollup.revision(ctx, actor))
gone = rollup.moved_out(ctx, actor)
if gone:
    st.caption("Tidak direkap karena telah pindah keluar dari SIDIP ini: " + "; ".join(
        f"{o.name} ({o.id}, sejak {format_date_id(date.fromisoformat(o.moved_out))})" for o in gone) + ".")
if frame.empty:
    st.info("Belum ada kantor di bawah kantor Anda. Admin kantor Anda membuat kantor di bawahnya di halaman "
            "Kantor; rekap terisi begitu kantor itu ada.")
    st.stop()

options = rv.choices(frame)
left, mid, right, search = st.columns(4)
chosen = rv.Filter(
    tuple(left.multiselect("Tingkat", options["levels"], key="rekap:tingkat", placeholder="Semua tingkat")),
    mid.selectbox("Provinsi", options["provinces"], format_func=lambda p: p or "Semua provinsi", key="rekap:provinsi"),
    right.selectbox("Status DIP", options["statuses"], format_func=lambda s: s or "Semua status", key="rekap:status"),
    search.text_input("Cari nama kantor", key="rekap:cari"))
shown = rv.filtered(frame, chosen)
st.caption(f"{len(shown)} dari {len(frame)} kantor. Klik judul kolom untuk mengurutkan.")

charts = st.columns(2)
charts[0].plotly_chart(rv.status_chart(shown), key="rekap:grafik-status")
charts[1].plotly_chart(rv.on_time_chart(shown), key="rekap:grafik-tepat")
st.dataframe(rv.table(shown), hide_index=True)

st.subheader("Dasbor kantor")
names = rv.offices(shown)
if names:
    office = st.selectbox("Kantor", list(names), format_func=names.get, key="rekap:kantor")
    # an office code is letters, digits and hyphens (lib.domain.offices): safe in a URL as it is
    st.markdown(f":material/monitoring: [Buka Dasbor Kepatuhan {ui.plain(names[office])} (hanya baca)]"
                f"(/dasbor?kantor={office})")

st.subheader("Laporan bulanan")
mine, today = ctx.settings()["office_name"], ctx.today()
xlsx, pdf = st.columns(2)
xlsx.download_button("Unduh XLSX", lambda: rv.xlsx(shown), file_name="rekap-kantor.xlsx", key="rekap:xlsx",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
pdf.download_button("Unduh PDF", lambda: rv.pdf(shown, mine, today, dashboard.PERIODS[period]),
                    file_name="rekap-kantor.pdf", mime="application/pdf", key="rekap:pdf")
