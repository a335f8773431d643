"""Klasifikasi: the PPID classifies and documents (softcopy/hardcopy), or returns with a reason."""
import streamlit as st

from lib import grid_views, ui, ui_forms, views
from lib.services import items

actor = ui.guard("klasifikasi")
ctx = ui.ctx()
st.title("Klasifikasi & Dokumentasi")
st.caption("SOP langkah 2: tetapkan kategori, catat lokasi softcopy dan hardcopy, atau kembalikan ke unit.")
ui.flash()

queue = ui.cached(items.visible_items, ctx, actor, ("diajukan", "diklasifikasi"))
if not queue:
    st.info("Belum ada informasi yang diajukan unit. Buka permintaan di halaman Permintaan & Pengajuan.")
    st.stop()
waiting = [v for v in queue if v.item.status == "diajukan"]
# A toggle, not an expander: an expander's contents run (and a 10,000-row editor loads) even when closed.
if st.toggle("Klasifikasi banyak sekaligus (tabel)", key="klas:tabel"):
    with st.container(key="grid-klasifikasi"):
        grid_views.classification_grid(ctx, actor)
st.dataframe(ui.cached(items.visible_items, ctx, actor, ("diajukan", "diklasifikasi"), then=views.item_rows),
             hide_index=True)
choice = st.selectbox("Pilih informasi", waiting + [v for v in queue if v.item.status != "diajukan"], key="klas:pilih",
                      placeholder="Pilih…",
                      format_func=lambda v: f"[{v.item.status}] {v.item.judul} — {v.item.unit}")
item = choice.item
F = f"klas-{item.id}"
ui.form_error(F)
with st.form(F):
    data = ui_forms.dip_fields(F, item)
    data.update(ui_forms.classification_fields(F, item))
    uploads = ui_forms.file_picker(F, ctx)
    if st.form_submit_button("Simpan klasifikasi", type="primary"):
        if ui_forms.files_ok(F, ctx, uploads) and ui.run_action(F, items.classify, ctx, actor, item.id, data, item.revision,
                         success="Informasi diklasifikasi dan didokumentasikan."):
            ui_forms.save_files(F, ctx, actor, item.id, uploads)
        st.rerun()
ui_forms.file_list(ctx, actor, item)

if item.status == "diklasifikasi":
    refreshed = views.fdate(item.refreshed_on or item.classified_on)
    if st.button(f"Tandai sudah dimutakhirkan (terakhir {refreshed})", key=f"mutakhir-{item.id}"):
        ui.run_action(F, items.mark_refreshed, ctx, actor, item.id, item.revision,
                      success="Informasi ditandai sudah dimutakhirkan hari ini.")
        st.rerun()
if item.status == "diajukan":
    ui.reason_form(f"kembali-{item.id}", "Kembalikan ke unit untuk diperbaiki", "Alasan pengembalian",
                   "return_reason", "Kembalikan", items.return_item, ctx, actor, item.id, item.revision,
                   success="Informasi dikembalikan ke unit; tenggat perbaikan berjalan.")
ui.reason_form(f"tarik-{item.id}", "Tarik dari daftar", "Alasan penarikan", "note", "Tarik informasi",
               items.withdraw, ctx, actor, item.id, item.revision,
               success="Informasi ditarik; tidak masuk versi DIP berikutnya.")
