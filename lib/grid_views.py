"""The editable grids (st.data_editor): the PPID classifies many items, the desk pastes many rows.

Each grid sits in a form, so typing and pasting cost no rerun; the save sends the whole grid to one
service call. A refused save keeps the grid as typed: the rows it was loaded from stay in the session
(the stale-write check needs the revisions the user saw) and the editor keeps its key.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import ui
from lib.domain.models import FIELD_LABELS
from lib.services import bulk

CLASSIFY, PASTE = "grid-klas", "grid-serah"
HEADERS = {"judul": "Judul", "kategori": "Kategori", "lokasi_softcopy": "Lokasi softcopy",
           "lokasi_hardcopy": "Lokasi hardcopy", "unit": "Unit", "ringkasan": "Ringkasan",
           "pejabat_penguasa": "Pejabat/unit penguasa", "penanggung_jawab": "Penanggung jawab",
           "waktu_tempat": "Waktu dan tempat", "bentuk": "Bentuk", "retensi": "Retensi", "tahun": "Tahun",
           "tautan": "Tautan", "info_created_on": "Tanggal dibuat (TTTT-BB-HH)"}
SHORT_CATEGORIES = {"berkala": "Berkala", "serta_merta": "Serta merta", "setiap_saat": "Setiap saat",
                    "dikecualikan": "Dikecualikan"}
PROBLEM = "Masalah"


def has_error(form: str) -> bool:
    return ui.has_error(form)


def _text(name: str) -> st.column_config.Column:
    return st.column_config.TextColumn(HEADERS[name], help=FIELD_LABELS.get(name, HEADERS[name]))


def _cells(row) -> dict[str, str]:
    """One edited row as plain strings: an emptied cell arrives as None or NaN."""
    return {k: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for k, v in row.items()}


# -- the PPID's classification grid --------------------------------------------------------------
def _loaded(ctx, actor) -> list[dict]:
    """The rows as loaded: kept until a save succeeds or the user reloads, so edits and revisions stay."""
    held = f"{CLASSIFY}:rows"
    if held not in st.session_state:
        st.session_state[held] = bulk.grid_rows(ctx, actor)
    return st.session_state[held]


def reload_grid() -> None:
    st.session_state.pop(f"{CLASSIFY}:rows", None)
    ui.reset_form(CLASSIFY)
    ui.clear_errors(CLASSIFY)


def _classification_config(ctx) -> dict:
    config = {f: _text(f) for f in bulk.GRID_FIELDS}
    config[PROBLEM] = st.column_config.TextColumn(PROBLEM, disabled=True, width="medium")
    config["kategori"] = st.column_config.SelectboxColumn(
        HEADERS["kategori"], options=list(SHORT_CATEGORIES), format_func=SHORT_CATEGORIES.get)
    config["unit"] = st.column_config.SelectboxColumn(HEADERS["unit"], options=ctx.units())
    config["status"] = st.column_config.TextColumn("Status", disabled=True)
    return config


def classification_grid(ctx, actor) -> None:
    """Every submitted or classified item in one table; one save classifies all the rows changed."""
    rows = _loaded(ctx, actor)
    if not rows:
        st.caption("Tidak ada informasi yang diajukan atau diklasifikasi.")
        return
    problems = st.session_state.get(f"errors:{CLASSIFY}", {})
    frame = pd.DataFrame([{PROBLEM: problems.get(r["id"], ""), "status": r["status"],
                           **{f: r[f] or None for f in bulk.GRID_FIELDS}} for r in rows],
                         index=pd.Index([r["id"] for r in rows], name="id"))
    ui.form_error(CLASSIFY)
    with st.form(CLASSIFY):
        edited = st.data_editor(frame, key=ui.key(CLASSIFY, "tabel"), hide_index=True, num_rows="fixed",
                                placeholder="", column_config=_classification_config(ctx), width="stretch")
        save = st.form_submit_button("Simpan semua perubahan", type="primary")
    if save:
        edits = [bulk.RowEdit(r["id"], r["revision"], r, _cells(edited.loc[r["id"], list(bulk.GRID_FIELDS)]))
                 for r in rows]
        saved = ui.run_action(CLASSIFY, bulk.classify_many, ctx, actor, edits)
        if saved is not None:
            st.session_state["flash_ok"] = f"{len(saved)} informasi diklasifikasi dan disimpan sekaligus."
            reload_grid()
        st.rerun()
    if st.button("Muat ulang tabel", key=f"{CLASSIFY}:muat", help="Buang isian yang belum disimpan"):
        reload_grid()
        st.rerun()


# -- the desk's paste grid ----------------------------------------------------------------------
def paste_grid(ctx, actor) -> None:
    """An empty table for rows copied from a spreadsheet (Ctrl+V on the first cell), in DIP column order."""
    st.caption("Salin baris dari lembar kerja (urutan kolom: " + ", ".join(HEADERS[f] for f in bulk.DESK_FIELDS)
               + "), klik sel pertama tabel, lalu tekan Ctrl+V.")
    frame = pd.DataFrame({f: pd.Series(dtype="string") for f in bulk.DESK_FIELDS})
    ui.form_error(PASTE)
    with st.form(PASTE):
        edited = st.data_editor(frame, key=ui.key(PASTE, "tabel"), hide_index=True, num_rows="dynamic",
                                placeholder="", column_config={f: _text(f) for f in bulk.DESK_FIELDS}, width="stretch")
        if st.form_submit_button("Ajukan semua ke PPID", type="primary"):
            rows = [_cells(r) for r in edited.to_dict("records")]
            saved = ui.run_action(PASTE, bulk.submit_many, ctx, actor, rows)
            if saved is not None:
                st.session_state["flash_ok"] = f"{len(saved)} informasi diajukan ke PPID sekaligus."
                ui.reset_form(PASTE)
            st.rerun()
