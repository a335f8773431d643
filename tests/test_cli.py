"""The command line, run as a real process, as an admin or cron would."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def cli(tmp_path, *args, stdin: str = ""):
    env = {**os.environ, "SIDIP_DATA_DIR": str(tmp_path / "data"), "SIDIP_PUBLISH_DIR": str(tmp_path / "pub")}
    return subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_deadline_prints_the_due_date_then_the_skipped_days_with_their_names(tmp_path):
    out = cli(tmp_path, "deadline", "2026-03-17")
    assert out.returncode == 0
    assert out.stdout.splitlines() == [
        "2026-03-31",
        "2026-03-18  18 Maret 2026  Cuti Bersama Hari Suci Nyepi",
        "2026-03-19  19 Maret 2026  Hari Suci Nyepi",
        "2026-03-20  20 Maret 2026  Cuti Bersama Hari Raya Idul Fitri",
        "2026-03-23  23 Maret 2026  Cuti Bersama Hari Raya Idul Fitri",
        "2026-03-24  24 Maret 2026  Cuti Bersama Hari Raya Idul Fitri",
        "(5 hari kerja sejak 17 Maret 2026; 4 hari akhir pekan tidak dihitung)",
    ]


@pytest.mark.parametrize("args,message", [
    (("deadline", "17-03-2026"), 'Galat: Tanggal "17-03-2026" tidak valid. Gunakan format TTTT-BB-HH, contoh 2026-03-17.'),
    (("deadline", "2026-03-17", "--days", "0"), "Galat: Jumlah hari kerja minimal 1."),
])
def test_bad_cli_input_exits_non_zero_with_a_clear_message(tmp_path, args, message):
    out = cli(tmp_path, *args)
    assert (out.returncode, out.stderr.strip()) == (1, message)


def test_user_add_reads_the_password_from_stdin_and_records_the_actor(tmp_path):
    out = cli(tmp_path, "user", "add", "budi", "--role", "desk", "--role", "ppid", "--unit", "Sekretariat",
              "--password-stdin", stdin="rahasia-panjang-1\n")
    assert out.returncode == 0 and out.stdout.strip() == "Pengguna budi dibuat dengan peran desk, ppid."
    short = cli(tmp_path, "user", "add", "sari", "--role", "desk", "--password-stdin", stdin="pendek\n")
    assert short.returncode == 1 and "Kata sandi minimal 10 karakter." in short.stderr


def test_init_prints_a_setup_code_while_there_are_no_users(tmp_path):
    out = cli(tmp_path, "init")
    assert out.returncode == 0 and "Kode penyiapan admin pertama: " in out.stdout


def test_demo_fills_every_state_and_the_audit_chain_checks_out(tmp_path):
    out = cli(tmp_path, "demo")
    assert out.returncode == 0, out.stderr
    assert [line.split()[0] for line in out.stdout.splitlines()[1:6]] == [
        "admin.demo", "ppid.demo", "atasan.demo", "desk.sekretariat", "desk.datin"]
    from lib.bootstrap import build_context
    ctx = build_context(tmp_path / "data")
    found = {(i.status, i.clock_result) for i in ctx.register.list_items(ctx.office_id)}
    assert {("diklasifikasi", "terlambat"), ("dikembalikan", "tepat_waktu"), ("diminta", "")} <= found
    assert any(i.kategori == "dikecualikan" for i in ctx.register.list_items(ctx.office_id))
    assert [v.status for v in ctx.register.list_versions(ctx.office_id)] == ["diunggah"]
    doctor = cli(tmp_path, "doctor")
    assert doctor.returncode == 0 and "MAC tidak sah: 0" in doctor.stdout
    again = cli(tmp_path, "demo")
    assert again.returncode == 1 and "hanya untuk register kosong" in again.stderr


def test_export_writes_each_format_of_the_latest_version_and_publish_rewrites_the_uploaded_one(tmp_path):
    assert cli(tmp_path, "demo").returncode == 0
    for fmt in ("html", "pdf", "xlsx", "csv", "json", "keputusan"):
        out = cli(tmp_path, "export", "--format", fmt, "--list", "dik", "--out", str(tmp_path))
        assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert names == ["dik.csv", "dik.html", "dik.json", "dik.pdf", "dik.xlsx", "keputusan.pdf"]
    assert b"Data pribadi pemilih" in (tmp_path / "dik.html").read_bytes()
    again = cli(tmp_path, "publish")  # nothing new approved: the demo's uploaded version is written again
    assert again.returncode == 0 and "DIP Tahun" in again.stdout and " diunggah ke " in again.stdout
    missing = cli(tmp_path, "export", "--format", "pdf", "--version", "dip-tidak-ada", "--out", str(tmp_path))
    assert missing.returncode == 1 and "Versi dip-tidak-ada tidak ditemukan." in missing.stderr


# -- doctor checks the stored files against their recorded hashes ------------------------------------
def _stored(ctx, data: bytes, name: str):
    """A file in the context's store with its record, saved through the register port as an upload does."""
    import hashlib
    from lib.domain.models import Attachment, new_id
    from lib.services.context import SYSTEM_ACTOR
    sha = hashlib.sha256(data).hexdigest()
    att = Attachment(id=new_id("brk"), item_id=new_id("itm"), office_id=ctx.office_id, filename=name, size=len(data),
                     sha256=sha, storage_ref=ctx.file_store().put(ctx.office_id, data, sha), uploaded_by="sistem")
    return ctx.register.save_attachment(att, ctx.event(SYSTEM_ACTOR, "berkas.unggah", "berkas", att.id), None)


