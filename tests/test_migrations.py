"""Numbered schema migrations: a register made by the previous release opens in this one with its data
and row signatures intact, a second run changes nothing, and a register from a newer schema is refused.

tests/data/register-skema-1.sqlite3 was made by the release before numbered migrations (schema 1):
`python -m lib.cli demo` with SIDIP_SECRET_KEY=FIXTURE_KEY, then VACUUM INTO the file kept here.
"""
import shutil
import sqlite3
from pathlib import Path

import pytest

from lib.domain.audit import EventSigner, verify_chain
from lib.store import migrations
from lib.store.migrations import SchemaError
from lib.store.postgres import PostgresRegister
from lib.store.sqlite import SqliteRegister
from tests.pg_support import as_superuser, pg_server  # noqa: F401 (fixture)

FIXTURE = Path(__file__).parent / "data" / "register-skema-1.sqlite3"
FIXTURE_KEY = "5f1c5f1c5f1c5f1c9ab3e7d29ab3e7d29ab3e7d29ab3e7d29ab3e7d29ab3e7d2"
OFFICE = "kpu-sarolangun"
UPGRADES = ["2: kode kantor pada baris versi DIP",  # schema 3 (row-level security) is PostgreSQL's alone
            "4: masa pengecualian pada baris DIK versi DIP"]
PG_UPGRADES = [UPGRADES[0], "3: keamanan tingkat baris per kantor (PostgreSQL)", UPGRADES[1]]
TABLES = ("settings", "holidays", "users", "items", "versions", "version_items", "events", "meta")
NEWER = ("Register ini memakai skema versi 9, dibuat oleh rilis SIDIP yang lebih baru; rilis ini hanya "
         "mengenal sampai skema versi 4. Register tidak diubah. Pasang rilis SIDIP yang sama atau lebih "
         "baru daripada yang membuat register ini.")


# The fixture's one exempt row (data pribadi pemilih, exempt for good): the terms schema 4 keeps beside it.
TERMS = {"dikecualikan": '{"masa_pengecualian_tahun": null, "pengecualian_permanen": true, "diadopsi_dari": null, '
                         '"keputusan_induk": {"tanggal": null}}'}


def raw_tables(path: Path) -> dict[str, list[dict]]:
    """Every row of every table as stored, read with sqlite3 itself (not with the code under test)."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def old_register(tmp_path) -> Path:
    path = tmp_path / "data" / "sidip.sqlite3"
    path.parent.mkdir()
    shutil.copy(FIXTURE, path)
    return path


def open_local(path: Path) -> SqliteRegister:
    register = SqliteRegister(path, EventSigner(FIXTURE_KEY.encode()))
    register.init()
    return register


def test_the_fixture_is_a_schema_1_register_with_the_demo_data():
    before = raw_tables(FIXTURE)
    assert {t: len(rows) for t, rows in before.items()} == {
        "settings": 1, "holidays": 0, "users": 5, "items": 9, "versions": 1, "version_items": 4, "events": 30,
        "meta": 2}
    assert before["meta"] == [{"key": "schema_version", "value": "1"}, {"key": "rows_signed", "value": "1"}]
    assert "office_id" not in before["version_items"][0]


def test_init_upgrades_a_register_of_the_previous_release_with_its_data_and_signatures_intact(old_register):
    before = raw_tables(old_register)
    register = open_local(old_register)
    after = raw_tables(old_register)
    assert register.migrated == UPGRADES
    assert after["version_items"] == [{**row, "office_id": OFFICE, "exemption_terms": TERMS.get(row["kategori"])}
                                      for row in before["version_items"]]
    assert after["meta"] == [{"key": "schema_version", "value": "4"}, {"key": "rows_signed", "value": "1"}]
    assert {t: rows for t, rows in after.items() if t not in ("version_items", "meta")} == {
        t: rows for t, rows in before.items() if t not in ("version_items", "meta")}
    assert register.integrity_problems() == []
    assert verify_chain(register.events(OFFICE), EventSigner(FIXTURE_KEY.encode())).ok


def test_a_second_init_changes_nothing(old_register):
    open_local(old_register)
    once = raw_tables(old_register)
    again = open_local(old_register)
    assert again.migrated == [] and raw_tables(old_register) == once


def test_the_backup_of_an_upgraded_register_has_the_same_columns_as_before(old_register, tmp_path):
    """The office on a version's rows is filled by the register: backups keep their format."""
    dumped = open_local(old_register).dump()
    assert list(dumped["version_items"][0]) == ["version_id", "item_id", "nomor", "kategori", "data", "_mac"]
    fresh = open_local(tmp_path / "baru.sqlite3")
    fresh.load(dumped)
    assert fresh.dump() == dumped and fresh.integrity_problems() == []
    loaded = raw_tables(tmp_path / "baru.sqlite3")["version_items"]
    assert {r["office_id"] for r in loaded} == {OFFICE}
    assert [r["exemption_terms"] for r in loaded] == [TERMS.get(r["kategori"]) for r in loaded]


