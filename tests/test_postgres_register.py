"""What the PostgreSQL register adds to the shared contract: writers that really run side by side (threads
on their own connections), backups that move an office between SQLite and PostgreSQL, rows changed in
the database found by doctor, and the office on every table. A throwaway server: tests/pg_support.py."""
import dataclasses
import threading

import psycopg
import pytest

from lib.domain.audit import EventSigner, verify_chain
from lib.domain.models import Event, Item
from lib.errors import ConflictError, PermissionDenied
from lib.store.postgres import PostgresRegister
from tests.pg_support import as_superuser, emptied, pg_register_url, pg_server  # noqa: F401 (fixtures)

KEY = b"kunci-postgres-" + b"4e1b8d2f9a3c6e70" * 4
OFFICE = "kpu-sarolangun"
WRITERS = 8


@pytest.fixture
def register(pg_server, pg_register_url):
    reg = emptied(pg_server, pg_register_url, KEY)
    yield reg
    reg.close()


@pytest.fixture
def second(register, pg_register_url):
    """Another register on the same database: another replica, with its own connections."""
    other = PostgresRegister(pg_register_url, EventSigner(KEY), pool_size=WRITERS)
    yield other
    other.close()


def ev(entity_id="i1", actor="budi", office=OFFICE) -> Event:
    return Event("uji", actor, "desk", "item", entity_id, office_id=office)


def side_by_side(*jobs) -> list:
    """Run the jobs at once (released together by a barrier); each result, or the error it raised."""
    barrier, results = threading.Barrier(len(jobs)), [None] * len(jobs)

    def run(n, job):
        barrier.wait()
        try:
            results[n] = job()
        except Exception as err:  # noqa: BLE001 - the test inspects what each writer got
            results[n] = err
    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_of_two_replicas_saving_the_same_revision_one_wins_and_the_other_is_told_who(register, second):
    first = register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    results = side_by_side(lambda: register.save_item(first.replace(judul="B"), ev(actor="budi"), first.revision),
                           lambda: second.save_item(first.replace(judul="C"), ev(actor="sari"), first.revision))
    won = [r for r in results if isinstance(r, Item)]
    lost = [r for r in results if isinstance(r, ConflictError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert f"sudah diubah oleh {won[0].updated_by} pada " in str(lost[0])
    assert register.get_item("i1").judul == won[0].judul and register.get_item("i1").revision == 2


def test_of_two_replicas_adding_the_same_key_at_once_the_second_is_refused(register, second):
    results = side_by_side(lambda: register.save_item(Item("i1", "Sekretariat", "A"), ev(), None),
                           lambda: second.save_item(Item("i1", "Sekretariat", "B"), ev(actor="sari"), None))
    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "Item"]
    assert "Informasi dengan kode i1 sudah ada." in [str(r) for r in results]
    assert len(register.events(OFFICE)) == 1


def test_writers_side_by_side_extend_one_unbroken_chain_per_office(register, second):
    def writer(n):
        def job():
            for k in range(5):
                (register if n % 2 else second).save_item(Item(f"i{n}-{k}", "Sekretariat", "A"), ev(f"i{n}-{k}"), None)
        return job
    assert side_by_side(*(writer(n) for n in range(WRITERS))) == [None] * WRITERS
    events = register.events(OFFICE)
    assert len(events) == WRITERS * 5
    assert [e.prev_id for e in events] == [""] + [e.id for e in events[:-1]]  # a line: no fork, no gap
    assert verify_chain(events, EventSigner(KEY)).ok


def test_a_compare_and_set_on_an_absent_setting_is_won_by_exactly_one_writer(register, second):
    results = side_by_side(*(lambda n=n: (register if n % 2 else second).compare_and_set_setting(
        OFFICE, "kunci", None, f"nilai-{n}", ev("s")) for n in range(WRITERS)))
    assert sorted(results) == [False] * (WRITERS - 1) + [True]
    assert register.settings(OFFICE) == {"kunci": f"nilai-{results.index(True)}"}


def test_a_row_changed_or_deleted_in_the_database_is_reported(register, pg_register_url):
    register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    register.save_item(Item("i2", "Sekretariat", "B"), ev("i2"), None)
    register.save_settings(OFFICE, {"sla_days": "5"}, ev("s"))
    with psycopg.connect(as_superuser(pg_register_url), autocommit=True) as conn:
        conn.execute("UPDATE items SET judul = 'diubah' WHERE id = 'i1'")
        conn.execute("DELETE FROM settings")
    assert register.integrity_problems() == [
        "Tabel informasi: baris i1 diubah di luar SIDIP (tanda tangannya tidak cocok)",
        f"Tabel pengaturan: baris {OFFICE}/sla_days dihapus di luar SIDIP (tercatat di riwayat)"]


def test_every_table_of_office_data_carries_the_office(register, pg_register_url):
    from lib.domain.models import SnapshotRow, Version
    register.save_version(Version("v1", 2026, office_id="kpu-jambi"), ev("v1", office="kpu-jambi"), None,
                          [SnapshotRow("v1", "i1", 1, "berkala", {"judul": "A"})])
    with psycopg.connect(as_superuser(pg_register_url)) as conn:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'public'")}
        with_office = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.columns "
                                                  "WHERE table_schema = 'public' AND column_name = 'office_id'")}
        offices = conn.execute("SELECT office_id FROM version_items").fetchall()
    assert tables - with_office == {"meta"}  # the schema version, the register's own
    assert offices == [("kpu-jambi",)]