def test_doctor_names_a_file_whose_bytes_changed_and_a_missing_one_and_exits_non_zero(tmp_path):
    from lib.bootstrap import build_context
    ctx = build_context(tmp_path / "data")
    _stored(ctx, b"%PDF-1.4 utuh", "utuh.pdf")
    changed = _stored(ctx, b"%PDF-1.4 asli", "sk-ppid.pdf")
    gone = _stored(ctx, b"%PDF-1.4 hilang", "dpt.pdf")
    folder = tmp_path / "data" / "berkas"
    (folder / changed.storage_ref).write_bytes(b"%PDF-1.4 diubah")
    (folder / gone.storage_ref).unlink()
    out = cli(tmp_path, "doctor")
    assert out.returncode == 1, out.stderr
    import hashlib
    now = hashlib.sha256(b"%PDF-1.4 diubah").hexdigest()
    assert out.stdout.splitlines()[-3:] == [
        f"Berkas tersimpan (folder lokal {folder}): 3; hilang: 1; isinya berubah: 1",
        f"  hilang: \"dpt.pdf\" (berkas {gone.id}, informasi {gone.item_id}, aktif) tidak ada di penyimpanan",
        f"  isinya berubah: \"sk-ppid.pdf\" (berkas {changed.id}, informasi {changed.item_id}, aktif): sidik SHA-256 "
        f"tercatat {changed.sha256[:16]}…, isi sekarang {now[:16]}…",
    ]


def test_doctor_passes_when_every_stored_file_matches_its_hash(tmp_path):
    from lib.bootstrap import build_context
    ctx = build_context(tmp_path / "data")
    _stored(ctx, b"%PDF-1.4 satu", "satu.pdf")
    out = cli(tmp_path, "doctor")
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"Berkas tersimpan (folder lokal {tmp_path / 'data' / 'berkas'}): 1; hilang: 0; isinya berubah: 0" \
        in out.stdout.splitlines()


def test_doctor_checks_drive_files_by_the_hash_drive_computed_without_downloading_them(tmp_path, capsys):
    import argparse
    from lib.bootstrap import build_context
    from lib.cli_doctor import cmd_doctor
    from lib.store.drivestore import DriveFileStore, DriveRetry
    from tests.drive_emulator import DriveEmulator
    from tests.sheets_emulator import forwarding_session
    emu = DriveEmulator()
    with emu.serve() as port:
        ctx = build_context(tmp_path / "data")
        ctx.files = DriveFileStore(forwarding_session(port), retry=DriveRetry(sleep=lambda s: None))
        kept = _stored(ctx, b"%PDF-1.4 tetap", "tetap.pdf")
        edited = _stored(ctx, b"%PDF-1.4 asli", "diganti-di-drive.pdf")
        emu.corrupt(edited.storage_ref, b"diunggah ulang orang lain")
        emu.files[kept.storage_ref]["trashed"] = True
        emu.calls.clear()
        assert cmd_doctor(ctx, argparse.Namespace(backup=None)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3] == 'Berkas tersimpan (Google Drive, folder "SIDIP berkas"): 2; hilang: 1; isinya berubah: 1'
    assert lines[-2].startswith('  hilang: "tetap.pdf"')
    assert lines[-1].startswith('  isinya berubah: "diganti-di-drive.pdf"')
    assert ("GET", "files.media") not in emu.calls


KEY = "5f1c9a7e3b2d8046" * 4


def test_a_cli_backup_carries_the_stored_files_and_a_restore_elsewhere_checks_clean(tmp_path, monkeypatch):
    from lib.bootstrap import build_context
    monkeypatch.setenv("SIDIP_SECRET_KEY", KEY)
    att = _stored(build_context(tmp_path / "asal" / "data"), b"%PDF-1.4 keputusan", "sk.pdf")
    made = cli(tmp_path / "asal", "backup", "--out", str(tmp_path / "cadangan.xlsx"))
    assert made.returncode == 0 and "  attachments: 1" in made.stdout.splitlines(), made.stderr
    done = cli(tmp_path / "baru", "restore", str(tmp_path / "cadangan.xlsx"))
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "baru" / "data" / "berkas"
    assert (folder / att.storage_ref).read_bytes() == b"%PDF-1.4 keputusan"
    doctor = cli(tmp_path / "baru", "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert f"Berkas tersimpan (folder lokal {folder}): 1; hilang: 0; isinya berubah: 0" in doctor.stdout.splitlines()


@pytest.mark.parametrize("flag,carried", [(False, "tidak"), (True, "ya")])
def test_a_backup_of_drive_files_carries_their_bytes_only_when_asked(tmp_path, flag, carried):
    import argparse
    from lib.bootstrap import build_context
    from lib.cli import cmd_backup
    from lib.services.backup import read_meta
    from lib.store.drivestore import DriveFileStore, DriveRetry
    from tests.drive_emulator import DriveEmulator
    from tests.sheets_emulator import forwarding_session
    emu = DriveEmulator()
    with emu.serve() as port:
        ctx = build_context(tmp_path / "data")
        ctx.files = DriveFileStore(forwarding_session(port), retry=DriveRetry(sleep=lambda s: None))
        _stored(ctx, b"%PDF-1.4 di drive", "drive.pdf")
        assert cmd_backup(ctx, argparse.Namespace(out=str(tmp_path / "c.xlsx"), sertakan_berkas=flag)) == 0
    meta = read_meta((tmp_path / "c.xlsx").read_bytes())
    assert (meta["files.bytes"], meta["rows._sidip_files"]) == (carried, "1" if flag else "0")
