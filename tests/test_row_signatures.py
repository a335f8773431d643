"""Every row of every table is signed: doctor finds a row changed outside SIDIP on either register."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import gspread
import pytest

from conftest import classification, submission
from lib.domain.audit import EventSigner
from lib.domain.workdays import HolidayOverride
from lib.services import admin, auth, items, versions
from lib.store.sheets import SheetsRegister
from lib.store.sheets_client import RetryPolicy
from lib.store.sqlite import SqliteRegister
from tests.sheets_emulator import SheetsEmulator
from tests.test_register_contract import KEY, OFFICE, ev, sheets_register

ROOT = Path(__file__).resolve().parent.parent


def established(ctx, people):
    """A register with a row in every table: settings, a holiday, users, an item, a version and its snapshot."""
    admin.update_settings(ctx, people["admin"], {"sla_days": "7"})
    admin.set_holiday_override(ctx, people["admin"], date(2026, 3, 30), "libur", "Libur daerah")
    item = items.submit_new(ctx, people["desk"], submission())
    items.classify(ctx, people["ppid"], item.id, classification(item), item.revision)
    v = versions.create_version(ctx, people["ppid"], 2026)
    return versions.establish(ctx, people["ppid"], v.id, {"nomor_keputusan": "01/PPID/2026", "tanggal_keputusan":
                              "2026-03-17", "tempat_keputusan": "Sarolangun", "penandatangan": "Budi",
                              "alasan_kelengkapan": "Uji tanda tangan baris"}, v.revision)


EDITS = {  # table: (SQL that changes one row outside SIDIP, the row's name in the report)
    "items": ("UPDATE items SET judul = 'Judul palsu'", "informasi"),
    "users": ("UPDATE users SET roles = 'admin' WHERE username = 'desk'", "pengguna"),
    "versions": ("UPDATE versions SET status = 'diunggah'", "versi DIP"),
    "version_items": ("UPDATE version_items SET data = replace(data, 'Laporan', 'Lapor')", "baris versi DIP"),
    "settings": ("UPDATE settings SET value = '1' WHERE key = 'sla_days'", "pengaturan"),
    "holidays": ("UPDATE holidays SET name = 'Libur karangan'", "hari libur"),
}


def test_a_clean_local_register_checks_out(ctx, people):
    established(ctx, people)
    assert ctx.register.integrity_problems() == []


@pytest.mark.parametrize("table", sorted(EDITS))
def test_a_row_changed_in_the_database_file_is_reported_by_table(ctx, people, table):
    established(ctx, people)
    sql, words = EDITS[table]
    with sqlite3.connect(ctx.register.path) as conn:
        conn.execute(sql)
    problems = ctx.register.integrity_problems()
    assert len(problems) == 1 and problems[0].startswith(f"Tabel {words}: baris ")
    assert problems[0].endswith("diubah di luar SIDIP (tanda tangannya tidak cocok)")


def test_doctor_fails_on_a_changed_row_and_names_it(tmp_path):
    env = {**os.environ, "SIDIP_DATA_DIR": str(tmp_path / "data"), "SIDIP_SECRET_KEY": "6f1d3b5a7c9e2048" * 4}
    run = lambda *a: subprocess.run([sys.executable, "-m", "lib.cli", *a], cwd=ROOT, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    assert run("demo").returncode == 0
    assert run("doctor").returncode == 0
    with sqlite3.connect(tmp_path / "data" / "sidip.sqlite3") as conn:
        key = conn.execute("SELECT key FROM settings ORDER BY key LIMIT 1").fetchone()[0]
        conn.execute("UPDATE settings SET value = value || ' (diubah)' WHERE key = ?", (key,))
    out = run("doctor")
    assert out.returncode == 1
    assert f"  Tabel pengaturan: baris kpu-sarolangun/{key} diubah di luar SIDIP (tanda tangannya tidak cocok)" \
        in out.stdout.splitlines()


def test_a_register_made_before_rows_were_signed_is_signed_once_on_upgrade_and_says_so(tmp_path):
    reg = SqliteRegister(tmp_path / "r.sqlite3", EventSigner(KEY))
    reg.init()
    reg.save_settings(OFFICE, {"sla_days": "5"}, ev("sla_days", entity="settings"))
    with sqlite3.connect(reg.path) as conn:  # what an earlier release left: no MACs, no mark
        conn.execute("UPDATE settings SET _mac = NULL")
        conn.execute("DELETE FROM meta WHERE key = 'rows_signed'")
    again = SqliteRegister(tmp_path / "r.sqlite3", EventSigner(KEY))
    again.init()
    assert again.integrity_problems() == []
    assert again.events(OFFICE)[-1].action == "baris_register_ditandatangani"
    with sqlite3.connect(reg.path) as conn:  # blanking a MAC later is tampering, not an upgrade
        conn.execute("UPDATE settings SET _mac = NULL")
    again.init()
    assert len(again.integrity_problems()) == 1


# -- Google Sheets: isi_versi, pengaturan and libur are signed like the other tabs -----------------
def hand_edit(emu, tab: str, row: int, header: str, value: str) -> None:
    from tests.sheets_emulator import col_letters
    sid = emu.spreadsheet_ids()[-1]
    column = emu.get_values(sid, tab)[0].index(header)
    client = gspread.Client(auth=None, session=emu.session())
    client.http_client.values_update(sid, f"'{tab}'!{col_letters(column)}{row + 1}",
                                     params={"valueInputOption": "RAW"}, body={"values": [[value]]})


def test_a_setting_typed_over_in_the_sheet_is_not_used_and_is_reported():
    emu = SheetsEmulator(seed=2)
    reg = sheets_register(emu)
    reg.save_settings(OFFICE, {"office_name": "KPU Kabupaten Contoh"}, ev("office_name", entity="settings"))
    hand_edit(emu, "pengaturan", 1, "nilai", "Kantor Palsu")
    reg.invalidate()
    assert "office_name" not in reg.settings(OFFICE)
    assert reg.integrity_problems() == [
        "Tab pengaturan: baris kpu-sarolangun/office_name diubah langsung di Sheet (tidak dipakai)"]


def test_a_frozen_dip_row_typed_over_never_reaches_the_public_list():
    from lib.domain.models import SnapshotRow, Version
    emu = SheetsEmulator(seed=3)
    reg = sheets_register(emu)
    rows = [SnapshotRow("dip-1", f"i{n}", n, "berkala", {"judul": f"Informasi {n}"}) for n in (1, 2)]
    reg.save_version(Version("dip-1", 2026, status="diunggah"), ev("dip-1", entity="version"), None, rows)
    hand_edit(emu, "isi_versi", 1, "isi", '{"judul": "Judul palsu"}')
    reg.invalidate()
    assert [r.data["judul"] for r in reg.snapshot("dip-1")] == ["Informasi 2"]
    assert reg.integrity_problems() == ["Tab isi_versi: baris dip-1/i1 diubah langsung di Sheet (tidak dipakai)"]


def test_a_sheet_from_before_its_tabs_were_signed_gets_their_column_and_its_rows_signed():
    emu = SheetsEmulator(seed=4)
    reg = sheets_register(emu)
    reg.save_holiday_override(OFFICE, HolidayOverride(date(2026, 3, 30), "libur", "Libur daerah"),
                              ev("2026-03-30", entity="holiday"))
    sid = emu.spreadsheet_ids()[-1]
    client = gspread.Client(auth=None, session=emu.session())
    sheet = client.open_by_key(sid).worksheet("libur")
    head = sheet.row_values(1)
    for name in ("_peristiwa", "_tanda"):  # the header an earlier release wrote
        sheet.delete_columns(head.index(name) + 1)
    again = SheetsRegister(client, sid, EventSigner(KEY), KEY, RetryPolicy(sleep=lambda s: None))
    assert [o.name for o in again.holiday_overrides(OFFICE)] == ["Libur daerah"]
    assert emu.get_values(sid, "libur")[0][-2:] == ["_tanda", "_peristiwa"]
    assert again.integrity_problems() == []


def test_a_backup_of_the_sheet_restores_into_the_local_register_with_every_row_verified(tmp_path):
    emu = SheetsEmulator(seed=5)
    reg = sheets_register(emu)
    reg.save_settings(OFFICE, {"sla_days": "6"}, ev("sla_days", entity="settings"))
    local = SqliteRegister(tmp_path / "r.sqlite3", EventSigner(KEY))
    local.init()
    local.load(reg.dump())
    assert local.integrity_problems() == [] and local.settings(OFFICE) == {"sla_days": "6"}


def _put_back(path, table: str, key: str, value: str, old: dict) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (value,))
        conn.execute(f"INSERT INTO {table} ({', '.join(old)}) VALUES ({', '.join('?' * len(old))})", list(old.values()))


def test_an_older_row_put_back_in_the_database_file_is_reported_as_a_replay(ctx, people):
    established(ctx, people)
    with sqlite3.connect(ctx.register.path) as conn:
        conn.row_factory = sqlite3.Row
        old = dict(conn.execute("SELECT * FROM users WHERE username = 'desk'").fetchone())
    auth.update_user(ctx, people["admin"], "desk", roles=["desk", "ppid"])
    assert ctx.register.integrity_problems() == []
    _put_back(ctx.register.path, "users", "username", "desk", old)
    assert ctx.register.integrity_problems() == [
        "Tabel pengguna: baris desk bukan yang terakhir ditulis SIDIP (salinan lama dipasang kembali)"]


@pytest.mark.parametrize("table,where,words", [
    ("items", "1 = 1", "informasi"),
    ("version_items", "1 = 1", "baris versi DIP"),
    ("settings", "key = 'sla_days'", "pengaturan"),
    ("holidays", "1 = 1", "hari libur"),
])
def test_a_row_deleted_from_the_database_file_is_reported(ctx, people, table, where, words):
    established(ctx, people)
    with sqlite3.connect(ctx.register.path) as conn:
        gone = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0]
        conn.execute(f"DELETE FROM {table} WHERE {where}")
    problems = ctx.register.integrity_problems()
    assert gone >= 1 and len(problems) == gone
    assert all(p.startswith(f"Tabel {words}: baris ") and p.endswith("dihapus di luar SIDIP (tercatat di riwayat)")
               for p in problems)


def test_on_the_sheet_an_older_setting_pasted_back_or_a_deleted_dip_row_is_reported():
    from lib.domain.models import SnapshotRow, Version
    emu = SheetsEmulator(seed=6)
    reg = sheets_register(emu)
    sid = emu.spreadsheet_ids()[-1]
    reg.save_settings(OFFICE, {"sla_days": "5"}, ev("sla_days", entity="settings"))
    old = emu.get_values(sid, "pengaturan")[1]
    reg.save_settings(OFFICE, {"sla_days": "7"}, ev("sla_days", entity="settings"))
    rows = [SnapshotRow("dip-1", f"i{n}", n, "berkala", {"judul": f"Informasi {n}"}) for n in (1, 2)]
    reg.save_version(Version("dip-1", 2026, status="diunggah"), ev("dip-1", entity="version"), None, rows)
    reg.invalidate()
    assert reg.integrity_problems() == []
    client = gspread.Client(auth=None, session=emu.session())
    book = client.open_by_key(sid)
    book.worksheet("pengaturan").update([old], "A2", value_input_option="RAW")
    book.worksheet("isi_versi").delete_rows(3)
    reg.invalidate()
    assert reg.integrity_problems() == [
        "Tab pengaturan: baris kpu-sarolangun/sla_days adalah salinan lama yang dipasang kembali",
        "Tab isi_versi: baris dip-1/i2 dihapus dari Sheet (tercatat di riwayat)"]
