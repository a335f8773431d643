"""Numbered schema migrations of the SQL registers, SQLite and PostgreSQL alike.

A register records in ``meta.schema_version`` the number of the last migration applied to it.
Schema 1 is the first release's: on SQLite ``SqliteRegister.init`` creates it (its statements are
idempotent and run at every start, so a register of any earlier build reaches schema 1), on PostgreSQL
``lib.store.pg_schema`` does the same. Every later change to the schema that is not just a new field
of a record (those columns are added at every start) is one module here, ``mNNN_<what>.py``, with
the statements for each engine; ``upgrade`` applies those above the stored number, in order, inside
the caller's transaction, so a failed step leaves the register as it was.

A register whose number is higher than ``LATEST`` was made by a newer release: it is refused before
anything is written.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.errors import SidipError
from lib.store.migrations import m002_version_items_office, m003_row_security, m004_exemption_terms

BASELINE = 1


@dataclass(frozen=True)
class Migration:
    number: int
    title: str  # in Indonesian: `init` prints it
    sqlite: tuple  # statements, or functions of the connection for what SQL alone cannot say
    postgres: tuple


MIGRATIONS: tuple[Migration, ...] = tuple(
    Migration(m.NUMBER, m.TITLE, m.SQLITE, m.POSTGRES)
    for m in (m002_version_items_office, m003_row_security, m004_exemption_terms))
LATEST = max((m.number for m in MIGRATIONS), default=BASELINE)

# Columns a migration added that the register fills itself (a trigger): never dumped, never loaded,
# so backups keep their format and restore into Google Sheets unchanged.
DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {"version_items": ("office_id", "exemption_terms")}

_META_EXISTS = {"sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                "postgres": "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'meta'"}


class SchemaError(SidipError):
    """The register's schema is one this release cannot open."""


def stored_version(conn, dialect: str) -> int | None:
    """The schema number the register records; None for a register with no meta table yet."""
    if conn.execute(_META_EXISTS[dialect]).fetchone() is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return None
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise SchemaError(f"Versi skema register tidak terbaca (\"{row[0]}\"); register tidak diubah.") from None


def refuse_newer(conn, dialect: str) -> None:
    """A register from a newer release is never opened: its rows may mean what this release cannot know."""
    found = stored_version(conn, dialect)
    if found is not None and found > LATEST:
        raise SchemaError(f"Register ini memakai skema versi {found}, dibuat oleh rilis SIDIP yang lebih baru; "
                          f"rilis ini hanya mengenal sampai skema versi {LATEST}. Register tidak diubah. "
                          "Pasang rilis SIDIP yang sama atau lebih baru daripada yang membuat register ini.")


def upgrade(conn, dialect: str) -> list[str]:
    """Apply every migration above the stored number; returns "N: judul" for each one applied."""
    found = stored_version(conn, dialect)
    if found is None:
        raise SchemaError("Register belum memiliki versi skema; register tidak diubah.")
    applied = []
    for migration in MIGRATIONS:
        if migration.number <= found:
            continue
        for step in getattr(migration, dialect):
            step(conn) if callable(step) else conn.execute(step)
        _set_version(conn, migration.number)
        if getattr(migration, dialect):  # one with nothing to do on this engine is not reported as done
            applied.append(f"{migration.number}: {migration.title}")
    return applied


def _set_version(conn, number: int) -> None:
    """The row exists: each register writes schema 1 before it upgrades."""
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(number),))
