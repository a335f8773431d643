"""Publishing a version carries its public items' frozen files and item pages; exempt items' files never leave."""
from pathlib import Path

import pytest

from lib.errors import SidipError
from lib.publish import folder, sftp
from lib.services import attachments, publishing, versions
from tests.softcopy_samples import pdf_bytes
from tests.test_exports import DECREE, EXEMPT, add
from tests.test_publish_targets import config_for, host_key, server, tree  # noqa: F401  (the SFTP server fixtures)

SECRET_NAME = "Daftar-Pemilih-Lengkap-NIK.pdf"


@pytest.fixture
def publishable(ctx, people):
    """Two public items with a PDF each and an exempt one with its own PDF, approved."""
    public = add(ctx, people, "Rencana Strategis 2025-2029")
    other = add(ctx, people, "Laporan Keuangan 2025", "setiap_saat")
    exempt = add(ctx, people, "Data pribadi pemilih", "dikecualikan", **EXEMPT)
    attachments.attach(ctx, people["ppid"], public.id, "Renstra 2025–2029.pdf", pdf_bytes("Renstra"))
    attachments.attach(ctx, people["ppid"], other.id, "LK 2025.pdf", pdf_bytes("Laporan keuangan"))
    attachments.attach(ctx, people["ppid"], exempt.id, SECRET_NAME, pdf_bytes("NIK 1501010101010001"))
    return approved(ctx, people), public, other, exempt


def approved(ctx, people):
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    return versions.approve(ctx, people["atasan"], v.id, "", v.revision)


