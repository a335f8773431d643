"""Files are written whole or not at all, stay inside their folder, and carry explicit modes.

A full disk is simulated for real: os.write raises ENOSPC partway through a file under tmp_path
(the bytes before it do reach the disk), and SQLite is held to its current size with max_page_count.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from lib import cli
from lib.errors import SidipError, StorageFull
from lib.files import write_atomic
from lib.publish import folder
from lib.services import backup, items, publishing, versions
from lib.services.context import SYSTEM_ACTOR
from tests.conftest import UNIT_A, classification, submission

FULL = ("Penyimpanan penuh: {} tidak dapat ditulis; tidak ada yang berubah. "
        "Kosongkan ruang disk lalu ulangi.")
DECREE = {"nomor_keputusan": "07/PPID/KPU-SRL/III/2026", "tanggal_keputusan": "2026-03-20",
          "tempat_keputusan": "Sarolangun", "penandatangan": "Rina Marlina", "alasan_kelengkapan": "Uji"}


@pytest.fixture
def full_disk(monkeypatch, tmp_path):
    """After ``room`` more bytes into files under tmp_path, writes fail with ENOSPC."""
    real_write = os.write
    state = {"room": None}

    def write(fd, data):
        if state["room"] is None or not os.readlink(f"/proc/self/fd/{fd}").startswith(str(tmp_path)):
            return real_write(fd, data)
        if len(data) > state["room"]:
            real_write(fd, bytes(data[:state["room"]]))
            state["room"] = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        state["room"] -= len(data)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    return state


def every_file(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def approved(ctx, people):
    req = items.open_request(ctx, people["ppid"], UNIT_A, "Renstra")
    sub = items.submit(ctx, people["desk"], req.id, submission("Renstra"), req.revision)
    items.classify(ctx, people["ppid"], sub.id, classification(sub), sub.revision)
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    return versions.approve(ctx, people["atasan"], v.id, "", v.revision)


# -- full disk ------------------------------------------------------------------------------------
def test_a_full_disk_keeps_the_previous_file_and_leaves_no_temporary_file(tmp_path, full_disk):
    target = tmp_path / "dip.csv"
    target.write_bytes(b"versi lama")
    full_disk["room"] = 10

    with pytest.raises(StorageFull) as caught:
        write_atomic(target, b"versi baru yang lebih panjang", what="ekspor dip.csv")

    assert str(caught.value) == FULL.format("ekspor dip.csv")
    assert every_file(tmp_path) == {"dip.csv": b"versi lama"}


def test_a_cli_backup_on_a_full_disk_leaves_no_file_and_says_so_in_indonesian(tmp_path, full_disk, monkeypatch,
                                                                               capsys):
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SIDIP_SECRET_KEY", raising=False)
    out = tmp_path / "cadangan"
    out.mkdir()
    full_disk["room"] = 1000

    assert cli.main(["backup", "--out", str(out / "cadangan.xlsx")]) == 1

    assert capsys.readouterr().err.strip() == "Galat: " + FULL.format("cadangan cadangan.xlsx")
    assert list(out.iterdir()) == []


def test_a_cli_export_on_a_full_disk_leaves_no_truncated_file(ctx, people, tmp_path, full_disk, monkeypatch, capsys):
    approved(ctx, people)
    monkeypatch.setenv("SIDIP_DATA_DIR", ctx.data_dir)
    out = tmp_path / "ekspor"
    out.mkdir()
    full_disk["room"] = 500

    assert cli.main(["export", "--format", "pdf", "--out", str(out)]) == 1

    assert capsys.readouterr().err.strip() == "Galat: " + FULL.format("ekspor dip.pdf")
    assert list(out.iterdir()) == []


def test_publishing_on_a_full_disk_leaves_the_public_folder_exactly_as_before(tmp_path, full_disk):
    root = tmp_path / "publik"
    config = {"root": str(root), "base_url": "https://ppid.contoh.go.id/dip"}
    folder.publish({"dip.html": b"<p>lama</p>", "dip.csv": b"lama"}, "v1", config)
    before = every_file(root)
    full_disk["room"] = 5000

    with pytest.raises(StorageFull) as caught:
        folder.publish({"dip.html": b"x" * 4000, "dip.csv": b"y" * 4000}, "v1", config)

    assert str(caught.value) == FULL.format("berkas dip.csv")
    assert every_file(root) == before
    assert sorted(p.name for p in root.iterdir()) == ["terkini.txt", "v1"]


def test_a_full_register_is_reported_in_indonesian_and_changes_nothing(ctx, people):
    conn = ctx.register._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    done = []

    with pytest.raises(StorageFull) as caught:
        for n in range(200):  # the free space left in the file's last pages runs out within a few
            done.append(items.open_request(ctx, people["ppid"], UNIT_A, f"Permintaan {n}", "catatan " * 200).id)

    assert str(caught.value) == FULL.format("register")
    assert [i.id for i in ctx.register.list_items(ctx.office_id)] == done
    assert [e.entity_id for e in ctx.register.events(ctx.office_id) if e.entity == "item"] == done


# -- the signed decree is never overwritten ------------------------------------------------------
def test_a_new_scan_of_the_decree_is_kept_beside_the_old_one_and_becomes_the_published_one(ctx, people, full_disk):
    v = approved(ctx, people)
    v = publishing.attach_signed_decree(ctx, people["ppid"], v.id, b"%PDF-1.4 pindaian pertama", v.revision)
    full_disk["room"] = 3
    with pytest.raises(StorageFull):
        publishing.attach_signed_decree(ctx, people["ppid"], v.id, b"%PDF-1.4 pindaian kedua", v.revision)
    assert publishing.publication_files(ctx, v)["keputusan-ditandatangani.pdf"] == b"%PDF-1.4 pindaian pertama"
    full_disk["room"] = None

    v = publishing.attach_signed_decree(ctx, people["ppid"], v.id, b"%PDF-1.4 pindaian kedua", v.revision)

    kept = every_file(Path(ctx.data_dir) / "lampiran" / v.id)
    assert sorted(kept.values()) == [b"%PDF-1.4 pindaian kedua", b"%PDF-1.4 pindaian pertama"]
    current = [h for h in v.history if h["aksi"] == "keputusan_dilampirkan"][-1]
    assert kept[current["berkas"]] == b"%PDF-1.4 pindaian kedua"
    assert publishing.publication_files(ctx, v)["keputusan-ditandatangani.pdf"] == b"%PDF-1.4 pindaian kedua"


# -- never outside the folder ---------------------------------------------------------------------
@pytest.mark.parametrize("slug,files", [("../../../x", {"dip.html": b"x"}), ("v1", {"../dip.html": b"x"}),
                                        ("v1", {"/tmp/dip.html": b"x"}), (".hidden", {"dip.html": b"x"})])
def test_the_folder_target_refuses_names_that_leave_or_hide_in_its_folder(tmp_path, slug, files):
    with pytest.raises(SidipError, match="tidak boleh dipakai"):
        folder.publish(files, slug, {"root": str(tmp_path / "a" / "b" / "publik"), "base_url": ""})
    assert every_file(tmp_path) == {}


def test_the_folder_target_refuses_a_slug_that_is_a_link_out_of_its_folder(tmp_path):
    root, outside = tmp_path / "publik", tmp_path / "luar"
    root.mkdir(), outside.mkdir()
    (root / "v1").symlink_to(outside)
    with pytest.raises(SidipError, match="keluar dari folder publik"):
        folder.publish({"dip.html": b"x"}, "v1", {"root": str(root), "base_url": ""})
    assert list(outside.iterdir()) == []


def test_a_backup_with_a_version_id_that_climbs_out_is_refused_and_nothing_is_restored(ctx, people, tmp_path):
    import dataclasses
    import io

    from openpyxl import load_workbook

    from lib.bootstrap import build_context
    v = approved(ctx, people)
    wb = load_workbook(io.BytesIO(backup.backup_xlsx(ctx, people["admin"])))
    for ws in (wb["versions"], wb["version_items"]):
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == v.id:
                    cell.value = "../../../x"
    data = io.BytesIO()
    wb.save(data)
    other = dataclasses.replace(build_context(tmp_path / "lain"), publish_dir=str(tmp_path / "publik-lain"))

    with pytest.raises(SidipError) as caught:
        backup.restore_xlsx(other, SYSTEM_ACTOR, data.getvalue())

    assert str(caught.value).startswith('Lembar versions baris 2: Kolom id "../../../x" tidak sah')
    assert other.register.dump() == {t: [] for t in backup.TABLES}


# -- modes --------------------------------------------------------------------------------------
def test_published_files_are_world_readable_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        folder.publish({"dip.html": b"x"}, "v1", {"root": str(tmp_path / "web" / "publik"), "base_url": ""})
    finally:
        os.umask(old)
    root = tmp_path / "web" / "publik"
    assert {p: mode(root / p) for p in ("", "v1", "v1/dip.html", "terkini.txt")} == {
        "": 0o755, "v1": 0o755, "v1/dip.html": 0o644, "terkini.txt": 0o644}
    assert mode(tmp_path / "web") == 0o755


def test_the_register_backups_and_attachments_are_readable_by_their_owner_only(ctx, people, tmp_path, monkeypatch):
    old = os.umask(0o022)
    try:
        v = approved(ctx, people)
        publishing.attach_signed_decree(ctx, people["ppid"], v.id, b"%PDF-1.4 ttd", v.revision)
        monkeypatch.setenv("SIDIP_DATA_DIR", ctx.data_dir)
        assert cli.main(["backup", "--out", str(tmp_path / "cadangan.xlsx")]) == 0
    finally:
        os.umask(old)
    data = Path(ctx.data_dir)
    attached = data / "lampiran" / v.id
    found = {p.name: mode(p) for p in [data, *data.glob("sidip.sqlite3*"), data / "secret.key",
                                       attached, *attached.iterdir(), tmp_path / "cadangan.xlsx"]}
    assert set(found.values()) <= {0o600, 0o700}
    assert {n for n, m in found.items() if m == 0o700} == {"data", v.id}
    assert {"sidip.sqlite3", "sidip.sqlite3-wal", "sidip.sqlite3-shm", "cadangan.xlsx"} <= set(found)


def test_the_letterhead_and_the_setup_code_are_private_files_written_whole(ctx, people, full_disk):
    from lib.services import auth, letterhead
    from tests.test_letterhead import image_bytes
    old = os.umask(0o022)
    try:
        first = image_bytes("PNG")
        letterhead.save(ctx, people["admin"], first)
        auth.new_setup_code(ctx)
    finally:
        os.umask(old)
    kop, code = Path(ctx.data_dir) / "kop", auth.setup_code_path(ctx)
    assert (mode(kop), mode(kop / "kop-surat.png"), mode(code)) == (0o700, 0o600, 0o600)
    setting, kept = ctx.settings()["letterhead"], code.read_text()
    full_disk["room"] = 100
    with pytest.raises(StorageFull) as err:
        letterhead.save(ctx, people["admin"], image_bytes("PNG", size=(640, 160)))
    assert str(err.value) == FULL.format("kop surat")
    assert every_file(kop) == {"kop-surat.png": first} and ctx.settings()["letterhead"] == setting
    with pytest.raises(StorageFull):
        auth.new_setup_code(ctx)
    assert code.read_text() == kept and [p.name for p in code.parent.glob(".setup-code*")] == []
