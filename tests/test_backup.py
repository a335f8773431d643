"""Backup to one XLSX workbook and restore into an empty register: every table, every value, the chain."""
import base64
import hashlib
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
    assert wb.sheetnames == ["_sidip", *dump, "_sidip_cells", "_sidip_files"]
    assert [c.value for c in wb["items"][1]] == codec.columns(Item) + ["_mac"]
    assert [c.value for c in wb["settings"][1]] == ["office_id", "key", "value", "_mac"]
    judul = [c for c in wb["items"]["C"][1:] if c.value in TITLES]
    assert sorted(c.value for c in judul) == sorted(TITLES)
    assert {c.data_type for c in judul} == {"s"}  # "0012" no number, "=..." no formula
    meta = {row[0].value: row[1].value for row in wb["_sidip"].iter_rows()}
    assert meta["schema"] == "sidip-backup/3" and meta["office_id"] == ctx.office_id
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
              'Format cadangan tidak dikenal: "sidip-backup/9". SIDIP ini hanya memulihkan cadangan "sidip-backup/3" '
              '(dan sidip-backup/2, sidip-backup/1).'),
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
    wb = load_workbook(io.BytesIO(_as_format(backup.backup_xlsx(ctx, people["admin"]), "sidip-backup/1")))
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


# -- stored files in the backup (format 3) ------------------------------------------------------------
PDF = b"%PDF-1.4\n" + b"laporan\n" * 50 + b"%%EOF\n"
SCAN = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 300  # more than one cell of base64


def stored(ctx, people, data: bytes, name: str = "laporan.pdf", item=None):
    """A file put in the context's store and recorded through the register port, as an upload does."""
    from lib.domain.models import Attachment
    item = item or classified(ctx, people, f"Informasi {name}")
    sha = hashlib.sha256(data).hexdigest()
    ref = ctx.file_store().put(ctx.office_id, data, sha)
    att = Attachment(id=new_id("brk"), item_id=item.id, office_id=ctx.office_id, filename=name,
                     media_type="application/pdf", size=len(data), sha256=sha, storage_ref=ref,
                     uploaded_by="ppid1")
    return ctx.register.save_attachment(att, ctx.event(people["ppid"], "berkas.unggah", "berkas", att.id,
                                                       after=att.frozen()), None)


def files_sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data))["_sidip_files"].values)


def test_a_backup_carries_each_stored_file_once_and_a_restore_puts_the_same_bytes_back(ctx, people, other):
    first = stored(ctx, people, PDF)
    stored(ctx, people, PDF, "salinan.pdf")  # the same bytes on another item: carried once
    scan = stored(ctx, people, SCAN, "pindaian.png")
    data = backup.backup_xlsx(ctx, people["admin"])
    rows = files_sheet(data)
    assert rows[0] == ("sha256", "size", "part", "base64")
    assert sorted({(r[0], r[1]) for r in rows[1:]}) == sorted(
        {(first.sha256, str(len(PDF))), (scan.sha256, str(len(SCAN)))})
    assert [r[2] for r in rows[1:] if r[0] == scan.sha256] == ["0", "1", "2", "3"]
    backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    assert other.register.dump() == ctx.register.dump()  # same store kind, same refs: nothing rewritten
    for att in other.register.list_attachments(other.office_id):
        assert other.file_store().get(att.storage_ref) == (PDF if att.sha256 == first.sha256 else SCAN)
    assert other.register.integrity_problems() == []


def _replace_base64(data: bytes, value: str) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb["_sidip_files"]["D2"] = value
    wb["_sidip_files"]["D2"].data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("value,message", [
    (base64.b64encode(b"%PDF-1.4 dipalsukan").decode(), "tidak cocok dengan sidik SHA-256-nya"),
    ("bukan base64 !!", "tidak dapat dibaca"),
], ids=["isi-lain", "rusak"])
def test_a_file_changed_in_the_backup_is_refused_and_nothing_is_restored(ctx, people, other, value, message):
    stored(ctx, people, PDF)
    data = _replace_base64(backup.backup_xlsx(ctx, people["admin"]), value)
    with pytest.raises(SidipError, match=message):
        backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    assert empty(other.register)
    assert not (Path(other.data_dir) / "berkas").exists()


def test_a_file_missing_from_the_store_stops_the_backup_with_its_name(ctx, people, tmp_path):
    att = stored(ctx, people, PDF, "hilang.pdf")
    (tmp_path / "data" / "berkas" / att.storage_ref).unlink()
    events = len(ctx.register.events(ctx.office_id))
    with pytest.raises(SidipError) as err:
        backup.backup_xlsx(ctx, people["admin"])
    assert str(err.value) == (
        f"Cadangan tidak dibuat: \"hilang.pdf\" (berkas {att.id}, informasi {att.item_id}) tidak ada. "
        "Jalankan python -m lib.cli doctor, lalu ganti berkas yang rusak.")
    assert len(ctx.register.events(ctx.office_id)) == events  # no backup, no record of one


