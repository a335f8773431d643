"""Isolation of offices, twice: a user of office A never reads or changes office B's data through the
services, the pages, the exports, search, the public page or the CLI (on SQLite and on PostgreSQL), and on
PostgreSQL the database itself refuses what a missed check in code would let through (row-level security)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import cli
from lib.domain.models import Item
from lib.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from lib.services import (admin, attachments, auth, backup, completeness, dashboard, home, items, offices,
                          publishing, versions)
from lib.services.dashboard import Filters
from office_world import A, B, MARK, ROLES, build_world
from tests.pg_support import pg_server  # noqa: F401 (fixture)

PAGES = Path(__file__).resolve().parent.parent / "pages"
SECRET = "5f1c5f1c5f1c5f1c9ab3e7d29ab3e7d29ab3e7d29ab3e7d29ab3e7d29ab3e7d2"
# Every read a page makes, as a service call: (name, call(ctx, actor, office_b)).
READS = {
    "daftar informasi": lambda c, a, o: items.visible_items(c, a),
    "satu informasi": lambda c, a, o: items.get_item(c, a, o.item_ids[0]),
    "daftar versi": lambda c, a, o: versions.list_versions(c, a),
    "satu versi": lambda c, a, o: versions.get_version(c, a, o.version_id),
    "pratinjau versi": lambda c, a, o: versions.preview(c, a, o.version_id),
    "ekspor csv": lambda c, a, o: publishing.export_bytes(c, a, o.version_id, "csv"),
    "ekspor dik": lambda c, a, o: publishing.export_bytes(c, a, o.version_id, "json", "dik"),
    "berkas informasi": lambda c, a, o: attachments.files_of(c, a, o.item_ids[0]),
    "isi berkas": lambda c, a, o: attachments.read(c, a, o.attachment_id),
    "dasbor": lambda c, a, o: dashboard.build(c, a, Filters()),
    "kelengkapan": lambda c, a, o: completeness.report(c, a),
    "pengaturan": lambda c, a, o: admin.get_settings(c, a),
    "riwayat dan pencarian": lambda c, a, o: admin.audit_log(c, a, text=MARK[B]),
    "pengguna": lambda c, a, o: auth.list_users(c, a),
    "beranda": lambda c, a, o: home.todo(c, a),
    "cadangan": lambda c, a, o: backup.backup_xlsx(c, a),
}
# A write of each kind, aimed at office B's records.
WRITES = {
    "klasifikasi": lambda c, a, o: items.withdraw(c, a, o.item_ids[0], "Ditarik", 2),
    "persetujuan": lambda c, a, o: versions.approve(c, a, o.version_id, "", 3),
    "pengaturan": lambda c, a, o: admin.update_settings(c, a, {"office_name": "Diambil alih"}),
    "pengguna": lambda c, a, o: auth.update_user(c, a, f"ppid.{B}", active=False),
    "kata sandi": lambda c, a, o: auth.reset_password(c, a, f"ppid.{B}", "kata-sandi-baru-123"),
}


@pytest.fixture(params=["sqlite", "postgres"])
def world(request, tmp_path, clock, monkeypatch):
    monkeypatch.setenv("SIDIP_SECRET_KEY", SECRET)
    if request.param == "postgres":
        url = request.getfixturevalue("pg_server").create_database()
        monkeypatch.setenv("SIDIP_DATABASE_URL", url)
    else:
        monkeypatch.delenv("SIDIP_DATABASE_URL", raising=False)
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIDIP_PUBLISH_DIR", str(tmp_path / "pub"))
    built = build_world(tmp_path / "data", clock, tmp_path / "pub", monkeypatch)
    built.kind = request.param
    yield built
    close = getattr(built.base.register, "close", None)
    if close:
        close()


def test_a_user_of_one_office_reaches_nothing_of_another_through_any_service(world):
    office_a, office_b = world.offices[A], world.offices[B]
    refused = 0
    for role in ROLES:
        actor = office_a.users[role]
        for name, call in READS.items():  # B's own view, asked by A's user: refused before any read
            with pytest.raises(PermissionDenied):
                call(office_b.ctx, actor, office_b)
            refused += 1
        for name, call in WRITES.items():
            with pytest.raises(PermissionDenied):
                call(office_b.ctx, actor, office_b)
            refused += 1
    assert refused == len(ROLES) * (len(READS) + len(WRITES))


def test_another_offices_records_are_not_found_from_ones_own_office(world):
    office_a, office_b = world.offices[A], world.offices[B]
    ppid, admin_a = office_a.users["ppid"], office_a.users["admin"]
    for call in (lambda: items.get_item(office_a.ctx, ppid, office_b.item_ids[0]),
                 lambda: versions.get_version(office_a.ctx, ppid, office_b.version_id),
                 lambda: attachments.read(office_a.ctx, ppid, office_b.attachment_id),
                 lambda: publishing.export_bytes(office_a.ctx, ppid, office_b.version_id, "csv"),
                 lambda: items.withdraw(office_a.ctx, ppid, office_b.item_ids[0], "Ditarik", 2)):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(ValidationError, match="tidak ditemukan"):
        auth.update_user(office_a.ctx, admin_a, f"ppid.{B}", active=False)
    assert {u.username for u in auth.list_users(office_a.ctx, admin_a)} == {f"{r}.{A}" for r in ROLES}
    texts = "".join(str(i) for i in items.visible_items(office_a.ctx, ppid))
    texts += str(admin.audit_log(office_a.ctx, admin_a)) + str(dashboard.build(office_a.ctx, ppid, Filters()))
    from lib.services.backup_format import read_workbook
    saved = read_workbook(backup.backup_xlsx(office_a.ctx, admin_a))
    texts += str({name: list(rows) for name, rows in saved.items()})
    assert MARK[A] in texts and MARK[B] not in texts
    assert world.base.register.get_user(f"ppid.{B}").office_id == B  # untouched by every refused write above
    assert world.base.register.get_user(f"ppid.{B}").active


def test_a_pemantau_reads_each_office_below_it_and_changes_nothing(world):
    office_b = world.offices[B]
    view = offices.monitor_view(world.base, world.pemantau, B)
    board = dashboard.build(view, world.pemantau, Filters())
    assert board is not None
    with pytest.raises(PermissionDenied):
        items.withdraw(view, world.pemantau, office_b.item_ids[0], "Ditarik", 2)
    with pytest.raises(PermissionDenied):  # even a write that skips the services: a monitor view makes no event
        view.event(world.pemantau, "x", "item", office_b.item_ids[0])
    with pytest.raises(PermissionDenied):  # B's own users cannot use a pemantau's view
        dashboard.build(view, office_b.users["atasan"], Filters())
    office_a = world.offices[A]
    with pytest.raises(PermissionDenied):  # an admin of A is no pemantau
        offices.monitor_view(office_a.ctx, office_a.users["admin"], B)
    watcher = auth.add_user(office_a.ctx, office_a.users["admin"], f"pemantau.{A}", "Pemantau A", "kata-sandi-panjang-1",
                            ["pemantau"], "").actor()
    assert offices.monitored(office_a.ctx, watcher) == []  # a province without offices under it in this tree
    for other in (B, "kpu-ri"):  # nor can a pemantau look sideways or up
        with pytest.raises(NotFound):
            offices.monitor_view(office_a.ctx, watcher, other)


def test_every_page_shows_a_user_only_the_office_the_user_belongs_to(world):
    office_b = world.offices[B]
    seen, shows_own = 0, set()
    for page, roles in (("beranda", ROLES), ("dasbor", ("admin", "ppid", "atasan")), ("permintaan", ("desk", "ppid")),
                        ("klasifikasi", ("ppid",)), ("penetapan", ("ppid",)), ("persetujuan", ("atasan",)),
                        ("unggah", ("ppid",)), ("kelengkapan", ("ppid",)), ("riwayat", ROLES),
                        ("pengguna", ("admin",)), ("pengaturan", ("admin",)), ("dip", ("desk",))):
        for role in roles:
            text = _page_text(page, f"{role}.{A}", world.base)
            assert MARK[B] not in text and office_b.item_ids[0] not in text, (page, role)
            seen += 1
            if MARK[A] in text:
                shows_own.add((page, role))
    assert seen == 21
    assert {("permintaan", "desk"), ("permintaan", "ppid"), ("klasifikasi", "ppid"), ("dasbor", "atasan"), ("riwayat", "admin"),
            ("pengguna", "admin"), ("pengaturan", "admin"), ("dip", "desk")} <= shows_own


def test_the_public_page_of_each_office_has_its_own_address(world):
    text_a = _page_text("dip", None, world.base, {"kantor": A})
    text_b = _page_text("dip", None, world.base, {"kantor": B})
    assert f"{MARK[A]} laporan 0" in text_a and MARK[B] not in text_a
    assert f"{MARK[B]} laporan 0" in text_b and MARK[A] not in text_b
    unknown = _page_text("dip", None, world.base, {"kantor": "kpu-tidak-ada"})
    assert "Kantor dengan kode itu tidak terdaftar di SIDIP ini." in unknown and MARK[A] not in unknown


def test_the_cli_acts_for_one_office_and_refuses_another_offices_user(world, tmp_path, capsys):
    out = tmp_path / "a.csv"
    assert cli.main(["--kantor", A, "export", "--format", "csv", "--out", str(out)]) == 0
    exported = out.read_text("utf-8")
    assert MARK[A] in exported and MARK[B] not in exported
    assert cli.main(["--kantor", A, "export", "--format", "csv", "--out", str(out), "--as", f"ppid.{B}"]) == 1
    assert f"Pengguna ppid.{B} tidak ditemukan atau tidak aktif." in capsys.readouterr().err
    assert cli.main(["--kantor", A, "versions"]) == 0
    listed = capsys.readouterr().out
    assert world.offices[A].version_id in listed and world.offices[B].version_id not in listed
    assert cli.main(["--kantor", "kpu-tidak-ada", "versions"]) == 1


# -- the database's own guard (PostgreSQL) ------------------------------------------------------------
@pytest.mark.parametrize("world", ["postgres"], indirect=True)  # SQLite holds one office a file: no such guard
def test_on_postgresql_a_query_that_forgets_its_office_still_sees_only_its_own(world):
    office_a, office_b = world.offices[A], world.offices[B]
    register = office_a.ctx.register  # what a service of office A holds; no service check in between
    assert register.get_item(office_b.item_ids[0]) is None
    assert register.list_items(B) == [] and register.events(B) == [] and register.list_versions(B) == []
    assert register.snapshot(office_b.version_id) == [] and register.get_attachment(office_b.attachment_id) is None
    assert register.settings(B) == {} and register.get_user(f"ppid.{B}") is None
    rows = register._rows("SELECT DISTINCT office_id FROM items UNION SELECT DISTINCT office_id FROM events "
                          "UNION SELECT DISTINCT office_id FROM version_items UNION SELECT DISTINCT office_id FROM users")
    assert sorted(r[0] for r in rows) == [A]
    dumped = register.dump()
    assert {r["office_id"] for t in ("items", "events", "users", "settings") for r in dumped[t]} == {A}
    assert MARK[B] not in str(dumped)


@pytest.mark.parametrize("world", ["postgres"], indirect=True)
def test_on_postgresql_a_write_into_another_office_is_refused_by_the_database(world):
    office_a, office_b = world.offices[A], world.offices[B]
    stolen = world.base.register.get_item(office_b.item_ids[0])  # read with the deployment's own view
    event = office_a.ctx.event(office_a.users["ppid"], "x", "item", stolen.id)
    with pytest.raises(ConflictError):  # B's row does not exist for A's transaction: nothing to update
        office_a.ctx.register.save_item(stolen.replace(judul="Diubah"), event, stolen.revision)
    forged = Item("baru-di-b", "Sekretariat", "Disusupkan", office_id=B)
    with pytest.raises(PermissionDenied, match="^Data kantor lain tidak dapat diubah dari sini.$"):
        office_a.ctx.register.save_item(forged, office_a.ctx.event(office_a.users["ppid"], "x", "item", "baru-di-b"),
                                        None)
    monitor = offices.monitor_view(world.base, world.pemantau, B).register
    with pytest.raises(PermissionDenied):  # a pemantau's view writes nothing, not even its own office's rows
        monitor.save_settings(B, {"office_name": "X"}, world.base.event(world.pemantau, "x", "settings", B))
    assert world.base.register.get_item(stolen.id).judul == stolen.judul
    assert world.base.register.get_item("baru-di-b") is None
    assert world.base.register.settings(B)["office_name"] == f"KPU Provinsi {MARK[B]}"
    assert world.base.register.integrity_problems() == []


# -- helpers --------------------------------------------------------------------------------------------
def _page_text(page: str, username: str | None, base, query: dict | None = None) -> str:
    at = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=60)
    if username:
        at.session_state["user"] = username
        at.session_state["epoch"] = base.register.get_user(username).token_epoch
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, (page, [e.value for e in at.exception])
    parts = [e.value for kind in (at.title, at.header, at.subheader, at.markdown, at.caption, at.info, at.warning,
                                  at.error, at.success, at.text) for e in kind]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [str(getattr(w, "value", "")) + str(getattr(w, "options", "")) for w in
              [*at.selectbox, *at.multiselect, *at.text_input, *at.text_area]]
    return "\n".join(str(p) for p in parts)


def test_an_item_page_of_an_office_links_and_returns_within_that_office(world):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(PAGES / "dip.py"), default_timeout=60)
    at.query_params["kantor"] = A
    at.run()
    links = [b.proto.url for b in at.get("link_button") if b.proto.label == "Halaman informasi"]
    item = world.offices[A].item_ids[0]
    assert f"?item={item}&kantor={A}" in links
    at.query_params["item"] = item
    at.run()
    shown = "\n".join(e.value for kind in (at.title, at.header, at.subheader, at.text) for e in kind)
    assert f"{MARK[A]} laporan 0" in shown and "RAHASIA-A.pdf" in shown and not at.exception
    at.button[0].click().run()  # Kembali ke daftar
    assert at.query_params.get("item") is None and at.query_params.get("kantor") in (A, [A])
