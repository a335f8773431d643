"""python -m lib.cli sehat, run as a real process as a load balancer or a container would run it."""
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from lib import health
from lib.store.migrations import LATEST
from tests.ci_support import free_port
from tests.pg_support import pg_register_url, pg_server  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent


def sehat(tmp_path, url: str = ""):
    env = {**os.environ, "SIDIP_DATA_DIR": str(tmp_path / "data")}
    env.pop("SIDIP_BACKEND", None)
    env.pop("SIDIP_DATABASE_URL", None)
    if url:
        env["SIDIP_DATABASE_URL"] = url
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "lib.cli", "sehat"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    return done.returncode, done.stdout.strip(), time.monotonic() - started


def init_sqlite(tmp_path) -> Path:
    env = {**os.environ, "SIDIP_DATA_DIR": str(tmp_path / "data")}
    env.pop("SIDIP_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "lib.cli", "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    return tmp_path / "data" / "sidip.sqlite3"


def set_sqlite_schema(path: Path, version: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))


def test_a_current_sqlite_register_is_healthy(tmp_path):
    path = init_sqlite(tmp_path)
    assert sehat(tmp_path)[:2] == (0, f"Sehat: register SQLite {path} menjawab, skema versi {LATEST} (terbaru).")


def test_a_missing_sqlite_register_is_not_healthy_and_the_check_does_not_create_it(tmp_path):
    path = tmp_path / "data" / "sidip.sqlite3"
    assert sehat(tmp_path)[:2] == (1, f"Tidak sehat: register SQLite {path} belum ada. Jalankan "
                                      "`python -m lib.cli init`.")
    assert not path.exists()


def test_an_older_sqlite_schema_is_not_healthy_and_the_check_leaves_it_unmigrated(tmp_path):
    path = init_sqlite(tmp_path)
    set_sqlite_schema(path, LATEST - 1)
    assert sehat(tmp_path)[:2] == (1, f"Tidak sehat: skema register SQLite {path} versi {LATEST - 1}, lebih lama "
                                      f"daripada versi {LATEST} rilis ini. Jalankan `python -m lib.cli init` untuk "
                                      "migrasi.")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(LATEST - 1),)


def test_a_sqlite_schema_newer_than_this_release_is_not_healthy(tmp_path):
    path = init_sqlite(tmp_path)
    set_sqlite_schema(path, LATEST + 1)
    assert sehat(tmp_path)[:2] == (1, f"Tidak sehat: skema register SQLite {path} versi {LATEST + 1}, lebih baru "
                                      f"daripada versi {LATEST} yang dikenal rilis ini. Pasang rilis SIDIP yang "
                                      "membuat skema itu.")


def where(url: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url)
    return f"PostgreSQL 127.0.0.1:{info['port']}/{info['dbname']}"


def test_a_current_postgresql_register_is_healthy_in_well_under_two_seconds(tmp_path, pg_register_url):
    code, line, _ = sehat(tmp_path, pg_register_url)
    assert (code, line) == (0, f"Sehat: {where(pg_register_url)} menjawab, skema versi {LATEST} (terbaru).")
    started = time.monotonic()
    assert health.check("local", pg_register_url, tmp_path).ok
    assert time.monotonic() - started < 2.0


def test_an_unreachable_postgresql_server_fails_within_seconds_and_never_prints_the_password(tmp_path):
    port = free_port()  # nobody listens there
    code, line, took = sehat(tmp_path, f"postgresql://sidip:rahasia-sandi@127.0.0.1:{port}/sidip")
    assert code == 1 and took < 10
    assert line.startswith(f"Tidak sehat: basis data PostgreSQL 127.0.0.1:{port}/sidip tidak dapat dihubungi (")
    assert "Connection refused" in line and "rahasia-sandi" not in line


def test_a_postgresql_database_without_a_register_is_not_healthy(tmp_path, pg_server):
    url = pg_server.create_database()
    assert sehat(tmp_path, url)[:2] == (1, f"Tidak sehat: {where(url)} belum berisi register SIDIP. Jalankan "
                                          "`python -m lib.cli init`.")


@pytest.mark.parametrize("offset,words", [(1, "lebih baru daripada versi {latest} yang dikenal rilis ini. Pasang "
                                                "rilis SIDIP yang membuat skema itu."),
                                          (-1, "lebih lama daripada versi {latest} rilis ini. Jalankan "
                                               "`python -m lib.cli init` untuk migrasi.")])
def test_a_postgresql_schema_other_than_this_releases_is_not_healthy(tmp_path, pg_server, offset, words):
    url = pg_server.create_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', %s)", (str(LATEST + offset),))
    assert sehat(tmp_path, url)[:2] == (1, f"Tidak sehat: skema {where(url)} versi {LATEST + offset}, "
                                          + words.format(latest=LATEST))
