"""Permintaan & Pengajuan: the PPID asks a unit; the desk hands the information over (SOP step 1)."""
import streamlit as st

from lib import ui, ui_forms, views
from lib.services import items, reminders

actor = ui.guard("permintaan")
ctx = ui.ctx()
st.title("Permintaan & Pengajuan")
st.caption("Informasi yang diminta PPID diserahkan paling lambat 5 hari kerja (SOP langkah 1).")
ui.flash()

if actor.has("ppid"):
    F = "minta"
    with st.expander("Buka permintaan informasi ke unit", expanded=ui.has_error(F)):
        ui.form_error(F)
        with st.form(F):
            unit = st.selectbox("Unit", ctx.units(), key=ui.key(F, "unit"), placeholder="Pilih…")
            judul = st.text_input("Judul informasi yang diminta", key=ui.key(F, "judul"))
            ui.field_error(F, "judul")
            note = st.text_area("Keterangan", key=ui.key(F, "note"))
            if st.form_submit_button("Buka permintaan", type="primary"):
                if ui.run_action(F, items.open_request, ctx, actor, unit, judul, note,
                                 success="Permintaan dibuka; tenggat 5 hari kerja berjalan."):
                    ui.reset_form(F)
                st.rerun()

open_views = items.visible_items(ctx, actor, ("diminta", "dikembalikan"))
st.subheader("Permintaan terbuka")
if open_views:
    st.dataframe(views.request_rows(open_views), hide_index=True)
    share = st.selectbox("Bagikan pengingat lewat WhatsApp", open_views, format_func=views.item_label, key="wa:pilih",
                         placeholder="Pilih…")
    text = reminders.whatsapp_text(share, ctx.settings()["office_name"])
    st.link_button("Bagikan ke WhatsApp", reminders.whatsapp_link(text), icon=":material/share:")
else:
    st.caption("Tidak ada permintaan terbuka." + (" Buka permintaan di atas." if actor.has("ppid") else ""))

if actor.has("desk"):
    mine = [v for v in open_views if v.item.unit == actor.unit]
    st.subheader("Serahkan informasi")
    choice = st.selectbox("Pilih permintaan", [None] + mine, key="serah:pilih", placeholder="Pilih…",
                          format_func=lambda v: "Ajukan informasi baru tanpa permintaan" if v is None else views.item_label(v))
    item = choice.item if choice else None
    if choice:
        for line in views.explanation_lines(choice.correction or choice.deadline):
            st.caption(line)
        if item.request_note:
            st.info(ui.plain(f"Keterangan dari PPID: {item.request_note}"))
        if item.return_reason:
            st.warning(ui.plain(f"Dikembalikan PPID: {item.return_reason}"))
    F = f"serah-{item.id if item else 'baru'}"
    ui.form_error(F)
    with st.form(F):
        data = ui_forms.dip_fields(F, item)
        if item is None:
            data["info_created_on"] = st.text_input(
                "Tanggal informasi dibuat (TTTT-BB-HH, opsional: bila diisi, tenggat 5 hari kerja dihitung)",
                key=ui.key(F, "created"))
            ui.field_error(F, "info_created_on")
        uploads = ui_forms.file_picker(F, ctx)
        if st.form_submit_button("Ajukan ke PPID", type="primary"):
            if not ui_forms.files_ok(F, ctx, uploads):
                done = None
            elif item is None:
                done = ui.run_action(F, items.submit_new, ctx, actor, data, success="Informasi diajukan ke PPID.")
            else:
                done = ui.run_action(F, items.submit, ctx, actor, item.id, data, item.revision,
                                     success="Informasi diajukan ke PPID.")
            if done and ui_forms.save_files(F, ctx, actor, done.id, uploads):
                ui.reset_form(F)
            st.rerun()
    if item is not None:
        ui_forms.file_list(ctx, actor, item)
