"""The DIP item form, shared by the desk's submission and the PPID's classification."""
from __future__ import annotations

from datetime import date

import streamlit as st

from lib import ui
from lib.domain.models import CATEGORIES, DIP_FIELDS, FIELD_LABELS, PASAL17_LETTERS, TEXT_LIMITS, Item
from lib.domain.validation import MAY_BE_PERMANENT

_LONG = ("ringkasan",)


def _text(form: str, name: str, value: str, area: bool = False) -> str:
    label = FIELD_LABELS[name]
    # max_chars is left off on purpose: over-long text must reach validation and stay in the form.
    widget = st.text_area if area or name in _LONG else st.text_input
    out = widget(label, value=value or "", key=ui.key(form, name),
                 help=f"Paling banyak {TEXT_LIMITS[name]:,} karakter".replace(",", "."))
    ui.field_error(form, name)
    return out


def dip_fields(form: str, item: Item | None) -> dict:
    data = {"judul": _text(form, "judul", item.judul if item else "")}
    for name in DIP_FIELDS:
        data[name] = _text(form, name, getattr(item, name) if item else "")
    data["tahun"] = st.text_input("Tahun", value=str(item.tahun or "") if item else str(date.today().year),
                                  key=ui.key(form, "tahun"))
    ui.field_error(form, "tahun")
    data["tautan"] = _text(form, "tautan", item.tautan if item else "", area=True)
    return data


def classification_fields(form: str, item: Item) -> dict:
    keys = list(CATEGORIES)
    data = {"kategori": st.selectbox("Kategori", keys, format_func=CATEGORIES.get, key=ui.key(form, "kategori"),
                                     placeholder="Pilih…",
                                     index=keys.index(item.kategori) if item.kategori in keys else 0)}
    ui.field_error(form, "kategori")
    data["lokasi_softcopy"] = _text(form, "lokasi_softcopy", item.lokasi_softcopy)
    data["lokasi_hardcopy"] = _text(form, "lokasi_hardcopy", item.lokasi_hardcopy)
    st.markdown("**Khusus informasi yang dikecualikan** (uji konsekuensi, Pasal 17 UU 14/2008)")
    letters = list(PASAL17_LETTERS)
    data["pasal17_huruf"] = st.selectbox("Pasal 17 huruf", letters, key=ui.key(form, "pasal17_huruf"),
                                         index=letters.index(item.pasal17_huruf) if item.pasal17_huruf in letters else None,
                                         format_func=lambda h: f"huruf {h}", placeholder="Pilih…")
    ui.field_error(form, "pasal17_huruf")
    for name in ("pasal17_angka", "dasar_hukum_lain"):
        data[name] = _text(form, name, getattr(item, name))
    data["dasar_pengecualian"] = _text(form, "dasar_pengecualian", item.dasar_pengecualian, area=True)
    st.caption("Bila diisi, teks dasar pengecualian ini yang tampil di DIK (misalnya beberapa huruf/angka "
               "atau undang-undang lain); bila kosong, DIK menyebut Pasal 17 huruf dan angka di atas.")
    for name in ("konsekuensi_dibuka", "konsekuensi_ditutup"):
        data[name] = _text(form, name, getattr(item, name), area=True)
    data["masa_pengecualian_tahun"] = st.number_input(
        "Jangka waktu pengecualian (tahun sejak penetapan)", 0, 100, item.masa_pengecualian_tahun or 0,
        key=ui.key(form, "masa"))
    data["pengecualian_permanen"] = st.checkbox(
        "Dikecualikan permanen (hanya Pasal 17 huruf g sampai j)", value=_permanent_default(item),
        key=ui.key(form, "permanen"), help="UU 14/2008 Pasal 20: pengecualian huruf a sampai f tidak dapat permanen. "
        "Untuk huruf g sampai j tanpa jangka waktu, pengecualian dicatat permanen.")
    data["masa_pengecualian_teks"] = _text(form, "masa_pengecualian_teks", item.masa_pengecualian_teks)
    st.caption("Isi keterangan jangka waktu (misalnya \"Selama masih berlaku\") hanya bila tidak dinyatakan dalam "
               "tahun dan tidak permanen.")
    ui.field_error(form, "masa_pengecualian")
    return data


def _permanent_default(item: Item) -> bool:
    """Offered ticked under g-j when no period is recorded; a recorded period keeps it unticked."""
    return item.pengecualian_permanen or (item.pasal17_huruf in MAY_BE_PERMANENT and not item.masa_pengecualian_tahun
                                          and not item.masa_pengecualian_teks)


# -- softcopy files -----------------------------------------------------------------------------
def file_picker(form: str, ctx) -> list:
    """Inside a form: several softcopies at once; the type list only guides the browser's picker
    (the content decides), and Streamlit's maxUploadSize stops anything over 200 MB on the way in."""
    from lib.domain.filetypes import ALLOWED_EXTENSIONS, ALLOWED_WORDS
    from lib.services.attachments import limit_mb
    picked = st.file_uploader(f"Softcopy ({ALLOWED_WORDS}; paling besar {limit_mb(ctx)} MB per berkas)",
                              type=list(ALLOWED_EXTENSIONS), accept_multiple_files=True,
                              key=f"{ui.key(form, 'berkas')}:{st.session_state.get(f'upl:{form}', 0)}")
    ui.field_error(form, "berkas")
    return list(picked or [])


def files_ok(form: str, ctx, uploads: list) -> bool:
    """Before the item is saved: a bad file stops the save, and what was typed stays in the form."""
    from lib.services import attachments
    return not uploads or bool(ui.run_action(form, attachments.check_uploads, ctx, uploads))


def save_files(form: str, ctx, actor, item_id: str, uploads: list) -> bool:
    """After the item is saved: store its files; on success the picker is emptied."""
    from lib.services import attachments
    if not uploads:
        return True
    done = ui.run_action(form, attachments.attach_uploads, ctx, actor, item_id, uploads,
                         success=f"{len(uploads)} berkas softcopy disimpan.")
    if done is not None:
        st.session_state[f"upl:{form}"] = st.session_state.get(f"upl:{form}", 0) + 1
    return done is not None


def file_list(ctx, actor, item: Item) -> None:
    """The item's current files, each with its download, and the whole history in an expander."""
    from lib import views
    from lib.services import attachments
    current = attachments.files_of(ctx, actor, item.id)
    st.markdown("**Berkas softcopy**")
    if not current:
        st.caption("Belum ada berkas softcopy. Unggah lewat formulir di atas.")
    for n, att in enumerate(current):
        row = views.file_rows([att], ctx.tz())[0]
        left, right = st.columns([4, 1])
        left.text(f"{att.filename} · {row['Ukuran']} · {row['Jenis']} · {att.uploaded_by} · {row['Waktu']}")
        right.download_button("Unduh", data=lambda a=att: attachments.read(ctx, actor, a.id), file_name=att.filename,
                              mime=att.media_type, key=f"unduh-{item.id}-{n}", on_click="ignore")
    history = attachments.files_of(ctx, actor, item.id, history=True)
    if len(history) > len(current):
        with st.expander(f"Riwayat berkas ({len(history)})"):
            st.dataframe(views.file_rows(history, ctx.tz()), hide_index=True)
