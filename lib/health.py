"""python -m lib.cli sehat: is the configured register answering, with the schema this release knows?

For a load balancer, a container's HEALTHCHECK or a monitoring cron: one Indonesian line, exit 0 when
healthy, 1 when not. It never builds the app's context: that would migrate the schema (a health check must
change nothing), read the secret key (not needed to ask a database whether it answers) and open a pool that
waits 30 s for a server that is down. It opens one plain connection instead, with a connect timeout, and
reads the schema number (a one-row read of the ``meta`` table: cheap, and it proves the register is there).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from lib.errors import SidipError
from lib.store import migrations

CONNECT_TIMEOUT_S = 4  # an unreachable server fails within ~5 s (libpq's minimum is 2)
STATEMENT_TIMEOUT_MS = 3000  # a server that accepts connections but hangs (locks, full disk) is not healthy


@dataclass(frozen=True)
class Health:
    ok: bool
    line: str  # one Indonesian sentence: what was checked and, when not healthy, why

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def check(backend: str, url: str | None, data_dir: Path) -> Health:
    """The register that ``lib.bootstrap`` would open for this configuration, checked without changing it."""
    if url:
        return check_postgres(url)
    if backend == "local":
        return check_sqlite(data_dir / "sidip.sqlite3")
    return Health(False, f"Tidak sehat: pemeriksaan kesehatan hanya untuk register SQLite dan PostgreSQL "
                         f"(SIDIP_BACKEND={backend}); gunakan `python -m lib.cli doctor`.")


def check_sqlite(path: Path) -> Health:
    where = f"register SQLite {path}"
    if not path.exists():
        return Health(False, f"Tidak sehat: {where} belum ada. Jalankan `python -m lib.cli init`.")
    try:  # read-only: a health check never creates, locks for writing or migrates the file
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=CONNECT_TIMEOUT_S) as conn:
            return _schema_verdict(where, conn, "sqlite")
    except sqlite3.Error as err:
        return Health(False, f"Tidak sehat: {where} tidak dapat dibaca ({err}).")


def check_postgres(url: str) -> Health:
    import psycopg
    from lib.store.postgres import _safe_url
    where = _safe_url(url)  # host:port/database, never the password
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                             options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}") as conn:
            return _schema_verdict(where, conn, "postgres")
    except psycopg.Error as err:
        return Health(False, f"Tidak sehat: basis data {where} tidak dapat dihubungi ({_first_line(err)}).")


def _schema_verdict(where: str, conn, dialect: str) -> Health:
    try:
        found = migrations.stored_version(conn, dialect)
    except SidipError as err:
        return Health(False, f"Tidak sehat: {where}: {err.message}")
    latest = migrations.LATEST
    if found is None:
        return Health(False, f"Tidak sehat: {where} belum berisi register SIDIP. Jalankan `python -m lib.cli init`.")
    if found < latest:
        return Health(False, f"Tidak sehat: skema {where} versi {found}, lebih lama daripada versi {latest} rilis "
                             "ini. Jalankan `python -m lib.cli init` untuk migrasi.")
    if found > latest:
        return Health(False, f"Tidak sehat: skema {where} versi {found}, lebih baru daripada versi {latest} yang "
                             "dikenal rilis ini. Pasang rilis SIDIP yang membuat skema itu.")
    return Health(True, f"Sehat: {where} menjawab, skema versi {found} (terbaru).")


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
