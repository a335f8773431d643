"""Pengaturan (admin): office, units, officials, deadlines, time zone, holiday calendar."""
import streamlit as st

from lib import ui, views
from lib.services import admin, letterhead, parent_dik

actor = ui.guard("pengaturan")
ctx = ui.ctx()
st.title("Pengaturan")
ui.flash()
s = admin.get_settings(ctx, actor)
LABELS = {"office_name": "Nama kantor", "office_address": "Alamat", "office_place": "Tempat penetapan",
          "ppid_name": "Nama PPID", "ppid_position": "Jabatan PPID", "ppid_nip": "NIP PPID",
          "atasan_name": "Nama Atasan PPID", "atasan_position": "Jabatan Atasan PPID", "atasan_nip": "NIP Atasan PPID",
          "website_url": "Alamat folder publikasi di website (opsional)", "sla_days": "Batas penyerahan (hari kerja)",
          "correction_days": "Batas perbaikan (hari kerja)", "session_idle_minutes": "Sesi berakhir bila tidak aktif (menit)",
          "timezone": "Zona waktu kantor (Asia/Jakarta, Asia/Makassar, Asia/Jayapura)",
          "update_cycle_months": "Siklus pemutakhiran DIP (bulan)", "berkala_refresh_months": "Informasi berkala dimutakhirkan tiap (bulan)",
          "due_soon_days": "Peringatan 'segera jatuh tempo' (hari kerja)", "exemption_warning_months": "Peringatan akhir pengecualian (bulan)",
          "batas_berkas_mb": "Ukuran berkas softcopy terbesar (MB)",
          "ppid_email": "Surel PPID (pengingat harian)", "atasan_email": "Surel Atasan PPID (pengingat harian)"}
F = "pengaturan"
if int(s["batas_berkas_mb"]) > (server_mb := st.get_option("server.maxUploadSize")):
    st.warning(f"Server menolak unggahan di atas {server_mb} MB (maxUploadSize di .streamlit/config.toml); "
               f"naikkan juga nilai itu agar batas {s['batas_berkas_mb']} MB berlaku.")
ui.form_error(F)
with st.form(F):
    values = {}
    for name, label in LABELS.items():
        values[name] = st.text_input(label, s[name], key=f"{F}:{name}")
        ui.field_error(F, name)
    values["count_from_next_day"] = st.checkbox("Hitung mulai hari kerja berikutnya", s["count_from_next_day"] == "1", key=f"{F}:next")
    values["publish_nip"] = st.checkbox("Tampilkan NIP pada dokumen publik", s["publish_nip"] == "1", key=f"{F}:nip")
    if parent := parent_dik.parent_office(ctx):  # PKPU 4/2025: the consequence test is done at KPU RI and KPU Provinsi
        values["dik_induk"] = st.checkbox(f"Adopsi DIK yang ditetapkan {parent.name} (uji konsekuensi oleh kantor induk)", s["dik_induk"] == "1", key=f"{F}:dik_induk")
    values["units"] = st.text_area("Unit (satu per baris)", "\n".join(ctx.units()), key=f"{F}:units")
    ui.field_error(F, "units")
    values["unit_emails"] = st.text_area("Surel unit untuk pengingat (Nama Unit = alamat@surel, satu per baris)",
                                         views.unit_emails_text(s["unit_emails"]), key=f"{F}:unit_emails")
    ui.field_error(F, "unit_emails")
    values["legal_bases"] = st.text_area("Dasar hukum pada keputusan (satu per baris)",
                                         views.lines_text(s["legal_bases"]), key=f"{F}:legal_bases")
    values["ppid_appointment_decree"] = st.text_area(
        "Keputusan pengangkatan PPID, dikutip terakhir pada Mengingat (kosongkan bila tidak dikutip)",
        s["ppid_appointment_decree"], key=f"{F}:ppid_appointment_decree")
    ui.field_error(F, "ppid_appointment_decree")
    values["decree_template"] = st.text_area("Templat keputusan (" + ", ".join(f"{{{p}}}" for p in admin.DECREE_PLACEHOLDERS) + ")",
                                             s["decree_template"], height=200, key=f"{F}:decree_template")
    ui.field_error(F, "decree_template")
    if st.form_submit_button("Simpan pengaturan", type="primary"):
        ui.run_action(F, admin.update_settings, ctx, actor, values, success="Pengaturan disimpan.")
        st.rerun()

st.subheader("Kop surat keputusan")
st.caption("Gambar PNG atau JPEG (paling besar 2 MB) yang dicetak di atas keputusan. "
           + (f"Terpasang: {s['letterhead'].split(' ')[0]}." if s["letterhead"] else "Belum ada kop surat."))
ui.form_error("kop")
image = st.file_uploader("Berkas kop surat", type=["png", "jpg", "jpeg"], key="kop:berkas")
if image is not None and st.button("Pasang kop surat", key="kop:pasang"):
    ui.run_action("kop", letterhead.save, ctx, actor, image.getvalue(), success="Kop surat dipasang.")
    st.rerun()

st.subheader("Kalender hari kerja")
st.caption(f"Libur nasional dan cuti bersama dari paket holidays; versi kalender: {ctx.calendar().fingerprint}.")
overrides = admin.holiday_overrides(ctx, actor)
if overrides:
    st.dataframe(views.override_rows(overrides), hide_index=True)
else:
    st.caption("Belum ada penyesuaian.")
H = "kalender"
ui.form_error(H)
with st.form(H):
    day = st.date_input("Tanggal", ctx.today(), format="DD/MM/YYYY", key=ui.key(H, "day"))
    kind = st.radio("Jenis", ["libur", "kerja"], format_func=lambda k: "Tambah hari libur" if k == "libur" else "Jadikan hari kerja",
                    horizontal=True, key=ui.key(H, "kind"))
    name = st.text_input("Keterangan", key=ui.key(H, "name"))
    left, right = st.columns(2)
    save = left.form_submit_button("Simpan penyesuaian")
    drop = right.form_submit_button("Hapus penyesuaian tanggal ini")
if save or drop:
    ui.run_action(H, admin.set_holiday_override, ctx, actor, day, kind, name, remove=drop,
                  success="Kalender diperbarui; tenggat yang masih berjalan dihitung ulang.")
    st.rerun()

st.subheader("Cadangan register")
st.caption("Seluruh register (pengaturan, pengguna, informasi, versi, jejak audit) dalam satu XLSX. Pulihkan ke "
           "register kosong dengan `python -m lib.cli restore BERKAS` (kunci rahasia yang sama diperlukan).")
st.download_button("Unduh cadangan (XLSX)", ui.backup_maker(actor), file_name="cadangan-sidip.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="cadangan")
