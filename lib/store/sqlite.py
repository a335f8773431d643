"""The embedded local register: one SQLite file in WAL mode, one transaction per action."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from lib.domain.audit import EventSigner
from lib.domain.models import Attachment, Event, Item, SnapshotRow, User, Version, utc_now
from lib.domain.workdays import HolidayOverride
from lib.errors import ConflictError, SidipError, stale_error
from lib.files import PRIVATE_DIR, PRIVATE_FILE, is_disk_error, make_dir, storage_full
from lib.store import codec, migrations
from lib.store.port import Register, stale_item
from lib.store.sql_offices import OfficeReads
from lib.store.sqlite_integrity import _ROW_KEYS, TABLE_WORDS, WRITTEN, SqliteIntegrity, _row_name

SCHEMA_VERSION = "1"  # what init's own statements make: numbered migrations (lib/store/migrations) go on from it
_HIDDEN = {False: (codec.ROW_MAC,), True: (WRITTEN,)}  # columns a record table / the events table adds
_KEYS = {"items": "id", "versions": "id", "users": "username", "attachments": "id"}
_DUMP_ORDER = {"settings": '"office_id", "key"', "holidays": '"office_id", "day"', "users": '"username"',
               "items": '"office_id", "created_at", "id"', "versions": '"office_id", "created_at", "id"',
               "version_items": '"version_id", "item_id"', "events": "seq",
               "attachments": '"office_id", "uploaded_at", "id"'}


def _table_sql(name: str, cls) -> str:
    cols = [f'"{c}" TEXT' for c in codec.columns(cls)] + [f'"{c}" TEXT' for c in _HIDDEN[name == "events"]]
    key = _KEYS.get(name)
    if key:
        cols[codec.columns(cls).index(key)] = f'"{key}" TEXT PRIMARY KEY'
    if name == "events":
        cols.insert(0, "seq INTEGER PRIMARY KEY AUTOINCREMENT")
        cols[codec.columns(cls).index("id") + 1] = '"id" TEXT UNIQUE NOT NULL'
    return f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(cols)})"


_EXTRA_SQL = (
    "CREATE TABLE IF NOT EXISTS version_items (version_id TEXT, item_id TEXT, nomor INTEGER, "
    "kategori TEXT, data TEXT, _mac TEXT, PRIMARY KEY (version_id, item_id))",
    "CREATE TABLE IF NOT EXISTS settings (office_id TEXT, key TEXT, value TEXT, _mac TEXT, "
    "PRIMARY KEY (office_id, key))",
    "CREATE TABLE IF NOT EXISTS holidays (office_id TEXT, day TEXT, kind TEXT, name TEXT, _mac TEXT, "
    "PRIMARY KEY (office_id, day))",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE INDEX IF NOT EXISTS items_office_created ON items (office_id, created_at, id)",
    "CREATE INDEX IF NOT EXISTS events_office ON events (office_id, seq)",
    "CREATE INDEX IF NOT EXISTS attachments_item ON attachments (office_id, item_id, uploaded_at)",
)


class SqliteRegister(SqliteIntegrity, OfficeReads, Register):
    """Local adapter. Safe across threads and processes: writes run in IMMEDIATE transactions."""

    def __init__(self, path: Path | str, signer: EventSigner):
        self.path = Path(path)
        self.signer = signer
        self.rows = codec.RowSigner(signer.key)
        self._local = threading.local()

    # -- plumbing ------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self._private_files()
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    def _private_files(self) -> None:
        """The register holds password hashes: owner only (0600, folder 0700), whatever the umask.

        SQLite gives the -wal and -shm files the database file's mode; older ones are fixed here."""
        make_dir(self.path.parent, PRIVATE_DIR)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
        for path in (self.path, *(self.path.with_name(self.path.name + s) for s in ("-wal", "-shm"))):
            if path.exists():
                os.chmod(path, PRIVATE_FILE)

    @contextmanager
    def _tx(self):
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")  # take the write lock first: no lost update between processes
            self._local.written = []
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        except (sqlite3.OperationalError, OSError) as err:
            if is_disk_error(err):  # otherwise SQLite's "cannot rollback" would hide the cause
                raise storage_full("register") from err
            raise

    def _rows(self, sql: str, args=()) -> list[sqlite3.Row]:
        return self._conn().execute(sql, args).fetchall()

    def init(self) -> None:
        with self._tx() as conn:
            migrations.refuse_newer(conn, "sqlite")  # before anything is written
            for name, cls in codec.RECORDS.items():
                conn.execute(_table_sql(name, cls))
                self._add_missing_columns(conn, name, cls)
            for sql in _EXTRA_SQL:
                conn.execute(sql)
            for table in codec.FIXED:
                if codec.ROW_MAC not in {r["name"] for r in conn.execute(f"PRAGMA table_info({table})")}:
                    conn.execute(f'ALTER TABLE {table} ADD COLUMN "{codec.ROW_MAC}" TEXT')
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
            self.migrated = migrations.upgrade(conn, "sqlite")
            self._sign_older_rows(conn)

    def _add_missing_columns(self, conn, name: str, cls) -> None:
        """Upgrade in place: a newer release may add fields; old rows get empty values."""
        present = {r["name"] for r in conn.execute(f"PRAGMA table_info({name})")}
        for col in codec.columns(cls) + list(_HIDDEN[name == "events"]):
            if col not in present:
                conn.execute(f'ALTER TABLE {name} ADD COLUMN "{col}" TEXT')

    # -- reads ---------------------------------------------------------------------------
    def _get(self, table: str, cls, key: str):
        rows = self._rows(f'SELECT * FROM {table} WHERE "{_KEYS[table]}" = ?', (key,))
        return codec.from_row(cls, dict(rows[0])) if rows else None

    def get_item(self, item_id: str) -> Item | None:
        return self._get("items", Item, item_id)

    def list_items(self, office_id: str) -> list[Item]:
        rows = self._rows("SELECT * FROM items WHERE office_id = ? ORDER BY created_at, id",
                          (office_id,))
        return [codec.from_row(Item, dict(r)) for r in rows]

    def item_frame(self, office_id: str, columns: tuple[str, ...] | None = None):
        import pandas as pd
        names = list(columns or codec.columns(Item))
        select = ", ".join(f'"{c}"' for c in names if c in codec.columns(Item))
        rows = self._tuples(f"SELECT {select} FROM items WHERE office_id = ? ORDER BY created_at, id", (office_id,))
        return pd.DataFrame.from_records(rows, columns=names)

    def _tuples(self, sql: str, args=()) -> list[tuple]:
        """Rows as plain tuples: a sqlite3.Row per row costs more than the query (the dashboard's fast path)."""
        cursor = self._conn().cursor()
        cursor.row_factory = None
        return cursor.execute(sql, args).fetchall()

    def get_version(self, version_id: str) -> Version | None:
        return self._get("versions", Version, version_id)

    def list_versions(self, office_id: str) -> list[Version]:
        rows = self._rows("SELECT * FROM versions WHERE office_id = ? ORDER BY created_at, id",
                          (office_id,))
        return [codec.from_row(Version, dict(r)) for r in rows]

    def snapshot(self, version_id: str, kategori: str | None = None) -> list[SnapshotRow]:
        rows = (self._rows("SELECT * FROM version_items WHERE version_id = ?", (version_id,)) if kategori is None
                else self._rows("SELECT * FROM version_items WHERE version_id = ? AND kategori = ?",
                                (version_id, kategori)))
        snap = [codec.snapshot_row(r) for r in rows]
        return sorted(snap, key=_snapshot_order)

    def list_attachments(self, office_id: str, item_id: str | None = None) -> list[Attachment]:
        where, args = ("office_id = ?", (office_id,)) if item_id is None else \
            ("office_id = ? AND item_id = ?", (office_id, item_id))
        rows = self._rows(f"SELECT * FROM attachments WHERE {where} ORDER BY uploaded_at, id", args)
        return [codec.from_row(Attachment, dict(r)) for r in rows]

    def get_attachment(self, attachment_id: str) -> Attachment | None:
        return self._get("attachments", Attachment, attachment_id)

    def get_user(self, username: str) -> User | None:
        return self._get("users", User, username)

    def list_users(self) -> list[User]:
        return [codec.from_row(User, dict(r)) for r in self._rows("SELECT * FROM users ORDER BY username")]

    def settings(self, office_id: str) -> dict[str, str]:
        rows = self._rows("SELECT key, value FROM settings WHERE office_id = ?", (office_id,))
        return {r["key"]: r["value"] for r in rows}

    def holiday_overrides(self, office_id: str) -> list[HolidayOverride]:
        rows = self._rows("SELECT * FROM holidays WHERE office_id = ? ORDER BY day", (office_id,))
        return [HolidayOverride(date.fromisoformat(r["day"]), r["kind"], r["name"]) for r in rows]

    def events(self, office_id: str, newest: int | None = None) -> list[Event]:
        rows = (self._rows("SELECT * FROM events WHERE office_id = ? ORDER BY seq", (office_id,)) if newest is None
                else self._rows("SELECT * FROM events WHERE office_id = ? ORDER BY seq DESC LIMIT ?",
                                (office_id, newest))[::-1])
        return [codec.from_row(Event, {k: r[k] for k in r.keys() if k not in ("seq", WRITTEN)}) for r in rows]

    def revision(self, office_id: str) -> str:
        # Every write appends its event in the same transaction: the newest event names the state.
        last = self._conn().execute("SELECT seq, id FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return f"{self._where()}#{last['seq']}:{last['id']}" if last else f"{self._where()}#0"

    def revision_of(self, office_ids) -> str:
        return self.revision("")  # one file: its newest event, whichever office wrote it

    def _where(self) -> str:
        """Which register this is, for revision tokens: its file."""
        return str(self.path.resolve())

    # -- writes --------------------------------------------------------------------------
    def _append(self, conn, event: Event) -> Event:
        last = conn.execute("SELECT id FROM events WHERE office_id = ? ORDER BY seq DESC LIMIT 1",
                            (event.office_id,)).fetchone()
        event.prev_id = last["id"] if last else ""
        event.mac = self.signer.sign(event)
        row = codec.to_row(event)
        written, self._local.written = self._written(), []
        row[WRITTEN] = json.dumps(written, ensure_ascii=False) if written else ""
        names = ", ".join(f'"{c}"' for c in row)
        conn.execute(f"INSERT INTO events ({names}) VALUES ({', '.join('?' * len(row))})",
                     list(row.values()))
        return event

    def _check_revision(self, conn, table: str, key: str, expected: int | None, what: str):
        found = conn.execute(f'SELECT revision, updated_by, updated_at FROM {table} '
                             f'WHERE "{_KEYS[table]}" = ?', (key,)).fetchone()
        if expected is None and found is not None:
            raise ConflictError(f"{what} dengan kode {key} sudah ada.")
        if expected is not None and (found is None or int(found["revision"]) != expected):
            raise stale_error(what, found["updated_by"] if found else "", found["updated_at"] if found else "")

    def _upsert(self, conn, table: str, obj, expected: int | None, what: str, actor: str):
        key = getattr(obj, _KEYS[table])
        self._check_revision(conn, table, key, expected, what)
        obj = obj.replace(revision=(expected or 0) + 1, updated_at=utc_now(), updated_by=actor)
        self._put(conn, table, codec.to_row(obj))
        return obj

    def _put(self, conn, table: str, row: dict, verb: str = "INSERT OR REPLACE") -> None:
        """Write one row with its MAC: every row of every table is signed."""
        row = self.rows.signed(table, row)
        names = ", ".join(f'"{c}"' for c in row)
        conn.execute(f"{verb} INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        self._written().append([table, _row_name(table, row), row[codec.ROW_MAC]])

    def _written(self) -> list:
        """The rows this transaction wrote; the next event appended carries them (the write ledger)."""
        if getattr(self._local, "written", None) is None:
            self._local.written = []
        return self._local.written

    def _deleted(self, conn, table: str, where: str, args) -> None:
        keys = _ROW_KEYS[table]
        for row in conn.execute(f"SELECT {', '.join(keys)} FROM {table} WHERE {where}", args):
            self._written().append([table, _row_name(table, dict(row)), ""])
        conn.execute(f"DELETE FROM {table} WHERE {where}", args)

    def save_item(self, item: Item, event: Event, expected_revision: int | None) -> Item:
        with self._tx() as conn:
            saved = self._upsert(conn, "items", item, expected_revision, "Informasi", event.actor)
            self._append(conn, event)
        return saved

    def save_version(self, version, event, expected_revision, snapshot=None) -> Version:
        with self._tx() as conn:
            saved = self._upsert(conn, "versions", version, expected_revision, "Versi DIP", event.actor)
            if snapshot is not None:
                self._replace_snapshot(conn, version.id, snapshot)
            self._append(conn, event)
        return saved

    def _replace_snapshot(self, conn, version_id: str, rows: list[SnapshotRow]) -> None:
        self._deleted(conn, "version_items", "version_id = ?", (version_id,))
        for r in rows:
            terms = codec.exemption_terms(r.kategori, r.data)  # derived, outside the MAC (migration 4)
            cells = codec.snapshot_cells(r) | ({"exemption_terms": terms} if terms else {})
            self._put(conn, "version_items", cells, "INSERT")

    def save_attachment(self, att: Attachment, event: Event, expected_revision: int | None) -> Attachment:
        with self._tx() as conn:
            saved = self._upsert(conn, "attachments", att, expected_revision, "Berkas", event.actor)
            self._append(conn, event)
        return saved

    def save_user(self, user: User, event: Event, expected_revision: int | None) -> User:
        with self._tx() as conn:
            saved = self._upsert(conn, "users", user, expected_revision, "Pengguna", event.actor)
            self._append(conn, event)
        return saved

    def save_settings(self, office_id: str, values: dict[str, str], event: Event) -> None:
        with self._tx() as conn:
            for k, v in values.items():
                self._put(conn, "settings", {"office_id": office_id, "key": k, "value": str(v)})
            self._append(conn, event)

    def compare_and_set_setting(self, office_id, key, expected, value, event) -> bool:
        with self._tx() as conn:  # IMMEDIATE: nobody writes between this read and the write
            found = conn.execute("SELECT value FROM settings WHERE office_id = ? AND key = ?",
                                 (office_id, key)).fetchone()
            if (found["value"] if found else None) != expected:
                return False
            self._put(conn, "settings", {"office_id": office_id, "key": key, "value": str(value)})
            self._append(conn, event)
        return True

    def save_holiday_override(self, office_id, override, event, remove=False) -> None:
        with self._tx() as conn:
            self._deleted(conn, "holidays", "office_id = ? AND day = ?", (office_id, override.day.isoformat()))
            if not remove:
                self._put(conn, "holidays", {"office_id": office_id, "day": override.day.isoformat(),
                                             "kind": override.kind, "name": override.name}, "INSERT")
            self._append(conn, event)

    def save_many(self, items, events, version=None, snapshot=None) -> None:
        with self._tx() as conn:
            for item in items:
                self._upsert(conn, "items", item, None, "Informasi", events[0].actor if events else "")
            if version is not None:
                self._upsert(conn, "versions", version, None, "Versi DIP", version.created_by)
                self._replace_snapshot(conn, version.id, snapshot or [])
            for event in events:
                self._append(conn, event)

    def update_many(self, items, events, expected_revisions) -> list[Item]:
        """One IMMEDIATE transaction: a stale item rolls back every row written before it."""
        saved = []
        with self._tx() as conn:
            for item, event, expected in zip(items, events, expected_revisions, strict=True):
                try:
                    saved.append(self._upsert(conn, "items", item, expected, "Informasi", event.actor))
                except ConflictError as err:
                    raise stale_item(item, getattr(err, "changed_by", ""), getattr(err, "changed_at", "")) from err
                self._append(conn, event)  # each event carries the ledger of its own row
        return saved

    def append_event(self, event: Event) -> Event:
        with self._tx() as conn:
            return self._append(conn, event)

    # -- backup and restore --------------------------------------------------------------
    def _columns(self, conn, table: str) -> list[str]:
        return [r["name"] for r in conn.execute(f"PRAGMA table_info({table})")]

    def _derives_terms(self, conn) -> bool:
        """Whether the register keeps exempt rows' terms beside their data (schema 4 on)."""
        return "exemption_terms" in self._columns(conn, "version_items")

    def _stored_columns(self, conn, table: str) -> list[str]:
        """Every column but the internal ones (seq, and what the register fills itself): the record's fields
        first, in their order."""
        internal = ("seq", *migrations.DERIVED_COLUMNS.get(table, ()))
        present = [c for c in self._columns(conn, table) if c not in internal]
        known = codec.columns(codec.RECORDS[table]) if table in codec.RECORDS else []
        return [c for c in known if c in present] + [c for c in present if c not in known]

    def dump(self) -> dict[str, list[dict[str, str]]]:
        conn = self._conn()
        conn.execute("BEGIN")  # one read snapshot across all tables, even while others write
        try:
            tables = {}
            for table in self.DUMP_TABLES:
                names = self._stored_columns(conn, table)
                select = ", ".join(f'"{c}"' for c in names)
                rows = conn.execute(f"SELECT {select} FROM {table} ORDER BY {_DUMP_ORDER[table]}")
                tables[table] = [{c: "" if v is None else str(v) for c, v in zip(names, row)}
                                 for row in rows]
            return tables
        finally:
            conn.execute("COMMIT")

    def load(self, tables: dict[str, list[dict[str, str]]]) -> None:
        _check_tables(tables)
        with self._tx() as conn:
            held = self._held(conn, "1 = 1")
            if held:
                raise SidipError(f"Register tujuan tidak kosong: {held}. Cadangan hanya "
                                 "dapat dipulihkan ke register baru yang kosong.")
            derive = self._derives_terms(conn)
            for table in self.DUMP_TABLES:
                present = set(self._stored_columns(conn, table))
                for number, row in enumerate(tables.get(table, []), 1):
                    if table != "events" and not row.get(codec.ROW_MAC):
                        row = self.rows.signed(table, row)  # a backup from before rows were signed
                    try:
                        _insert_loaded(conn, table, row, present, derive)
                    except sqlite3.IntegrityError as err:
                        raise SidipError(f"Tabel {table} baris {number} tidak dapat dimuat: kuncinya "
                                         "ganda atau kosong.") from err

    _DUPLICATE: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)  # a key taken (PostgreSQL adds its own)

    def load_office(self, office_id: str, tables: dict[str, list[dict[str, str]]]) -> None:
        _check_tables(tables)
        _check_one_office(office_id, tables)
        with self._tx() as conn:
            held = self._held(conn, "office_id = ?", (office_id,))
            if held:
                raise SidipError(f"Kode kantor {office_id} sudah dipakai di register ini ({held}); "
                                 "tidak ada yang dimuat.")
            derive = self._derives_terms(conn)
            for table in self.DUMP_TABLES:
                present = set(self._stored_columns(conn, table))
                for row in tables.get(table, []):
                    try:
                        _insert_loaded(conn, table, row, present, derive)
                    except self._DUPLICATE as err:
                        key = row.get("id") if table == "events" else _row_name(table, row)
                        raise SidipError(f"Tabel {TABLE_WORDS[table]}: kode {key} sudah dipakai di register ini; "
                                         "tidak ada yang dimuat.") from err

    def _held(self, conn, where: str, args=()) -> str:
        """What the tables hold (of the rows ``where`` selects), in words; "" for nothing."""
        counts = [(table, conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", args).fetchone()[0])
                  for table in self.DUMP_TABLES]
        return ", ".join(f"{n} {TABLE_WORDS[table]}" for table, n in counts if n)


def _check_tables(tables: dict) -> None:
    unknown = sorted(set(tables) - set(Register.DUMP_TABLES))
    if unknown:
        raise SidipError(f"Tabel tidak dikenal: {', '.join(unknown)}.")


def _insert_loaded(conn, table: str, row: dict[str, str], present: set[str], derive: bool) -> None:
    """One dumped row inserted as it is (``derive``: with what the register derives from a frozen row); a
    column the table lacks is refused."""
    extra = sorted(set(row) - present)
    if extra:
        raise SidipError(f"Tabel {table} tidak memiliki kolom {', '.join(extra)}.")
    if derive and table == "version_items":  # what the register derives from a frozen row is never in a backup
        terms = codec.exemption_terms(row.get("kategori", ""), row.get("data") or "")
        row = row | ({"exemption_terms": terms} if terms else {})
    names = ", ".join(f'"{c}"' for c in row)
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo what is left; after a full disk SQLite may have rolled back already, which is no error."""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def _snapshot_order(row: SnapshotRow):
    from lib.domain.models import CATEGORIES
    return (list(CATEGORIES).index(row.kategori) if row.kategori in CATEGORIES else 99, row.nomor)


def _check_one_office(office_id: str, tables: dict[str, list[dict[str, str]]]) -> None:
    """Every row of an office moving in is that office's (a frozen version's rows take their version's)."""
    for table, rows in tables.items():
        stray = next((row for row in rows if table != "version_items" and row.get("office_id") != office_id), None)
        if stray is not None:
            raise SidipError(f"Tabel {TABLE_WORDS[table]} memuat baris kantor lain ({stray.get('office_id', '')}); "
                             f"hanya baris kantor {office_id} yang dapat dimuat.")
