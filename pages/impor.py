"""Impor DIP: bring the office's existing list in from XLSX or CSV, with a dry run first."""
import streamlit as st

from lib import ui, views
from lib.domain.import_mapping import FIELD_NAMES
from lib.services import importing, publishing

actor = ui.guard("impor")
ctx = ui.ctx()
st.title("Impor DIP yang sudah ada")
st.caption("Unggah DIP kantor Anda (XLSX atau CSV), atau ZIP berisi daftar itu beserta berkas softcopy yang "
           "disebut di kolom Berkas. SIDIP membaca judul kolomnya, menampilkan hasil uji coba, dan baru mengimpor "
           "setelah Anda setuju. Impor bersifat semua-atau-tidak-sama-sekali.")
ui.flash()
upload = st.file_uploader("Berkas DIP", type=["xlsx", "csv", "zip"], key=ui.key("impor", "berkas"))
ui.form_error("impor")
if upload is None:
    st.info("Pilih berkas untuk memulai. Baris judul, baris nomor kolom, baris kelompok kategori dan blok tanda "
            "tangan dikenali otomatis.")
    st.stop()
overrides = st.session_state.setdefault(f"impor:map:{upload.name}", {})
result = ui.run_action("baca", importing.preview, ctx, actor, upload.name, upload.getvalue(), overrides)
ui.form_error("baca")
if result is None:
    st.stop()
if not result.rows:
    st.error(importing.nothing_to_import(result))
st.subheader("Kolom yang dikenali")
st.caption("Ubah pemetaan bila sebuah kolom terbaca keliru; uji coba di bawah langsung diperbarui.")
choices = [""] + list(FIELD_NAMES)
for col, header in result.mapping.headers.items():
    current = result.mapping.columns.get(col, "")
    picked = st.selectbox(f"Kolom {col + 1}: {ui.plain(header or '(tanpa judul)')}", choices,
                          choices.index(current) if current in choices else 0,
                          format_func=lambda f: FIELD_NAMES.get(f, "(tidak diimpor)"), key=f"impor:kolom:{col}")
    if picked != current:
        overrides[col] = picked
        st.rerun()
st.subheader("Uji coba")
counts = result.counts()
cols = st.columns(len(counts) + 2)
for col, (kategori, n) in zip(cols, counts.items()):
    col.metric(views.category_short(kategori), n)
cols[-2].metric("Perlu dilengkapi", sum(bool(r.incomplete) for r in result.rows))
cols[-1].metric("Ditolak", len(result.rejected))
if result.rows:
    st.dataframe(views.plan_rows(result), hide_index=True)
if result.files is not None:
    st.markdown(f"**Berkas softcopy: {len(result.files.attach)} akan dilampirkan**")
    if result.files.missing or result.files.unused:
        st.dataframe(views.file_match_rows(result.files), hide_index=True)
if result.rejected or result.ignored:
    st.markdown("**Baris yang ditolak atau diabaikan, beserta alasannya**")
    st.dataframe(views.rejected_rows(result), hide_index=True)
if not result.rows:
    st.stop()
unit = st.selectbox("Unit pemilik informasi yang diimpor", ctx.units(), key="impor:unit")
historical = scan = None
if actor.has("ppid") and st.checkbox("Catat sebagai versi DIP historis (sudah ditetapkan di luar SIDIP)", key="impor:historis"):
    left, right = st.columns(2)
    historical = {"tahun": left.number_input("Tahun DIP", 2000, 2100, ctx.today().year - 1, key="impor:tahun"),
                  "nomor_keputusan": right.text_input("Nomor keputusan", key="impor:nomor"),
                  "tanggal_keputusan": left.date_input("Tanggal keputusan", key="impor:tanggal", format="DD/MM/YYYY"),
                  "tempat_keputusan": right.text_input("Tempat", ctx.settings()["office_place"], key="impor:tempat"),
                  "penandatangan": left.text_input("Penandatangan", key="impor:ttd")}
    scan = right.file_uploader("Pindaian keputusan aslinya (PDF, dianjurkan)", type=["pdf"], key="impor:pindaian")
    st.caption("SIDIP tidak membuat keputusan atas nama kantor untuk versi historis: lampirkan keputusan aslinya; "
               "daftar versi ini menyebut nomor dan tanggal keputusan tersebut.")
if st.button(f"Impor {len(result.rows)} baris", type="primary", key="impor:jalankan"):
    bar = st.progress(0.0, text="Mengimpor…")
    done = ui.run_action("impor", importing.run, ctx, actor, result, unit, upload.name, historical,
                         lambda f, text: bar.progress(f, text=text))
    if done and done.version and scan is not None:
        ui.run_action("impor", publishing.attach_signed_decree, ctx, actor, done.version.id, scan.getvalue(),
                      done.version.revision)
    if done:
        ui.reset_form("impor")  # a fresh uploader: the same file cannot be imported twice by a second click
        st.session_state["flash_ok"] = (f"{done.items} informasi diimpor; {done.incomplete} perlu dilengkapi di "
                                        "halaman Klasifikasi." + (" Versi historis dicatat." if done.version else "")
                                        + (f" {done.files} berkas dilampirkan." if done.files else ""))
    st.rerun()