def _as_format(data: bytes, schema: str) -> bytes:
    """What an earlier release wrote: no attachments or files sheet (and for format 1 no MACs or heads)."""
    wb = load_workbook(io.BytesIO(data))
    del wb["attachments"], wb["_sidip_files"]
    meta = wb["_sidip"]
    drop = ("rows.attachments", "rows._sidip_files", "files.")
    for number in reversed([r[0].row for r in meta.iter_rows() if str(r[0].value).startswith(drop)]):
        meta.delete_rows(number)
    for row in meta.iter_rows():
        if row[0].value == "schema":
            row[1].value = schema
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_backup_of_format_2_still_restores_with_no_files(ctx, people, other):
    for judul in TITLES:  # a register of that release: items and their log, no stored files
        classified(ctx, people, judul)
    counts = backup.restore_xlsx(other, SYSTEM_ACTOR, _as_format(backup.backup_xlsx(ctx, people["admin"]),
                                                                 "sidip-backup/2"))
    assert counts["attachments"] == 0 and counts["items"] == len(ctx.register.list_items(ctx.office_id))
    assert other.register.integrity_problems() == []


# -- a register whose files live in Google Drive (the local emulator over HTTP) -------------------------
@pytest.fixture
def drive():
    from tests.drive_emulator import DriveEmulator
    emu = DriveEmulator()
    with emu.serve() as port:
        yield emu, port


def drive_store(port):
    from lib.store.drivestore import DriveFileStore, DriveRetry
    from tests.sheets_emulator import forwarding_session
    return DriveFileStore(forwarding_session(port), retry=DriveRetry(sleep=lambda s: None))


def test_a_drive_backup_holds_ids_and_hashes_and_restores_onto_the_same_drive(ctx, people, other, drive):
    emu, port = drive
    ctx.files = drive_store(port)
    att = stored(ctx, people, PDF)
    data = backup.backup_xlsx(ctx, people["admin"])
    meta = backup.read_meta(data)
    assert (meta["files.bytes"], meta["files.store"]) == ("tidak", 'Google Drive, folder "SIDIP berkas"')
    assert files_sheet(data) == [("sha256", "size", "part", "base64")]
    other.files = drive_store(port)
    backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    assert other.register.get_attachment(att.id).storage_ref == att.storage_ref
    assert other.file_store().get(att.storage_ref) == PDF


def test_a_drive_backup_without_bytes_is_refused_by_a_local_register_with_a_clear_message(ctx, people, other,
                                                                                          drive):
    emu, port = drive
    ctx.files = drive_store(port)
    att = stored(ctx, people, PDF, "sk.pdf")
    with pytest.raises(SidipError) as err:
        backup.restore_xlsx(other, SYSTEM_ACTOR, backup.backup_xlsx(ctx, people["admin"]))
    assert str(err.value).startswith(
        f"Cadangan tidak dipulihkan: \"sk.pdf\" (berkas {att.id}, informasi {att.item_id}) tidak ada (cadangan "
        "tidak membawa isinya dan penyimpanan folder lokal")
    assert empty(other.register)


def test_a_drive_backup_with_bytes_restores_into_a_local_store_and_records_the_new_place(ctx, people, other, drive):
    emu, port = drive
    ctx.files = drive_store(port)
    att = stored(ctx, people, PDF)
    data = backup.backup_xlsx(ctx, people["admin"], include_files=True)
    assert backup.read_meta(data)["files.bytes"] == "ya"
    backup.restore_xlsx(other, SYSTEM_ACTOR, data)
    moved = other.register.get_attachment(att.id)
    assert moved.storage_ref == f"{ctx.office_id}/{att.sha256[:2]}/{att.sha256}"
    assert other.file_store().get(moved.storage_ref) == PDF
    last = other.register.events(other.office_id)[-1]
    assert (last.action, last.entity_id, last.before, last.after) == (
        "berkas.dipulihkan", att.id, {"storage_ref": att.storage_ref}, {"storage_ref": moved.storage_ref})
    assert other.register.integrity_problems() == []
    assert verify_chain(other.register.events(other.office_id), other.signer).ok


def test_a_local_backup_restores_onto_a_google_sheet_with_its_files_uploaded_to_drive(ctx, people, drive):
    import dataclasses
    from tests.sheets_emulator import SheetsEmulator
    from tests.test_register_contract import sheets_register
    emu, port = drive
    att = stored(ctx, people, SCAN, "pindaian.png")
    sheet = dataclasses.replace(ctx, register=sheets_register(SheetsEmulator(), ctx.secret_key),
                                files=drive_store(port))
    sheet.register.init()
    backup.restore_xlsx(sheet, SYSTEM_ACTOR, backup.backup_xlsx(ctx, people["admin"]))
    moved = sheet.register.get_attachment(att.id)
    assert emu.content(moved.storage_ref) == SCAN and moved.sha256 == att.sha256
    assert sheet.register.events(sheet.office_id)[-1].action == "berkas.dipulihkan"
    assert sheet.register.integrity_problems() == []
