"""The PostgreSQL register: the local register's tables, rules and statements on a server database.

It is the SQLite register (same columns of raw strings, same row MACs, write ledger, audit chain,
revision check and messages) with what differs between the engines overridden: connections from a
psycopg pool, PostgreSQL's upsert, and locks. SQLite serialises writers with BEGIN IMMEDIATE; here
transactions run side by side (READ COMMITTED), so a record is locked (FOR UPDATE) before its
revision is checked, a new key is a plain INSERT (a second writer's is refused as a duplicate), and
each office's audit chain is extended under a transaction-scoped advisory lock on the office, taken
last, so two writers never see the same last event and no two locks are taken in opposite orders.
"""
from __future__ import annotations

from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool

from lib.domain.audit import EventSigner
from lib.domain.models import Event, utc_now
from lib.errors import ConflictError, PermissionDenied, SidipError
from lib.store import codec, migrations, pg_schema
from lib.store.port import Register
from lib.store.sqlite import _DUMP_ORDER, _HIDDEN, _KEYS, SqliteRegister
from lib.store.sqlite_integrity import _ROW_KEYS, _row_name

_INIT_LOCK = 7_241_131  # one init (migration) at a time across replicas starting together
_RACE = ("Data yang sama baru saja ditulis pengguna lain. Muat ulang halaman, periksa datanya, lalu "
         "coba lagi.")