def test_a_version_established_after_the_upgrade_carries_its_office(old_register):
    from lib.domain.models import Event, SnapshotRow, Version
    register = open_local(old_register)
    register.save_version(Version("v-baru", 2027, office_id="kpu-jambi"),
                          Event("uji", "ppid", "ppid", "version", "v-baru", office_id="kpu-jambi"), None,
                          [SnapshotRow("v-baru", "i1", 1, "berkala", {"judul": "A"})])
    rows = [r for r in raw_tables(old_register)["version_items"] if r["version_id"] == "v-baru"]
    assert [r["office_id"] for r in rows] == ["kpu-jambi"]


def test_python_m_lib_cli_init_upgrades_the_register_and_says_what_it_did(old_register, monkeypatch, capsys):
    from lib import cli
    monkeypatch.setenv("SIDIP_DATA_DIR", str(old_register.parent))
    monkeypatch.setenv("SIDIP_SECRET_KEY", FIXTURE_KEY)
    monkeypatch.delenv("SIDIP_DATABASE_URL", raising=False)
    monkeypatch.delenv("SIDIP_BACKEND", raising=False)
    assert cli.main(["init"]) == 0
    assert capsys.readouterr().out == (f"Register siap: {old_register}\n"
                                       "Migrasi skema 2: kode kantor pada baris versi DIP\n"
                                       "Migrasi skema 4: masa pengecualian pada baris DIK versi DIP\n"
                                       "Skema register: versi 4\n")
    assert cli.main(["init"]) == 0
    assert capsys.readouterr().out == f"Register siap: {old_register}\nSkema register: versi 4 (sudah terbaru)\n"


def test_a_register_from_a_newer_schema_is_refused_untouched(old_register, monkeypatch, capsys):
    conn = sqlite3.connect(old_register)
    conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = raw_tables(old_register)
    with pytest.raises(SchemaError) as refused:
        open_local(old_register)
    assert str(refused.value) == NEWER
    assert raw_tables(old_register) == before
    from lib import cli
    monkeypatch.setenv("SIDIP_DATA_DIR", str(old_register.parent))
    monkeypatch.setenv("SIDIP_SECRET_KEY", FIXTURE_KEY)
    monkeypatch.delenv("SIDIP_DATABASE_URL", raising=False)
    assert cli.main(["init"]) == 1
    assert capsys.readouterr().err == f"Galat: {NEWER}\n"


def test_a_new_local_register_starts_at_the_latest_schema(tmp_path):
    register = open_local(tmp_path / "baru.sqlite3")
    assert register.migrated == UPGRADES
    assert raw_tables(tmp_path / "baru.sqlite3")["meta"] == [{"key": "schema_version", "value": "4"},
                                                             {"key": "rows_signed", "value": "1"}]


# -- PostgreSQL ------------------------------------------------------------------------------
def open_pg(url: str) -> PostgresRegister:
    register = PostgresRegister(url, EventSigner(FIXTURE_KEY.encode()), pool_size=2)
    register.init()
    return register


def test_a_postgresql_register_of_schema_1_is_upgraded_with_its_data_intact(pg_server, old_register, monkeypatch):
    dumped = open_local(old_register).dump()
    url = pg_server.create_database()
    with monkeypatch.context() as schema_1:  # this release without its numbered migrations
        schema_1.setattr(migrations, "MIGRATIONS", ())
        schema_1.setattr(migrations, "LATEST", 1)
        old = open_pg(url)
        old.load(dumped)
        old.close()
    register = open_pg(url)
    try:
        assert register.migrated == PG_UPGRADES
        assert register.dump() == dumped and register.integrity_problems() == []
        offices = register._rows("SELECT DISTINCT office_id FROM version_items")
        assert [r[0] for r in offices] == [OFFICE]
        assert verify_chain(register.events(OFFICE), EventSigner(FIXTURE_KEY.encode())).ok
        register.init()
        assert register.migrated == [] and register.dump() == dumped
    finally:
        register.close()


def test_a_postgresql_register_from_a_newer_schema_is_refused_untouched(pg_server):
    url = pg_server.create_database()
    open_pg(url).close()
    import psycopg
    with psycopg.connect(as_superuser(url), autocommit=True) as conn:
        conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
        conn.execute('ALTER TABLE versions DROP COLUMN "frozen"')  # init would add it back
    register = PostgresRegister(url, EventSigner(FIXTURE_KEY.encode()), pool_size=1)
    try:
        with pytest.raises(SchemaError) as refused:
            register.init()
        assert str(refused.value) == NEWER
        columns = register._rows("SELECT column_name FROM information_schema.columns "
                                 "WHERE table_name = 'versions' AND column_name = 'frozen'")
        assert columns == []
    finally:
        register.close()
