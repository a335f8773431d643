"""Backup to one XLSX workbook and restore into an empty register: every table, every value, the chain."""
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from lib.bootstrap import build_context
from lib.domain.audit import verify_chain
from lib.domain.models import Item, new_id
from lib.errors import PermissionDenied, SidipError
from lib.services import admin, attachments, backup, items, publishing, versions
from lib.services.context import SYSTEM_ACTOR
from lib.store import codec
from tests.conftest import UNIT_A, UNIT_B, classification, submission

ROOT = Path(__file__).resolve().parent.parent
TITLES = ("0012", '=HYPERLINK("x")', "Baris satu\nBaris dua")
DECREE = {"nomor_keputusan": "01/PPID/2026", "tanggal_keputusan": "2026-03-20",
          "tempat_keputusan": "Sarolangun", "penandatangan": "Rina", "alasan_kelengkapan": "Uji"}
EXEMPT = {"pasal17_huruf": "h", "pasal17_angka": "2", "konsekuensi_dibuka": "Data pribadi terbuka",
          "konsekuensi_ditutup": "Privasi terlindungi"}


def classified(ctx, people, judul, kategori="berkala", **extra):
    req = items.open_request(ctx, people["ppid"], UNIT_A, judul)
    sub = items.submit(ctx, people["desk"], req.id, submission(judul), req.revision)
    return items.classify(ctx, people["ppid"], sub.id, classification(sub, kategori, **extra), sub.revision)