class PostgresRegister(SqliteRegister):
    """Server adapter (``SIDIP_DATABASE_URL``). Safe across threads, processes and app replicas."""

    def __init__(self, url: str, signer: EventSigner, pool_size: int = 10):
        super().__init__(_safe_url(url), signer)  # no file is opened: every connection comes from the pool
        self.path = _safe_url(url)  # what `init` prints: never the password
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=True, name="sidip",
                                   kwargs={"autocommit": True, "row_factory": pg_schema.row_factory})

    scope: tuple[str, str] = pg_schema.SYSTEM_SCOPE

    def close(self) -> None:
        self.pool.close()

    def scoped(self, read: frozenset[str], write: frozenset[str]) -> "PostgresRegister":
        """The same pool, limited by the database itself to the rows of ``read`` (writes to ``write``)."""
        import copy
        import threading
        view = copy.copy(self)
        view._local = threading.local()
        view.scope = (",".join(sorted(read)), ",".join(sorted(write)))
        return view

    def directory(self, keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
        """The one read across offices (Register.directory): the tree's keys of the whole deployment, read-only,
        even from a view limited to one office (whose child needs to find its parent)."""
        return SqliteRegister.directory(self.scoped(frozenset({"*"}), frozenset()), keys)

    def revision(self, office_id: str) -> str:
        # The office's own newest event (its index): a write in another office does not age this one's caches.
        last = self._conn().execute("SELECT seq, id FROM events WHERE office_id = ? ORDER BY seq DESC LIMIT 1",
                                    (office_id,)).fetchone()
        return f"{self._where()}/{office_id}#{last['seq']}:{last['id']}" if last else f"{self._where()}/{office_id}#0"

    def revision_of(self, office_ids) -> str:
        if not office_ids:
            return f"{self._where()}/-#0"
        marks = ", ".join("?" * len(office_ids))
        last = self._conn().execute(f"SELECT seq, id FROM events WHERE office_id IN ({marks}) ORDER BY seq DESC "
                                    "LIMIT 1", tuple(sorted(office_ids))).fetchone()
        return f"{self._where()}/{len(office_ids)}#{last['seq']}:{last['id']}" if last else f"{self._where()}/#0"

    # -- plumbing ------------------------------------------------------------------------
    def _where(self) -> str:
        return self.path  # host:port/database, never the password

    def _tuples(self, sql: str, args=()) -> list[tuple]:
        return self._conn().execute(sql, args, plain=True).fetchall()

    def _json_fields(self, version_ids, kategori, fields):
        # Measured: PostgreSQL's JSON functions over 42,000 frozen rows cost more than reading the text and
        # picking the fields in Python (the port's way).
        return Register.snapshot_fields(self, version_ids, kategori, fields)

    def _conn(self):
        return getattr(self._local, "tx", None) or pg_schema.PooledReads(self.pool, self.scope)

    @contextmanager
    def _tx(self):
        if getattr(self._local, "tx", None) is not None:  # one transaction, also when a step nests
            yield self._local.tx
            return
        try:
            with self.pool.connection() as raw, raw.transaction():
                pg_schema.set_scope(raw, self.scope)
                self._local.tx, self._local.written = pg_schema.Connection(raw), []
                try:
                    yield self._local.tx
                finally:
                    self._local.tx = None
        except psycopg.errors.UniqueViolation as err:
            raise ConflictError(_RACE) from err
        except psycopg.errors.InsufficientPrivilege as err:  # row-level security refused a row of another office
            raise PermissionDenied("Data kantor lain tidak dapat diubah dari sini.") from err
        except psycopg.OperationalError as err:
            raise SidipError(f"Basis data PostgreSQL tidak dapat dipakai saat ini ({type(err).__name__}). "
                             "Coba lagi sebentar lagi; bila berulang, hubungi admin.") from err

    @staticmethod
    def _lock(conn, *names: str) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", ("/".join(names),))

    def init(self) -> None:
        with self._tx() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (_INIT_LOCK,))
            migrations.refuse_newer(conn, "postgres")
            for sql in pg_schema.baseline():
                conn.execute(sql)
            for name, cls in codec.RECORDS.items():
                self._add_missing_columns(conn, name, cls)
            if migrations.stored_version(conn, "postgres") is None:  # a new database: schema 1, rows signed from the start
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1'), ('rows_signed', '1')")
            self.migrated = migrations.upgrade(conn, "postgres")

    def _add_missing_columns(self, conn, name: str, cls) -> None:
        present = set(pg_schema.column_names(conn, name))
        for col in codec.columns(cls) + list(_HIDDEN[name == "events"]):
            if col not in present:
                conn.execute(f'ALTER TABLE {name} ADD COLUMN "{col}" TEXT COLLATE "C"')

    # -- writes --------------------------------------------------------------------------
    def _check_revision(self, conn, table, key, expected, what):
        conn.execute(f'SELECT 1 FROM {table} WHERE "{_KEYS[table]}" = ? FOR UPDATE', (key,))
        super()._check_revision(conn, table, key, expected, what)

    def _upsert(self, conn, table: str, obj, expected: int | None, what: str, actor: str):
        key = getattr(obj, _KEYS[table])
        self._check_revision(conn, table, key, expected, what)
        obj = obj.replace(revision=(expected or 0) + 1, updated_at=utc_now(), updated_by=actor)
        try:  # a new key is a plain INSERT: of two writers adding it at once, the second is refused
            self._put(conn, table, codec.to_row(obj), "INSERT" if expected is None else "UPSERT")
        except psycopg.errors.UniqueViolation as err:
            raise ConflictError(f"{what} dengan kode {key} sudah ada.") from err
        return obj

    def _put(self, conn, table: str, row: dict, verb: str = "UPSERT") -> None:
        row = self.rows.signed(table, row)
        names = ", ".join(f'"{c}"' for c in row)
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})"
        if verb != "INSERT":  # SQLite's INSERT OR REPLACE
            keys = _ROW_KEYS[table]
            sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in row if c not in keys)
            sql += f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"
        conn.execute(sql, list(row.values()))
        self._written().append([table, _row_name(table, row), row[codec.ROW_MAC]])

    def _append(self, conn, event: Event) -> Event:
        self._lock(conn, "chain", event.office_id)  # under it, the office's last event is the latest committed
        return super()._append(conn, event)

    def compare_and_set_setting(self, office_id, key, expected, value, event) -> bool:
        with self._tx() as conn:
            self._lock(conn, "setting", office_id, key)  # covers a key no row holds yet
            return super().compare_and_set_setting(office_id, key, expected, value, event)

    # -- backup and restore --------------------------------------------------------------
    def _columns(self, conn, table: str) -> list[str]:
        return pg_schema.column_names(conn, table)

    def dump(self) -> dict[str, list[dict[str, str]]]:
        with self.pool.connection() as raw, raw.transaction():
            raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")  # one snapshot of all tables
            pg_schema.set_scope(raw, self.scope)
            conn, tables = pg_schema.Connection(raw), {}
            for table in self.DUMP_TABLES:
                names = self._stored_columns(conn, table)
                select = ", ".join(f'"{c}"' for c in names)
                rows = conn.execute(f"SELECT {select} FROM {table} ORDER BY {_DUMP_ORDER[table]}")
                tables[table] = [{c: "" if v is None else str(v) for c, v in zip(names, row)} for row in rows]
            return tables

    def load(self, tables: dict[str, list[dict[str, str]]]) -> None:
        try:
            super().load(tables)
        except ConflictError as err:
            cause = getattr(err.__cause__, "diag", None)
            raise SidipError(f"Tabel {getattr(cause, 'table_name', '')} tidak dapat dimuat: ada baris yang kuncinya "
                             "ganda.") from err


    _DUPLICATE = (psycopg.errors.UniqueViolation,)  # a key another office holds (invisible to this view)

def _safe_url(url: str) -> str:
    """The URL as it may be printed: host, port and database, without user or password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "PostgreSQL"
    host = info.get("host") or "localhost"
    return f"PostgreSQL {host}:{info.get('port') or 5432}/{info.get('dbname') or ''}"
