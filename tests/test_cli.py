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
