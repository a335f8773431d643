"""Dasbor Kepatuhan: is the SOP kept, and where not (for the Atasan PPID and the PPID)."""
import streamlit as st

from lib import dashboard_views as dv
from lib import ui
from lib.domain.models import CATEGORIES
from lib.services import completeness, dashboard

actor = ui.guard("dasbor")  # with ?kantor=, a pemantau (ui.guard reads it)
ctx = ui.dashboard_ctx(actor)  # ?kantor=: a pemantau's read-only view of an office below its own
st.title("Dasbor Kepatuhan")
if ctx.monitor_from:
    st.caption(f"{ui.plain(ctx.settings()['office_name'])} — tampilan pemantau, hanya baca.")
query = dashboard.Filters.from_query(st.query_params.to_dict())
units = [""] + ctx.units()
left, mid, right = st.columns(3)
period = left.selectbox("Periode", list(dashboard.PERIODS), list(dashboard.PERIODS).index(query.period),
                        format_func=dashboard.PERIODS.get, key="dasbor:periode", placeholder="Pilih…")
unit = mid.selectbox("Unit", units, units.index(query.unit) if query.unit in units else 0,
                     format_func=lambda u: u or "Semua unit", key="dasbor:unit", placeholder="Pilih…")
cats = [""] + list(CATEGORIES)
kategori = right.selectbox("Kategori", cats, cats.index(query.kategori), format_func=dv.category_label,
                           key="dasbor:kategori", placeholder="Pilih…")
filters = dashboard.Filters(period, unit, kategori)
st.query_params.from_dict({**filters.to_query(), **({"kantor": ctx.office_id} if ctx.monitor_from else {})})
board = dashboard.build(ctx, actor, filters, ui.cached(dashboard.prepare, ctx, actor))
if board.empty:
    st.info("Belum ada permintaan atau informasi untuk dinilai. PPID memulai dengan membuka permintaan "
            "di halaman Permintaan & Pengajuan; dasbor terisi begitu unit menyerahkan informasi.")
    st.stop()

c, p, cur = board.current, board.previous, board.currency
tiles = st.columns(5)
tiles[0].metric("Tepat waktu", dv.percent(c.on_time), dv.delta(c.on_time, p.on_time), help="Dibanding periode sebelumnya (poin %)")
tiles[1].metric("Median hari kerja", c.median_days if c.median_days is not None else "-",
                dv.delta(c.median_days, p.median_days, 1), delta_color="inverse")
tiles[2].metric("Lewat tenggat kini", len(board.overdue()))
tiles[3].metric("Segera jatuh tempo", len(board.due_soon()))
tiles[4].metric("Hari sejak DIP diunggah", cur.days_since if cur.days_since is not None else "belum",
                help=f"Siklus pemutakhiran {cur.cycle_months} bulan")
if cur.overdue:
    st.warning(f"DIP belum dimutakhirkan dalam siklus {cur.cycle_months} bulan.")
st.info(ui.cached(completeness.summary, ctx, actor) + " Rinciannya di halaman Kelengkapan DIP.")
if cur.waiting_atasan or cur.waiting_upload:
    st.info(f"{cur.waiting_atasan} versi menunggu persetujuan Atasan PPID, {cur.waiting_upload} menunggu diunggah.")

charts = st.columns(2)
if not board.trend.empty:
    charts[0].plotly_chart(dv.trend_chart(board.trend), key="grafik:tren")
if not board.stages.empty:
    charts[1].plotly_chart(dv.aging_chart(board.stages), key="grafik:umur")
if not board.per_unit.empty:
    charts[0].plotly_chart(dv.unit_chart(board.per_unit), key="grafik:unit")
charts[1].plotly_chart(dv.stage_chart(board.stage_summary), key="grafik:tahap")

cal, clock = ctx.calendar(), ctx.clock()
tables = {
    "Lewat tenggat": (dv.request_table(board.overdue(), cal, clock), "Tidak ada permintaan yang lewat tenggat."),
    "Segera jatuh tempo": (dv.request_table(board.due_soon(), cal, clock), "Tidak ada yang segera jatuh tempo."),
    "Per unit": (dv.unit_table(board.per_unit), "Belum ada permintaan yang dinilai pada periode ini."),
    "Tahapan": (dv.stage_table(board.stages), "Tidak ada pekerjaan yang menunggu."),
    "Berkala belum dimutakhirkan": (dv.stale_table(board.stale), "Semua informasi berkala mutakhir."),
    "Pengecualian segera berakhir": (dv.exemption_table(board.exemptions), "Tidak ada pengecualian yang segera berakhir."),
    "Semua permintaan": (dv.request_table(board.requests, cal, clock), "Belum ada permintaan."),
}
for tab, (name, (df, empty)) in zip(st.tabs(list(tables)), tables.items()):
    with tab:
        ui.table_with_downloads(name.lower().replace(" ", "-"), df, empty)
st.caption(f"Tenggat terbuka dihitung dengan kalender {board.calendar}; tenggat yang sudah ditutup tetap "
           f"dengan kalender yang menilainya: " + ", ".join(f"{k} ({v})" for k, v in board.judged_by.items()))
pdf_tables = {k: v[0] for k, v in tables.items() if k != "Semua permintaan"}
st.download_button("Unduh ringkasan PDF (laporan bulanan)", ui.summary_pdf_maker(board, pdf_tables, ctx),
                   file_name="ringkasan-kepatuhan.pdf", mime="application/pdf")
