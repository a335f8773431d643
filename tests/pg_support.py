"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temporary data folder, 127.0.0.1.

PostgreSQL refuses to run as root, and the tests (and CI) run as root: the server then runs as the
``postgres`` user (``runuser``), in a folder that user owns. One server per test session; each test
gets a fresh database (``fresh_database``) or an emptied one (``PgServer.truncate``). Without the
binaries the tests skip with the reason; under ``CI=true`` that is a failure, as for the browser.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from lib.store.port import Register
from tests.ci_support import free_port, skip_or_fail

DEBIAN_BINS = "/usr/lib/postgresql/*/bin"  # Debian's layout, one folder per major version
APP_ROLE = "sidip_app"  # an ordinary login role: no SUPERUSER, no BYPASSRLS
TABLES = Register.DUMP_TABLES  # every table of office data (meta, the schema version, stays)


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: `pg_config --bindir`, else Debian's newest PostgreSQL folder."""
    try:
        found = [Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
                      .stdout.strip())]
    except (OSError, subprocess.CalledProcessError):
        found = []
    debian = sorted(Path("/").glob(DEBIAN_BINS.lstrip("/")), key=lambda p: int(p.parent.name)
                    if p.parent.name.isdigit() else 0, reverse=True)
    for folder in found + debian:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def require_postgres() -> Path:
    """The binaries' folder; skip without them locally, fail under CI=true."""
    folder = bin_dir()
    if folder is not None:
        return folder
    reason = ("PostgreSQL tidak ditemukan (initdb/pg_ctl; `apt-get install -y postgresql`): uji register "
              "PostgreSQL tidak dapat dijalankan.")
    skip_or_fail(reason)


def _server_parent() -> str | None:
    """A folder the server's user can reach: the temporary folder may be root's alone (mode 0700)."""
    if os.geteuid() != 0:
        return None
    for folder in (tempfile.gettempdir(), "/dev/shm", "/var/tmp"):
        if subprocess.run(_as_server_user(["test", "-w", folder, "-a", "-x", folder]), check=False).returncode == 0:
            return folder
    raise RuntimeError("Tidak ada folder sementara yang dapat ditulis pengguna postgres.")


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class PgServer:
    base: Path
    port: int
    bindir: Path

    def url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        import psycopg
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        """A new database owned by the ordinary role the app connects as (README: Banyak kantor): a
        superuser would bypass row-level security, so the tests never run the register as one."""
        name = "sidip_" + uuid.uuid4().hex[:12]
        self.admin(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
                   f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END $$")
        self.admin(f'CREATE DATABASE "{name}" OWNER {APP_ROLE} TEMPLATE template0')
        return self.url(name, APP_ROLE)

    def truncate(self, url: str) -> None:
        """Empty every table of a register, keeping its schema (fast: one statement)."""
        import psycopg
        with psycopg.connect(as_superuser(url), autocommit=True) as conn:
            conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY")

    def stop(self) -> None:
        if not self.base.exists():
            return
        subprocess.run(_as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"),
                                        "-m", "immediate", "stop"]), check=False, capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


def as_superuser(url: str) -> str:
    """The same database as the server's superuser (the database administrator, outside SIDIP: not subject
    to row-level security)."""
    return url.replace(f"//{APP_ROLE}@", "//postgres@")


def start_server() -> PgServer:
    bindir = require_postgres()
    base = Path(tempfile.mkdtemp(prefix="sidip-pg-", dir=_server_parent()))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    server = PgServer(base, free_port(), bindir)
    atexit.register(server.stop)  # also when the session is cut short
    options = (f"-k {base} -h 127.0.0.1 -p {server.port} -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=200")
    try:
        _run([str(bindir / "initdb"), "-D", str(base / "data"), "-U", "postgres", "-A", "trust",
              "-E", "UTF8", "--locale=C", "--no-sync"])
        _run([str(bindir / "pg_ctl"), "-D", str(base / "data"), "-l", str(base / "log"), "-w", "-t", "60",
              "-o", options, "start"])
    except BaseException:
        server.stop()
        raise
    return server


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_server_user(cmd), check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:1])} gagal ({done.returncode}): {done.stderr or done.stdout}")


_running: list[PgServer] = []


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway server for the whole session, however many test modules import this fixture;
    stopped and removed when the session ends."""
    if not _running:
        _running.append(start_server())
    yield _running[0]
    while _running:
        _running.pop().stop()


@pytest.fixture(scope="session")
def pg_register_url(pg_server) -> str:
    """One database holding the current schema, shared by the tests that empty it first (``emptied``)."""
    from lib.domain.audit import EventSigner
    from lib.store.postgres import PostgresRegister
    url = pg_server.create_database()
    register = PostgresRegister(url, EventSigner(b"schema-only-" + b"0" * 32), pool_size=1)
    register.init()
    register.close()
    return url


def emptied(server: PgServer, url: str, key: bytes):
    """A register on the shared database with every table emptied (a new test's blank register)."""
    from lib.domain.audit import EventSigner
    from lib.store.postgres import PostgresRegister
    server.truncate(url)
    return PostgresRegister(url, EventSigner(key), pool_size=4)