def fill(ctx, people):
    """Something in every table: users, items in several states, an uploaded version, settings, a holiday."""
    for judul in TITLES:
        classified(ctx, people, judul)
    classified(ctx, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    items.open_request(ctx, people["ppid"], UNIT_B, "DPT")
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    v = versions.approve(ctx, people["atasan"], v.id, "Unggah segera", v.revision)
    publishing.upload(ctx, people["desk"], v.id, v.revision)
    admin.update_settings(ctx, people["admin"], {"office_name": "KPU Uji", "sla_days": "7"})
    admin.set_holiday_override(ctx, people["admin"], "2026-03-25", "libur", "Libur daerah")
    first = ctx.register.list_items(ctx.office_id)[0]
    attachments.attach(ctx, people["ppid"], first.id, "softcopy.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)


@pytest.fixture
def other(tmp_path, ctx):
    """A fresh, empty register in another folder, holding the same secret key."""
    (tmp_path / "other").mkdir()
    shutil.copy(tmp_path / "data" / "secret.key", tmp_path / "other" / "secret.key")
    return build_context(tmp_path / "other")


def empty(register) -> bool:
    return all(rows == [] for rows in register.dump().values())


def test_a_backup_restored_into_an_empty_register_equals_the_original_table_by_table(ctx, people, other):
    fill(ctx, people)
    data = backup.backup_xlsx(ctx, people["admin"])
    original = ctx.register.dump()
    assert list(original) == ["settings", "holidays", "users", "items", "versions", "version_items", "attachments",
                             "events"]
    assert all(original.values()), "every table holds data"
    assert original["events"][-1]["action"] == "cadangan_dibuat"  # the backup holds its own record
    counts = backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    restored = other.register.dump()
    for table in original:
        assert restored[table] == original[table], table
    assert restored == original
    assert counts == {table: len(rows) for table, rows in original.items()}
    assert verify_chain(other.register.events(other.office_id), other.signer).ok
    judul = {i.judul for i in other.register.list_items(other.office_id)}
    assert set(TITLES) <= judul


def test_the_workbook_is_one_text_sheet_per_table_with_a_sidip_sheet(ctx, people):
    fill(ctx, people)
    data = backup.backup_xlsx(ctx, people["admin"])
    dump = ctx.register.dump()
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["_sidip", *dump, "_sidip_cells"]
    assert [c.value for c in wb["items"][1]] == codec.columns(Item) + ["_mac"]
    assert [c.value for c in wb["settings"][1]] == ["office_id", "key", "value", "_mac"]
    judul = [c for c in wb["items"]["C"][1:] if c.value in TITLES]
    assert sorted(c.value for c in judul) == sorted(TITLES)
    assert {c.data_type for c in judul} == {"s"}  # "0012" no number, "=..." no formula
    meta = {row[0].value: row[1].value for row in wb["_sidip"].iter_rows()}
    assert meta["schema"] == "sidip-backup/2" and meta["office_id"] == ctx.office_id
    assert {t: meta[f"rows.{t}"] for t in dump} == {t: str(len(rows)) for t, rows in dump.items()}


@pytest.mark.parametrize("field,value", [
    ("ringkasan", "x" * 40_000 + "akhir"),  # longer than a cell: openpyxl would cut it silently
    ("judul", "a\r\nb\rc"),                  # XML reading turns \r into \n
    ("catatan_ppid", "\x01\x1f"),             # refused by openpyxl
    ("catatan_ppid", "\uffff"),                # written, but breaks the XML
    ("tautan", "_x0041_"), ("retensi", "  spasi di tepi  "), ("bentuk", "=1+1"), ("pasal17_angka", "007"),
])
def test_values_a_worksheet_cannot_hold_verbatim_still_come_back_exactly(ctx, people, other, field, value):
    item = Item(new_id("inf"), UNIT_A, "Aneh").replace(**{field: value})
    ctx.register.save_item(item, ctx.event(people["admin"], "uji", "item", item.id), None)
    data = backup.backup_xlsx(ctx, people["admin"])
    backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    assert getattr(other.register.get_item(item.id), field) == value
    assert other.register.dump() == ctx.register.dump()
    shown = load_workbook(io.BytesIO(data))["items"].cell(row=2, column=codec.columns(Item).index(field) + 1).value
    assert len(shown) <= 32767  # the sheet itself shows a readable copy


def test_a_restore_into_a_register_that_is_not_empty_is_refused_and_changes_nothing(ctx, people, other):
    fill(ctx, people)
    data = backup.backup_xlsx(ctx, people["admin"])
    before = ctx.register.dump()
    with pytest.raises(SidipError) as err:
        backup.restore_xlsx(ctx, people["admin"], data)
    assert str(err.value) == (
        f"Register tujuan tidak kosong: 2 pengaturan, 1 hari libur, 5 pengguna, 5 informasi, 1 versi DIP, "
        f"4 baris versi DIP, 1 berkas, {len(before['events'])} peristiwa audit. Cadangan hanya dapat dipulihkan "
        "ke register baru yang kosong.")
    assert ctx.register.dump() == before
    backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    with pytest.raises(SidipError, match="^Register tujuan tidak kosong: "):
        other.register.load({})


def _edited(data: bytes, change) -> tuple[bytes, str]:
    wb = load_workbook(io.BytesIO(data))
    message = change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), message


def _drop_column(sheet, name):
    def change(wb):
        ws = wb[sheet]
        ws.delete_cols([c.value for c in ws[1]].index(name) + 1)
        return f"Lembar {sheet}: kolom hilang: {name}."
    return change


def _set_meta(key, value, message):
    def change(wb):
        for row in wb["_sidip"].iter_rows():
            if row[0].value == key:
                row[1].value = value
        return message
    return change


def _add_column(wb):
    ws = wb["users"]
    ws.cell(row=1, column=ws.max_column + 1, value="catatan")
    return "Lembar users: kolom tidak dikenal: catatan."


def _formula(wb):
    wb["items"]["C2"] = "=1+1"
    return ("Lembar items sel C2 berisi rumus, bukan teks: cadangan yang diubah di aplikasi lembar kerja "
            "tidak dapat dipulihkan.")


def _number(wb):
    wb["version_items"]["C2"] = 1
    return ("Lembar version_items sel C2 berisi angka atau tanggal, bukan teks: cadangan yang diubah di "
            "aplikasi lembar kerja tidak dapat dipulihkan.")


def _drop_event(wb):
    ws = wb["events"]
    n = ws.max_row - 1
    ws.delete_rows(ws.max_row)
    return f"Lembar events berisi {n - 1} baris, padahal _sidip mencatat {n}: cadangan tidak utuh."


def _drop_sheet(wb):
    del wb["holidays"]
    return "Lembar tidak ada dalam cadangan: holidays."


def _extra_sheet(wb):
    wb.create_sheet("Sheet1")
    return "Lembar tidak dikenal dalam cadangan: Sheet1."


def _forged_event(wb):
    ws = wb["events"]
    actor = [c.value for c in ws[1]].index("actor") + 1
    ws.cell(row=2, column=actor).value = "penyusup"
    return ("Jejak audit dalam cadangan tidak cocok dengan kunci rahasia register ini (1 peristiwa dengan MAC "
            "tidak sah, 0 tanpa pendahulu). Gunakan kunci rahasia register asal (SIDIP_SECRET_KEY atau "
            "data/secret.key); bila kuncinya sudah sama, berkas cadangan ini telah diubah.")


def _bad_date(wb):
    ws = wb["holidays"]
    ws["B2"] = "25/03/2026"
    ws["B2"].data_type = "s"
    return "Lembar holidays baris 2 berisi nilai yang tidak sah."


def _typed_over(sheet: str, column: str, value: str):
    """A cell changed in a spreadsheet program: still valid text, but not what SIDIP signed."""
    def change(wb):
        ws = wb[sheet]
        ws.cell(row=2, column=[c.value for c in ws[1]].index(column) + 1).value = value
        return (f"Cadangan telah diubah: lembar {sheet} baris 2 tidak cocok dengan tanda tangannya (atau cadangan "
                "dibuat dengan kunci rahasia lain). Tidak ada yang dipulihkan.")
    change.__name__ = f"_typed_over_{sheet}_{column}"
    return change


@pytest.mark.parametrize("change", [
    _typed_over("items", "judul", "Judul yang diganti di Excel"),
    _typed_over("users", "roles", "admin,atasan,desk,ppid"),
    _drop_column("items", "judul"), _drop_column("version_items", "data"), _add_column,
    _set_meta("schema", "sidip-backup/9",
              'Format cadangan tidak dikenal: "sidip-backup/9". SIDIP ini hanya memulihkan cadangan "sidip-backup/2" '
              '(dan "sidip-backup/1").'),
    _set_meta("rows.users", "6", "Lembar users berisi 5 baris, padahal _sidip mencatat 6: cadangan tidak utuh."),
    _formula, _number, _drop_event, _drop_sheet, _extra_sheet, _forged_event, _bad_date,
], ids=lambda f: f.__name__)
def test_a_damaged_backup_is_refused_with_a_clear_message_and_the_register_stays_empty(ctx, people, other, change):
    fill(ctx, people)
    data, message = _edited(backup.backup_xlsx(ctx, people["admin"]), change)
    with pytest.raises(SidipError) as err:
        backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    assert str(err.value) == message
    assert empty(other.register)


def _plain_workbook() -> bytes:
    wb = Workbook()
    wb.active.append(["Judul", "Kategori"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("data,message", [
    (b"bukan berkas excel", "Berkas bukan XLSX cadangan SIDIP: berkas tidak dapat dibuka sebagai buku kerja Excel."),
    (b"", "Berkas bukan XLSX cadangan SIDIP: berkas tidak dapat dibuka sebagai buku kerja Excel."),
    (b"PK\x03\x04" + b"\0" * 100, "Berkas bukan XLSX cadangan SIDIP: berkas tidak dapat dibuka sebagai buku kerja Excel."),
    (_plain_workbook(), "Berkas bukan XLSX cadangan SIDIP: lembar _sidip tidak ada."),
], ids=["teks", "kosong", "zip-rusak", "xlsx-lain"])
def test_junk_is_not_taken_for_a_backup(other, data, message):
    with pytest.raises(SidipError) as err:
        backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    assert str(err.value) == message
    assert empty(other.register)


def test_a_backup_made_with_another_secret_key_is_refused(ctx, people, tmp_path, monkeypatch):
    fill(ctx, people)
    data = backup.backup_xlsx(ctx, people["admin"])
    monkeypatch.setenv("SIDIP_SECRET_KEY", "8e2d4c6b0a19f375" * 4)
    stranger = build_context(tmp_path / "asing")
    with pytest.raises(SidipError, match=r"^Jejak audit dalam cadangan tidak cocok dengan kunci rahasia"):
        backup.restore_xlsx(stranger, SYSTEM_ACTOR, data)
    assert empty(stranger.register)


def test_only_an_admin_makes_or_restores_a_backup(ctx, people, other):
    data = backup.backup_xlsx(ctx, people["admin"])
    count = len(ctx.register.events(ctx.office_id))
    for role in ("ppid", "atasan", "desk"):
        with pytest.raises(PermissionDenied):
            backup.backup_xlsx(ctx, people[role])
        with pytest.raises(PermissionDenied):
            backup.restore_xlsx(other, people[role], data)
    with pytest.raises(PermissionDenied):
        backup.backup_xlsx(ctx, None)
    assert len(ctx.register.events(ctx.office_id)) == count and empty(other.register)


CLI_KEY = "5be0c4a1d2e3f405" * 4


def cli(data_dir: Path, *args, key: str | None = CLI_KEY):
    env = {k: v for k, v in os.environ.items() if k != "SIDIP_SECRET_KEY"}
    env.update(SIDIP_DATA_DIR=str(data_dir), SIDIP_PUBLISH_DIR=str(data_dir.parent / "pub"))
    if key:
        env["SIDIP_SECRET_KEY"] = key
    return subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_backs_up_and_restores_a_register_that_then_checks_out(tmp_path, monkeypatch):
    assert cli(tmp_path / "asal", "demo").returncode == 0
    out = cli(tmp_path / "asal", "backup", "--out", str(tmp_path / "cadangan.xlsx"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Cadangan ditulis: {tmp_path / 'cadangan.xlsx'} (")
    counts = out.stdout.splitlines()[1:]
    assert [line.split(":")[0].strip() for line in counts] == [
        "settings", "holidays", "users", "items", "versions", "version_items", "attachments", "events"]

    done = cli(tmp_path / "baru", "restore", str(tmp_path / "cadangan.xlsx"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == counts
    doctor = cli(tmp_path / "baru", "doctor")
    assert doctor.returncode == 0 and "MAC tidak sah: 0" in doctor.stdout
    monkeypatch.setenv("SIDIP_SECRET_KEY", CLI_KEY)
    assert build_context(tmp_path / "baru").register.dump() == build_context(tmp_path / "asal").register.dump()

    again = cli(tmp_path / "baru", "restore", str(tmp_path / "cadangan.xlsx"))
    assert again.returncode == 1 and again.stderr.startswith("Galat: Register tujuan tidak kosong: ")
    (tmp_path / "sampah.xlsx").write_bytes(b"sampah")
    junk = cli(tmp_path / "kosong", "restore", str(tmp_path / "sampah.xlsx"))
    assert (junk.returncode, junk.stderr.strip()) == (
        1, "Galat: Berkas bukan XLSX cadangan SIDIP: berkas tidak dapat dibuka sebagai buku kerja Excel.")
    missing = cli(tmp_path / "kosong", "restore", str(tmp_path / "tidak-ada.xlsx"))
    assert (missing.returncode, missing.stderr.strip()) == (
        1, f"Galat: Berkas {tmp_path / 'tidak-ada.xlsx'} tidak ditemukan.")
    keyless = cli(tmp_path / "tanpa-kunci", "restore", str(tmp_path / "cadangan.xlsx"), key=None)
    assert keyless.returncode == 1 and "kunci rahasia" in keyless.stderr


def test_a_backup_of_the_earlier_format_without_row_signatures_still_restores_and_checks_out(ctx, people, other):
    fill(ctx, people)
    wb = load_workbook(io.BytesIO(backup.backup_xlsx(ctx, people["admin"])))
    for ws in wb.worksheets:  # what an earlier release wrote: no _mac, no ledger, no chain head
        head = [c.value for c in ws[1]]
        for name in ("_mac", "_rows"):
            if name in head:
                ws.delete_cols(head.index(name) + 1)
                head.remove(name)
    meta = wb["_sidip"]
    for row in list(meta.iter_rows()):
        if row[0].value == "schema":
            row[1].value = "sidip-backup/1"
    for number in reversed([r[0].row for r in meta.iter_rows() if str(r[0].value).startswith("chain.")]):
        meta.delete_rows(number)
    out = io.BytesIO()
    wb.save(out)
    counts = backup.restore_xlsx(other, SYSTEM_ACTOR, out.getvalue())
    assert counts["items"] == len(ctx.register.list_items(ctx.office_id))
    assert other.register.integrity_problems() == []
