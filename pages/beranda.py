"""Beranda: what waits for me."""
import streamlit as st

from lib import ui, views
from lib.services import completeness, home

actor = ui.guard("beranda")
st.title("Beranda")
ui.flash()
todo = ui.cached(home.todo, ui.ctx(), actor)
cols = st.columns(4)
cols[0].metric("Perlu diajukan", len(todo.to_submit))
cols[1].metric("Perlu diklasifikasi", len(todo.to_classify))
cols[2].metric("Lewat tenggat", len(todo.overdue))
cols[3].metric("Menunggu persetujuan", len(todo.to_approve))

sections = [
    (actor.has("desk"), "Permintaan dan perbaikan untuk unit Anda", todo.to_submit,
     "Tidak ada permintaan yang menunggu. Informasi baru dapat diajukan di Permintaan & Pengajuan."),
    (actor.has("ppid"), "Informasi yang perlu diklasifikasi", todo.to_classify,
     "Belum ada pengajuan baru. Buka permintaan ke unit di halaman Permintaan & Pengajuan."),
    (actor.has("ppid"), "Informasi yang perlu dilengkapi (kolom DIP kosong)", todo.incomplete,
     "Semua informasi terklasifikasi sudah lengkap."),
    (bool(actor.roles & {"ppid", "atasan"}), "Permintaan yang lewat tenggat 5 hari kerja", todo.overdue,
     "Tidak ada permintaan yang terlambat."),
]
for show, heading, rows, empty in sections:
    if show:
        st.subheader(heading)
        if rows:
            st.dataframe((views.request_rows if rows is todo.to_submit else views.item_rows)(rows), hide_index=True)
        else:
            st.caption(empty)
if actor.roles & {"ppid", "atasan"}:
    st.info(ui.cached(completeness.summary, ui.ctx(), actor) + " Lihat halaman Kelengkapan DIP.")
for text in filter(None, (views.sent_back_text(v, ui.ctx().tz()) for v in todo.drafts)):
    st.warning(ui.plain(text))
if actor.has("ppid") and (todo.stale_berkala or todo.exemptions_ending):
    st.subheader("Pengingat pemutakhiran")
    ui.reminders(todo.stale_berkala, "Informasi berkala belum dimutakhirkan lebih dari 6 bulan",
                    "Perbarui lalu tandai di halaman Klasifikasi.")
    ui.reminders(todo.exemptions_ending, "Masa pengecualian segera berakhir",
                    "Tinjau ulang uji konsekuensinya.")
if actor.has("atasan"):
    st.subheader("DIP menunggu persetujuan Anda")
    for v in todo.to_approve:
        st.write(views.version_label(v))
        if gap_text := views.establish_gap_text(v):
            st.caption(ui.plain(gap_text))
    if not todo.to_approve:
        st.caption("Tidak ada DIP yang menunggu persetujuan.")
if actor.roles & {"desk", "ppid"} and todo.to_upload:
    st.subheader("DIP disetujui, siap diunggah")
    for v in todo.to_upload:
        st.write(views.version_label(v))
if actor.has("admin"):
    st.subheader("Administrasi")
    st.write(f"{todo.users} pengguna terdaftar. Tambah pengguna di halaman Pengguna; "
             "atur unit, pejabat, dan kalender di Pengaturan.")
