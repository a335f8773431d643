"""The PostgreSQL side of the schema: the SQLite register's tables in PostgreSQL's words, and the
thin connection that lets the SQLite register's statements (qmark placeholders) run on psycopg.

Every text column collates "C" (byte order), as SQLite's do: the same dump on both engines.
"""
from __future__ import annotations

import re
import weakref

from lib.store import codec
from lib.store.sqlite import _EXTRA_SQL, _table_sql

_SQLITE_ONLY = {"seq INTEGER PRIMARY KEY AUTOINCREMENT": "seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"}


def _postgres(sql: str) -> str:
    for sqlite_words, pg_words in _SQLITE_ONLY.items():
        sql = sql.replace(sqlite_words, pg_words)
    return re.sub(r" TEXT\b", ' TEXT COLLATE "C"', sql)


def baseline() -> list[str]:
    """Schema 1, idempotent (run at every init, as SQLite's own statements are)."""
    return [_postgres(_table_sql(name, cls)) for name, cls in codec.RECORDS.items()] + [
        _postgres(sql) for sql in _EXTRA_SQL]


def column_names(conn, table: str) -> list[str]:
    rows = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                        "AND table_name = ? ORDER BY ordinal_position", (table,)).fetchall()
    return [r[0] for r in rows]


def pg_sql(sql: str) -> str:
    """qmark placeholders (SQLite's) as psycopg's %s; a literal % doubled. Quoted text is left alone."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(p if i % 2 else p.replace("%", "%%").replace("?", "%s") for i, p in enumerate(parts))


class Row(tuple):
    """A result row read by position or by column name, like sqlite3.Row."""

    def __new__(cls, values, index: dict[str, int]):
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):
        return super().__getitem__(self._index[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self._index)


def row_factory(cursor):
    index = {col.name: n for n, col in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


class Result:
    """What a statement returned, read in full (the connection goes back to the pool at once)."""

    def __init__(self, rows: list):
        self._rows = rows

    def fetchone(self):
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list:
        return list(self._rows)

    def __iter__(self):
        return iter(self._rows)


def run(conn, sql: str, args=(), plain: bool = False) -> Result:
    """``plain``: rows as plain tuples, made in C (a roll-up reads 150,000 rows; a Row each costs more)."""
    from psycopg.rows import tuple_row
    cur = conn.cursor(row_factory=tuple_row) if plain else conn.cursor()
    cur.execute(pg_sql(sql), tuple(args)) if args else cur.execute(sql)
    return Result(cur.fetchall() if cur.description else [])


class Connection:
    """One psycopg connection inside a transaction, spoken to as the SQLite register speaks."""

    def __init__(self, raw):
        self.raw = raw

    def execute(self, sql: str, args=(), plain: bool = False) -> Result:
        return run(self.raw, sql, args, plain)


SYSTEM_SCOPE = ("*", "*")  # the deployment as a whole: migrations, login, the office tree, the CLI's own reads


def set_scope(raw, scope: tuple[str, str]) -> None:
    """The offices this transaction may read and write, for the row-level security policies
    (lib/store/migrations/m003_row_security.py). Transaction-local: a pooled connection never carries one
    caller's offices to the next, and a statement outside any scope sees no office's rows at all."""
    raw.execute("SELECT set_config('sidip.read', %s, true), set_config('sidip.write', %s, true)", scope)


class PooledReads:
    """Outside a transaction: each statement borrows a pooled connection (autocommit) for itself.

    The scope is set on the connection's session, and only when it differs from the one the connection
    last carried (most reads of a process are for the same office): one round trip a read, not four. Every
    borrower in this module states its scope (reads here; transactions set theirs locally, which ends with
    them and leaves the session's as it was), so a scope never carries over to a read that did not ask."""

    def __init__(self, pool, scope: tuple[str, str] = SYSTEM_SCOPE):
        self.pool, self.scope = pool, scope

    def execute(self, sql: str, args=(), plain: bool = False) -> Result:
        with self.pool.connection() as raw:
            if _SESSION_SCOPE.get(raw) != self.scope:
                raw.execute("SELECT set_config('sidip.read', %s, false), set_config('sidip.write', %s, false)",
                            self.scope)
                _SESSION_SCOPE[raw] = self.scope
            return run(raw, sql, args, plain)


_SESSION_SCOPE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # connection -> its session's scope