def test_a_loaded_register_refuses_a_second_load_with_the_sqlite_words(register):
    register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    with pytest.raises(Exception, match="^Register tujuan tidak kosong: 1 informasi, 1 peristiwa audit. "):
        register.load(register.dump())


def test_a_dump_with_a_key_twice_is_refused_and_leaves_the_register_empty(register):
    register.save_item(Item("i1", "Sekretariat", "A"), ev(), None)
    dumped = register.dump()
    dumped["items"].append(dict(dumped["items"][0]))
    register.close()
    from lib.errors import SidipError
    from tests.pg_support import TABLES
    with psycopg.connect(as_superuser(register.pool.conninfo), autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY")
    target = PostgresRegister(register.pool.conninfo, EventSigner(KEY), pool_size=1)
    try:
        with pytest.raises(SidipError, match="^Tabel items tidak dapat dimuat: ada baris yang kuncinya ganda.$"):
            target.load(dumped)
        assert target.dump() == {t: [] for t in target.DUMP_TABLES}
    finally:
        target.close()


def test_a_backup_of_the_local_register_restores_into_postgresql_and_back_to_sqlite(
        pg_server, pg_register_url, tmp_path, monkeypatch):
    """How an office moves onto a server database and back out, through the backup service."""
    from lib.bootstrap import build_context
    from lib.services import auth, backup, items
    from lib.services.context import SYSTEM_ACTOR
    monkeypatch.setenv("SIDIP_SECRET_KEY", KEY.decode())
    monkeypatch.delenv("SIDIP_DATABASE_URL", raising=False)
    local = build_context(tmp_path / "lokal")
    ppid = auth.add_user(local, SYSTEM_ACTOR, "ppid", "PPID", "rahasia-panjang-1", ["ppid"]).actor()
    items.open_request(local, ppid, local.units()[0], "=Renstra 0012")
    server = emptied(pg_server, pg_register_url, KEY)
    try:
        pg_ctx = dataclasses.replace(local, register=server)
        backup.restore_xlsx(pg_ctx, SYSTEM_ACTOR, backup.backup_xlsx(local, SYSTEM_ACTOR))
        assert server.integrity_problems() == []
        back = build_context(tmp_path / "kembali")
        backup.restore_xlsx(back, SYSTEM_ACTOR, backup.backup_xlsx(pg_ctx, SYSTEM_ACTOR))
    finally:
        server.close()
    original, returned = local.register.dump(), back.register.dump()
    assert {t: rows for t, rows in returned.items() if t != "events"} == {
        t: rows for t, rows in original.items() if t != "events"}
    assert returned["events"][:len(original["events"])] == original["events"]  # plus the second backup's event
    assert back.register.integrity_problems() == []
    assert verify_chain(back.register.events(OFFICE), EventSigner(KEY)).ok


def test_the_database_url_picks_the_postgresql_register_and_its_password_is_never_shown(
        pg_server, pg_register_url, tmp_path, monkeypatch):
    from lib.bootstrap import build_context
    url = pg_register_url.replace("postgres@", "postgres:sandi-rahasia@")  # trust: the password is not needed
    monkeypatch.setenv("SIDIP_DATABASE_URL", url)
    monkeypatch.setenv("SIDIP_SECRET_KEY", KEY.decode())
    ctx = build_context(tmp_path / "data")
    try:
        assert isinstance(ctx.register, PostgresRegister)
        assert ctx.register.path == f"PostgreSQL 127.0.0.1:{pg_server.port}/{pg_register_url.rsplit('/', 1)[1]}"
    finally:
        ctx.register.close()


def test_the_services_run_the_sop_on_postgresql(pg_server, pg_register_url, tmp_path, monkeypatch):
    """The same use cases as on the local register, end to end."""
    from lib.bootstrap import build_context
    from lib.services import auth, items, publishing, versions
    from lib.services.context import SYSTEM_ACTOR
    from tests.conftest import FIXED_NOW, classification, submission
    monkeypatch.delenv("SIDIP_DATABASE_URL", raising=False)
    server = emptied(pg_server, pg_register_url, KEY)
    ctx = dataclasses.replace(build_context(tmp_path / "data"), register=server, signer=EventSigner(KEY),
                              secret_key=KEY, now=lambda: FIXED_NOW, publish_dir=str(tmp_path / "pub"))
    try:
        people = {r: auth.add_user(ctx, SYSTEM_ACTOR, r, r, "rahasia-panjang-1", [r],
                                   "Sekretariat" if r == "desk" else "").actor() for r in ("ppid", "desk", "atasan")}
        req = items.open_request(ctx, people["ppid"], "Sekretariat", "Renstra")
        sub = items.submit(ctx, people["desk"], req.id, submission("Renstra"), req.revision)
        items.classify(ctx, people["ppid"], sub.id, classification(sub), sub.revision)
        v = versions.create_version(ctx, people["ppid"], 2026)
        v = versions.establish(ctx, people["ppid"], v.id, {
            "nomor_keputusan": "1", "tanggal_keputusan": "2026-03-20", "tempat_keputusan": "S", "penandatangan": "P",
            "alasan_kelengkapan": "Uji"}, v.revision)
        v = versions.approve(ctx, people["atasan"], v.id, "", v.revision)
        v = publishing.upload(ctx, people["desk"], v.id, v.revision)
        assert v.status == "diunggah" and publishing.latest_published(ctx).rows[0].data["judul"] == "Renstra"
        assert verify_chain(server.events(ctx.office_id), ctx.signer).ok and server.integrity_problems() == []
        every_page_runs_on(server, pg_register_url, tmp_path, monkeypatch)
    finally:
        server.close()


def every_page_runs_on(server, url: str, tmp_path, monkeypatch) -> None:
    """Each page, as the role that uses it, on the PostgreSQL register (SIDIP_DATABASE_URL), with no exception."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("SIDIP_DATABASE_URL", url)
    monkeypatch.setenv("SIDIP_SECRET_KEY", KEY.decode())
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIDIP_PUBLISH_DIR", str(tmp_path / "pub"))
    pages = Path(__file__).resolve().parent.parent / "pages"
    for page, user in (("beranda", "ppid"), ("dasbor", "atasan"), ("permintaan", "desk"), ("klasifikasi", "ppid"),
                       ("penetapan", "ppid"), ("kelengkapan", "ppid"), ("riwayat", "ppid"), ("dip", None)):
        at = AppTest.from_file(str(pages / f"{page}.py"), default_timeout=60)
        if user:
            at.session_state["user"], at.session_state["epoch"] = user, server.get_user(user).token_epoch
        at.run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title, page


def test_without_postgresql_its_tests_skip_with_the_reason_and_fail_under_ci(monkeypatch):
    from tests import pg_support
    monkeypatch.setattr(pg_support, "bin_dir", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    reason = "^PostgreSQL tidak ditemukan \\(initdb/pg_ctl; `apt-get install -y postgresql`\\)"
    with pytest.raises(pytest.skip.Exception, match=reason):
        pg_support.require_postgres()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=reason):
        pg_support.require_postgres()


def test_an_offices_revision_moves_with_its_own_writes_and_a_rollups_with_any_below(register):
    register.save_item(Item("a1", "Sekretariat", "A", office_id="kpu-a"), ev("a1", office="kpu-a"), None)
    mine, both = register.revision("kpu-a"), register.revision_of(frozenset({"kpu-a", "kpu-b"}))
    register.save_item(Item("b1", "Sekretariat", "B", office_id="kpu-b"), ev("b1", office="kpu-b"), None)
    assert register.revision("kpu-a") == mine  # another office's write never ages this office's caches
    assert register.revision_of(frozenset({"kpu-a", "kpu-b"})) != both  # a roll-up over both sees it
    assert register.revision_of(frozenset({"kpu-a"})) == register.revision_of(frozenset({"kpu-a"}))


def test_views_of_different_offices_sharing_one_pooled_connection_each_see_their_own(register, pg_register_url):
    register.save_item(Item("a1", "Sekretariat", "A", office_id="kpu-a"), ev("a1", office="kpu-a"), None)
    register.save_item(Item("b1", "Sekretariat", "B", office_id="kpu-b"), ev("b1", office="kpu-b"), None)
    one = PostgresRegister(pg_register_url, EventSigner(KEY), pool_size=1)  # every read on the same connection
    try:
        a, b = one.scoped(frozenset({"kpu-a"}), frozenset()), one.scoped(frozenset({"kpu-b"}), frozenset())
        for _ in range(2):
            assert [r[0] for r in a._rows("SELECT id FROM items")] == ["a1"]
            assert [r[0] for r in b._rows("SELECT id FROM items")] == ["b1"]
            with pytest.raises(PermissionDenied):  # a read-only view's transaction writes nothing
                b.save_item(Item("b2", "Sekretariat", "B2", office_id="kpu-b"), ev("b2", office="kpu-b"), None)
            assert sorted(r[0] for r in one._rows("SELECT id FROM items")) == ["a1", "b1"]  # the deployment's
    finally:
        one.close()