def everything(root: Path) -> bytes:
    return b"".join(p.name.encode() + p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_a_published_version_carries_each_public_items_file_under_a_stable_name(ctx, people, publishable):
    v, public, other, _ = publishable
    done = publishing.upload(ctx, people["ppid"], v.id, v.revision)
    root = Path(ctx.publish_dir)
    files = {str(p.relative_to(root / "berkas")): p.read_bytes() for p in (root / "berkas").rglob("*") if p.is_file()}
    assert files == {f"{public.id}/Renstra-2025-2029.pdf": pdf_bytes("Renstra"),
                     f"{other.id}/LK-2025.pdf": pdf_bytes("Laporan keuangan")}
    html = (root / v.id / "dip.html").read_text()
    for item, name in ((public, "Renstra-2025-2029.pdf"), (other, "LK-2025.pdf")):
        assert f'href="../berkas/{item.id}/{name}"' in html and f'href="item/{item.id}.html"' in html
        assert (root / v.id / "item" / f"{item.id}.html").exists()
    assert done.upload_files == sorted(p.name for p in (root / v.id).iterdir() if p.is_file())
    assert (root / "terkini.txt").read_text() == v.id


def test_nothing_of_an_exempt_item_but_its_dik_entry_is_published(ctx, people, publishable):
    v, _, _, exempt = publishable
    publishing.upload(ctx, people["ppid"], v.id, v.revision)
    root = Path(ctx.publish_dir)
    blob = everything(root)
    for secret in (exempt.id, SECRET_NAME, "Daftar-Pemilih", "NIK 1501010101010001", "RAHASIA-PRIBADI"):
        assert secret.encode() not in blob
    assert not list(root.rglob(f"*{exempt.id}*"))
    holding_title = sorted(p.name for p in root.rglob("*") if p.is_file() and b"Data pribadi pemilih" in p.read_bytes())
    assert holding_title == ["dik.csv", "dik.html", "dik.json"]  # the DIK names it by law (PDF/XLSX text is packed)


def test_a_new_version_keeps_each_files_address(ctx, people, publishable):
    v1, public, _, _ = publishable
    first = publishing.upload(ctx, people["ppid"], v1.id, v1.revision)
    v2 = approved(ctx, people)
    second = publishing.upload(ctx, people["ppid"], v2.id, v2.revision)
    root = Path(ctx.publish_dir)
    link = f"../berkas/{public.id}/Renstra-2025-2029.pdf"
    assert link in (root / first.id / "dip.html").read_text() and link in (root / second.id / "dip.html").read_text()
    assert (root / "berkas" / public.id / "Renstra-2025-2029.pdf").read_bytes() == pdf_bytes("Renstra")


def test_a_file_changed_in_the_store_since_the_decree_stops_the_upload_with_nothing_published(ctx, people, publishable):
    v, public, _, _ = publishable
    att = attachments.files_of(ctx, people["ppid"], public.id)[0]
    stored = Path(ctx.data_dir) / "berkas" / att.storage_ref
    stored.chmod(0o600)
    stored.write_bytes(pdf_bytes("Renstra palsu"))
    with pytest.raises(SidipError, match=r"Isi berkas \"Renstra 2025–2029.pdf\" dari informasi \"Rencana Strategis "
                                         r"2025-2029\" tidak sama dengan saat DIP ditetapkan"):
        publishing.upload(ctx, people["ppid"], v.id, v.revision)
    assert not Path(ctx.publish_dir).exists() or not any(Path(ctx.publish_dir).iterdir())
    assert versions.get_version(ctx, people["ppid"], v.id).status == "disetujui"


@pytest.mark.parametrize("name", ["berkas/../../luar.pdf", "item/.htaccess", "a/b/c/d.pdf", "/etc/x", "berkas//x"])
def test_the_folder_target_refuses_nested_names_that_leave_or_hide_and_writes_nothing(tmp_path, name):
    with pytest.raises(SidipError, match="tidak boleh dipakai"):
        folder.publish({"dip.html": b"x", name: b"y"}, "v1", {"root": str(tmp_path / "publik"), "base_url": ""})
    assert [p.name for p in (tmp_path / "publik").iterdir()] == []
    assert not (tmp_path / "luar.pdf").exists()


def test_sftp_publishes_item_pages_and_files_in_subfolders_and_keeps_terkini_for_versions(server):  # noqa: F811
    sftp.publish({"a1/laporan.pdf": b"%PDF-1 a", "a2/foto.png": b"png"}, "berkas", config_for(server), latest=False)
    sftp.publish({"dip.html": b"<h1>DIP</h1>", "item/a1.html": b"<h1>A1</h1>"}, "v1", config_for(server))
    assert tree(server.root / "www") == {"berkas/a1/laporan.pdf": b"%PDF-1 a", "berkas/a2/foto.png": b"png",
                                         "v1/dip.html": b"<h1>DIP</h1>", "v1/item/a1.html": b"<h1>A1</h1>",
                                         "terkini.txt": b"v1"}
    with pytest.raises(SidipError, match="tidak boleh dipakai"):
        sftp.publish({"item/../../x": b""}, "v2", config_for(server))


def test_after_the_demo_and_a_cli_publish_the_folder_holds_every_public_file_and_nothing_of_the_exempt_item(
        ctx, monkeypatch, capsys):
    from lib import cli
    from lib.demo import fill_demo
    from lib.services.context import SYSTEM_ACTOR
    fill_demo(ctx)
    root = Path(ctx.publish_dir)
    for p in sorted(root.rglob("*"), reverse=True):  # the demo uploads once: start the folder afresh
        p.unlink() if p.is_file() else p.rmdir()
    monkeypatch.setattr(cli, "_actor", lambda ctx, name: ctx.register.get_user("ppid.demo").actor())
    assert cli.cmd_publish(ctx, type("Args", (), {"version": "latest", "target": "folder", "as_user": None,
                                                  "allow_dead_links": True})()) == 0
    [version] = ctx.register.list_versions(ctx.office_id)
    rows = ctx.register.snapshot(version.id)
    html = (root / version.id / "dip.html").read_text()
    for row in (r for r in rows if r.kategori != "dikecualikan"):
        [f] = row.data["berkas"]
        [published] = (root / "berkas" / row.item_id).iterdir()
        assert published.read_bytes() == attachments.read(ctx, SYSTEM_ACTOR, f["id"])
        assert f'href="../berkas/{row.item_id}/{published.name}"' in html and f'href="item/{row.item_id}.html"' in html
    [exempt] = [r for r in rows if r.kategori == "dikecualikan"]
    blob = everything(root)
    for secret in (exempt.item_id, exempt.data["berkas"][0]["filename"], exempt.data["berkas"][0]["sha256"]):
        assert secret.encode() not in blob
    assert attachments.read(ctx, SYSTEM_ACTOR, exempt.data["berkas"][0]["id"]) not in blob
    assert "diunggah" in capsys.readouterr().out
